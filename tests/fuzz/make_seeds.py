#!/usr/bin/env python3
"""Writes the hand-made part of the seed corpus (tests/fuzz/corpus/<target>/):
small valid inputs of each reader, so the fuzzer starts from the formats'
structure instead of from nothing. The YAML seeds are copies of jobs/*.yaml and
of test specs; regressions (inputs that once crashed) sit beside these as
crash-<what>. Rerun after changing a format: python3 tests/fuzz/make_seeds.py"""
import json, os, struct

here = os.path.dirname(os.path.abspath(__file__))

def put(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# ---- container_header: WAV, RIFX, RF64, AU (both byte orders), AIFF, whole and cut short.
pcm = bytes(64)
fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 22050, 44100, 2, 16)
def wav(data_size, body, tag=b"RIFF"):
    chunks = fmt + b"data" + struct.pack("<I", data_size) + body
    return tag + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks
put("container_header", "wav-whole", wav(64, pcm))
put("container_header", "wav-short", wav(640, pcm))
put("container_header", "wav-streaming", wav(0xFFFFFFFF, pcm))
put("container_header", "wav-list-chunk", b"RIFF" + struct.pack("<I", 0) + b"WAVE" + b"LIST" + struct.pack("<I", 3) + b"abc\0" + fmt + b"data" + struct.pack("<I", 64) + pcm)
rifx_fmt = b"fmt " + struct.pack(">IHHIIHH", 16, 1, 1, 22050, 44100, 2, 16)
put("container_header", "rifx-short", b"RIFX" + struct.pack(">I", 0) + b"WAVE" + rifx_fmt + b"data" + struct.pack(">I", 640) + pcm)
ds64 = b"ds64" + struct.pack("<IQQQI", 28, 0, 640, 10, 0)
put("container_header", "rf64-short", b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + ds64 + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF) + pcm)
put("container_header", "au-short", b".snd" + struct.pack(">IIIII", 24, 640, 3, 22050, 1) + pcm)
put("container_header", "au-le-whole", b"dns." + struct.pack("<IIIII", 24, 64, 3, 22050, 1) + pcm)
comm = b"COMM" + struct.pack(">IhIh", 18, 1, 32, 16) + bytes(10)
ssnd = b"SSND" + struct.pack(">III", 8 + 640, 0, 0) + pcm
put("container_header", "aiff-short", b"FORM" + struct.pack(">I", 4 + len(comm) + len(ssnd)) + b"AIFF" + comm + ssnd)
put("container_header", "aifc-offset", b"FORM" + struct.pack(">I", 0) + b"AIFC" + comm + b"SSND" + struct.pack(">III", 8 + 4 + 64, 4, 0) + bytes(4) + pcm)

# ---- feature_csv: Kaggle's layout (the first byte picks --classes: odd = GTZAN's ten).
cols = ["length", "chroma_stft_mean", "chroma_stft_var", "rms_mean", "rms_var", "spectral_centroid_mean",
        "spectral_centroid_var", "spectral_bandwidth_mean", "spectral_bandwidth_var", "rolloff_mean", "rolloff_var",
        "zero_crossing_rate_mean", "zero_crossing_rate_var", "harmony_mean", "harmony_var", "perceptr_mean",
        "perceptr_var", "tempo"] + [f"mfcc{k}_{s}" for k in range(1, 21) for s in ("mean", "var")]
head = "filename," + ",".join(cols) + ",label\n"
def row(name, length, label, x=0.5):
    return name + "," + str(length) + "".join(f",{x + i * 0.01:.6g}" for i in range(len(cols) - 1)) + "," + label + "\n"
segs = "".join(row(f"blues.00000.{k}.wav", 66149, "blues") for k in range(3)) + \
       "".join(row(f"rock.00001.{k}.wav", 66149, "rock", 1e-3) for k in range(2))
put("feature_csv", "segments-3s", "\x01" + head + segs)
put("feature_csv", "tracks-30s", "\x00" + head + row("blues.00000.wav", 661794, "blues") + row("jazz.00002.wav", 661500, "jazz", -2.5e3))
put("feature_csv", "quoted-crlf", "\x00" + head.replace("\n", "\r\n") + row('"a,b.0.wav"', 66150, '"x""y"').replace("\n", "\r\n"))

# ---- journal: the events a sweep writes (search/events.cpp), and a torn tail.
events = [
    {"event": "sweep_started", "name": "demo", "method": "random", "trials": 2},
    {"event": "trial_started", "trial": 0, "params": {"optim.lr": 0.001}, "config": {"optim": {"lr": 0.001}}},
    {"event": "epoch", "trial": 0, "epoch": 1, "metrics": {"val_accuracy": 0.5, "val_loss": None}},
    {"event": "trial_finished", "trial": 0, "status": "completed", "best": {"val_accuracy": 0.5}},
]
lines = "".join(json.dumps(e) + "\n" for e in events)
put("journal", "sweep", lines)
put("journal", "torn-tail", lines + '{"event": "epo')
put("journal", "blank-lines", "\n" + lines + "\n\n")

# ---- manifest: dataset.json as data/manifest.cpp writes it.
manifest = {
    "params": {"schema_version": 1, "feature": "mfcc", "sample_rate": 22050, "n_fft": 2048, "hop_length": 512,
               "n_mels": 128, "n_mfcc": 13, "segment_s": 3.0, "segment_samples": 66150, "pad_mode": "constant",
               "classes": ["blues", "rock"], "genre_version": "0.1.0", "frames": 130, "dims": 13,
               "table_columns": ["length", "tempo"]},
    "input": "corpus", "total_tracks": 2, "total_segments": 20, "reused_tracks": 0, "ranks": 2, "wall_s": 1.5,
    "tracks_per_s": 1.3, "plan_s": 0.01,
    "rank_timing": [{"rank": 0, "files": 1, "work_s": 1.0, "write_s": 0.1, "done_s": 1.2}],
    "created": "2026-01-01T00:00:00Z",
    "shards": [{"file": "shards/shard-0000.h5", "tracks": 2, "segments": 20, "stale_rows": [1]}],
    "failed": [{"path": "bad.wav", "reason": "not audio"}],
    "split": {"mode": "track", "seed": 42, "fractions": [0.8, 0.1, 0.1], "leaks": False, "note": "",
              "train": ["blues.00000"], "val": [], "test": ["rock.00001"]},
}
put("manifest", "dataset", json.dumps(manifest, indent=2) + "\n")
minimal = dict(manifest)
for k in ("input", "rank_timing", "failed", "created", "total_tracks", "total_segments"):
    minimal.pop(k)
put("manifest", "minimal", json.dumps(minimal))
