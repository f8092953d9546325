#pragma once
// `genre synth`: a deterministic labelled corpus laid out like GTZAN, for
// demos, tests and benchmarks where the real dataset cannot be shipped:
// <output>/<class>/<class>.00000.wav, mono 16-bit WAV.
//
// Each class is a musical style drawn from the seed: tempo, timbre (harmonic
// series), spectral tilt, percussion, harmony, register, note density, note
// length, bass, distortion, echo, loudness. Classes are spread over each of
// these (a Latin hypercube), and every track jitters its class's values widely,
// so classes overlap in any single feature and a classifier has to combine
// several. Same config, same binary: byte-identical files.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace genre::preprocess {

struct SynthConfig {
  std::filesystem::path output;  // corpus root; class folders are created inside
  int classes = 10;              // <= 10 take GTZAN's names; more: genre10, genre11, ...
  int tracks_per_class = 10;
  double seconds = 30;     // length of every good track
  int sample_rate = 22050;  // Hz, 8000..192000
  std::uint64_t seed = 42;
  bool with_bad_files = false;  // also write the unusable files of synth_bad_files()
  // How far a track strays from its class's style: the standard deviation of
  // its values around the class's, in units of each dimension's [0, 1] range.
  // 0.13 makes neighbouring classes overlap in every single dimension; 0
  // leaves only the discrete choices and the notes to vary; near 0.5 the
  // continuous values are almost uniform whatever the class.
  double overlap = 0.13;

  // Throws UsageError for an empty output path, non-positive values, a
  // sample rate outside 8000..192000 Hz or an overlap outside [0, 1].
  void validate() const;
};

struct SynthSummary {
  std::size_t files = 0;      // good tracks written
  std::size_t bad_files = 0;  // unusable files written (with_bad_files)
  std::uintmax_t bytes = 0;   // size of everything written
};

// blues, classical, country, disco, hiphop, jazz, metal, pop, reggae, rock,
// then genre10, genre11, ...: the first `classes` of them.
std::vector<std::string> synth_class_names(int classes);

// The unusable files that with_bad_files adds, spread over the class folders
// (in this order, wrapping around) so that a scan finds them like tracks:
//   bad.empty.wav      0 bytes
//   bad.not-audio.wav  a text file
//   bad.truncated.wav  a track's WAV cut to 60% of its bytes
//   bad.short.wav      2 s of music
//   bad.silent.wav     `seconds` of digital silence
//   bad.nan.wav        a 32-bit float WAV track with NaN samples
//   bad.garbage.flac   a valid FLAC header followed by random bytes
struct SynthBadFile {
  std::string path;  // relative to the output folder, e.g. "country/bad.truncated.wav"
  std::string kind;  // "empty", "not-audio", "truncated", "short", "silent", "nan", "garbage"
};
std::vector<SynthBadFile> synth_bad_files(int classes);

// One good track's samples (mono, config.sample_rate, within ±1), as written
// before 16-bit quantisation. Track indices beyond tracks_per_class are valid
// (the bad files use them).
std::vector<float> synth_track(const SynthConfig& config, int class_index, int track_index);

// Called after each file with (files written, files to write).
using SynthProgress = std::function<void(std::size_t done, std::size_t total)>;

// Writes the corpus (validating the config first) and returns what it wrote.
SynthSummary write_synth_corpus(const SynthConfig& config, const SynthProgress& progress = {});

}  // namespace genre::preprocess
