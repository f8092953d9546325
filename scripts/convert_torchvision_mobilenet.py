#!/usr/bin/env python3
"""Converts torchvision's mobilenet_v2 ImageNet state dict into the weights file genre loads.

The input is a .pth file you downloaded yourself (torchvision's
mobilenet_v2-b0353104.pth or mobilenet_v2-7ebf99e0.pth; nothing here downloads
anything): the state dict that torch.save wrote, which LibTorch cannot read.
The output is LibTorch's archive, the format of genre's checkpoint.pt: a
TorchScript module with one nested module per layer, parameters and batch-norm
buffers under their torchvision names (features.0.0.weight, ...). genre's
mobilenet_v2 has those names, so `load_matching` (train.init) fills its
backbone; the ImageNet classifier (classifier.*) is left out, since the seed
puts a new head on the backbone.

Needs PyTorch for Python (Debian: python3-torch), not torchvision.
Usage: convert_torchvision_mobilenet.py INPUT.pth OUTPUT.pt [--keep-classifier]
"""
import argparse
import sys

import torch
from torch import nn

BUFFERS = ("running_mean", "running_var", "num_batches_tracked")
# Two tensors that only torchvision's width-1.0 mobilenet_v2 has with these shapes.
SIGNATURE = {"features.1.conv.0.0.weight": (32, 1, 3, 3), "features.18.0.weight": (1280, 320, 1, 1)}


class Layer(nn.Module):
    """A holder for one level of the archive: tensors and nested layers, no computation."""


def state_dict_of(loaded, origin):
    if not isinstance(loaded, dict) or not all(isinstance(v, torch.Tensor) for v in loaded.values()):
        raise ValueError(f"{origin}: not a state dict (a mapping of names to tensors)")
    missing = [k for k, shape in SIGNATURE.items() if k not in loaded or tuple(loaded[k].shape) != shape]
    if missing:
        raise ValueError(f"{origin}: not torchvision's mobilenet_v2 (width 1.0) state dict: "
                         f"{missing[0]} missing or of another shape")
    return loaded


def archive(state_dict):
    """The nested module LibTorch's InputArchive reads: one Layer per dotted name component."""
    root = Layer()
    for name, tensor in state_dict.items():
        *path, leaf = name.split(".")
        layer = root
        for part in path:
            if not hasattr(layer, part):
                layer.add_module(part, Layer())
            layer = getattr(layer, part)
        tensor = tensor.detach().clone().contiguous()
        if leaf in BUFFERS:
            layer.register_buffer(leaf, tensor)
        else:
            layer.register_parameter(leaf, nn.Parameter(tensor, requires_grad=False))
    return torch.jit.script(root)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="torchvision's mobilenet_v2 state dict (.pth)")
    ap.add_argument("output", help="the weights file to write (LibTorch archive)")
    ap.add_argument("--keep-classifier", action="store_true",
                    help="also write the ImageNet classifier (classifier.1, 1000 classes)")
    a = ap.parse_args()
    try:
        state = state_dict_of(torch.load(a.input, map_location="cpu"), a.input)
    except (OSError, RuntimeError, ValueError, EOFError) as e:  # torch.load's own errors are RuntimeErrors
        sys.exit(f"convert_torchvision_mobilenet: {e}")
    kept = {k: v for k, v in state.items() if a.keep_classifier or not k.startswith("classifier.")}
    archive(kept).save(a.output)
    values = sum(v.numel() for k, v in kept.items() if not k.endswith("num_batches_tracked"))
    print(f"convert_torchvision_mobilenet: wrote {len(kept)} tensors ({values} values) to {a.output}"
          + ("" if a.keep_classifier else f"; left out the ImageNet classifier ({len(state) - len(kept)} tensors)"))


if __name__ == "__main__":
    main()
