#!/usr/bin/env python3
"""Test data for the torchvision-weights test (test_torchvision_weights.cpp), made without torchvision
and without a download: bench/pytorch_reference.py's MobileNetV2, which has torchvision's layers and
state-dict names, with random weights and batch-norm statistics (so that eval-mode normalisation is
exercised), as a torchvision-style .pth, plus an input and its pooled backbone output in eval mode.

Writes into OUTDIR: mobilenet_v2.pth (the state dict, 1000-class ImageNet head included, as
torchvision's file has it), reference.pt (LibTorch archive: buffers `input` [2, 3, 64, 64] and
`features` [2, 1280]) and not_mobilenet.pth (the state dict of another model).
Usage: make_torchvision_mobilenet.py SOURCE_DIR OUTDIR
"""
import sys

import torch
from torch import nn

source, out = sys.argv[1], sys.argv[2]
sys.path.insert(0, f"{source}/bench")
import pytorch_reference as ref  # noqa: E402

torch.manual_seed(12)
net = ref.MobileNetV2(classes=1000)
with torch.no_grad():
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.2, 0.2)
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
            m.num_batches_tracked.fill_(1234)
torch.save(net.state_dict(), f"{out}/mobilenet_v2.pth")
torch.save(ref.Cnn().state_dict(), f"{out}/not_mobilenet.pth")

net.eval()
x = torch.randn(2, 3, 64, 64)
with torch.no_grad():
    features = net.features(x).mean((2, 3))


class Tensors(nn.Module):
    def __init__(self, **tensors):
        super().__init__()
        for name, t in tensors.items():
            self.register_buffer(name, t)


torch.jit.script(Tensors(input=x, features=features)).save(f"{out}/reference.pt")
