"""Reads a genre shard with plain h5py and prints what it sees as JSON.

Run by test_data (ShardH5py) with Debian's /usr/bin/python3: the C++ test
compares the summary with what it wrote. Exit code 3: h5py is not installed.
"""
import json
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # the C++ side turns this into a failure with a hint
    print(f"cannot import h5py/numpy ({e}): apt-get install python3-h5py python3-numpy")
    sys.exit(3)


def attr_value(v):
    if isinstance(v, np.ndarray):
        return [x.decode() if isinstance(x, bytes) else str(x) for x in v.tolist()]
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def main(path):
    out = {"attrs": {}, "types": {}, "datasets": {}}
    with h5py.File(path, "r") as f:
        for k, v in f.attrs.items():
            out["attrs"][k] = attr_value(v)
            out["types"][k] = type(v).__name__

        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset):
                return
            d = {"shape": list(obj.shape), "dtype": str(obj.dtype), "chunks": obj.chunks,
                 "attrs": {k: attr_value(v) for k, v in obj.attrs.items()}}
            if h5py.check_string_dtype(obj.dtype) is not None:
                d["dtype"] = "str"
                d["values"] = list(obj.asstr()[()])
                d["raw_type"] = type(obj[0]).__name__ if len(obj) else ""
            elif obj.ndim == 1:
                d["values"] = [x.item() for x in obj[()]]
            else:
                data = obj[()]
                d["sum"] = float(data.astype(np.float64).sum())
                d["first"] = [x.item() for x in data.reshape(-1)[:5]]
                d["last"] = data.reshape(-1)[-1].item() if data.size else None
            out["datasets"]["/" + name] = d

        f.visititems(visit)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
