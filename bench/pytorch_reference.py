#!/usr/bin/env python3
"""PyTorch from Python on the seed's models: the reference bench_train's
figures are compared with, measured in the same run on the same machine.

The loop is what a researcher's Python script runs per step (zero_grad,
forward, cross-entropy, backward, Adam step) on random batches of 32, the
models are SEED-MODELS.md's (Keras 'same' pooling as TensorFlow pads it), and
for the image experiments the seed's spectrogram CNN and torchvision's
MobileNetV2 (written out here layer for layer under torchvision's names, so
no torchvision is needed; tests/model checks that genre's mobilenet_v2 computes
the same function once this module's weights are converted) with the seed's
head, on 3 x S x S images. mobilenet_v2 trains as the seed did, its backbone
frozen (no gradients, batch norm in eval mode); mobilenet_v2_full trains all
of it. Needs Debian's python3-torch (1.13, the version the C++ side links);
prints one line per model and thread count:
    pytorch <model>[@<image size>] threads=<t> samples_per_s=<median of --repeats>
Usage: pytorch_reference.py [--seconds 1.0] [--repeats 3] [--threads 1 2]
       [--models mlp cnn resnet] [--image-size 128]
"""
import argparse
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH = 32
CLASSES = 10
IMAGE_STEPS = 3  # timed steps per image measurement (bench_train's image_step: Iterations(3))


def pool_same(x, k, s):
    """Keras MaxPool2D(k, s, padding='same'): output ceil(in / s), padded as TensorFlow pads."""
    pads = []
    for size in (x.shape[3], x.shape[2]):  # F.pad wants the last dimension first
        total = max((-(-size // s) - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
    if not any(pads):  # what a researcher writes for even sizes: no padding copy
        return F.max_pool2d(x, k, s)
    return F.max_pool2d(F.pad(x, pads, value=float("-inf")), k, s)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(57, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 128), nn.ReLU(),
                                 nn.Dropout(0.3), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, CLASSES))

    def forward(self, x):
        return self.net(x)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32)
        self.c2, self.b2 = nn.Conv2d(32, 32, 3), nn.BatchNorm2d(32)
        self.c3, self.b3 = nn.Conv2d(32, 32, 2), nn.BatchNorm2d(32)
        self.dense, self.out = nn.Linear(15 * 1 * 32, 64), nn.Linear(64, CLASSES)

    def forward(self, x):
        x = x.unsqueeze(1)
        x = self.b1(pool_same(F.relu(self.c1(x)), 3, 2))
        x = self.b2(pool_same(F.relu(self.c2(x)), 3, 2))
        x = self.b3(pool_same(F.relu(self.c3(x)), 2, 2))
        x = F.dropout(F.relu(self.dense(x.flatten(1))), 0.3, self.training)
        return self.out(x)


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout)
        self.c2, self.b2 = nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout)
        self.shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        y = self.b1(F.relu(self.c1(x)))
        y = self.b2(F.relu(self.c2(y)))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.bn = nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32)
        self.block1, self.block2 = Block(32, 32), Block(32, 64)
        self.dense, self.out = nn.Linear(17 * 2 * 64, 64), nn.Linear(64, CLASSES)

    def forward(self, x):
        x = pool_same(self.bn(F.relu(self.stem(x.unsqueeze(1)))), 2, 2)
        x = pool_same(self.block1(x), 2, 2)
        x = pool_same(self.block2(x), 2, 2)
        x = F.dropout(F.relu(self.dense(x.flatten(1))), 0.4, self.training)
        return self.out(x)


class SpectrogramCnn(nn.Module):
    """The seed's image CNN: Conv 32/64/128 (3x3 same, ReLU), each with a 2x2 max-pool, Dense 128, Dropout 0.5."""

    def __init__(self, size, channels=3, classes=CLASSES):
        super().__init__()
        self.c1 = nn.Conv2d(channels, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 128, 3, padding=1)
        for _ in range(3):
            size = -(-size // 2)
        self.dense, self.out = nn.Linear(128 * size * size, 128), nn.Linear(128, classes)

    def forward(self, x):
        for conv in (self.c1, self.c2, self.c3):
            x = pool_same(F.relu(conv(x)), 2, 2)
        x = F.dropout(F.relu(self.dense(x.flatten(1))), 0.5, self.training)
        return self.out(x)


def conv_bn_relu6(cin, cout, k, stride=1, groups=1):
    """torchvision's Conv2dNormActivation: layers 0 (conv, no bias), 1 (batch norm), 2 (ReLU6)."""
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [conv_bn_relu6(cin, hidden, 1)] if expand != 1 else []
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, hidden), nn.Conv2d(hidden, cout, 1, bias=False),
                   nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.residual else self.conv(x)


# torchvision's inverted_residual_setting for width 1.0: expansion, channels, repeats, first stride.
MOBILENET_STAGES = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
                    (6, 320, 1, 1)]


class MobileNetV2(nn.Module):
    """torchvision.models.mobilenet_v2 (features.* as there, its state dict's names) with the seed's head:
    global average pooling, Dropout 0.5, Dense classes (classifier.1, as torchvision names its Linear)."""

    def __init__(self, size=None, channels=3, classes=CLASSES):
        super().__init__()
        features, cin = [conv_bn_relu6(channels, 32, 3, 2)], 32
        for t, c, n, s in MOBILENET_STAGES:
            for i in range(n):
                features.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        features.append(conv_bn_relu6(cin, 1280, 1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(1280, classes))
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))


IMAGE_MODELS = {"spectrogram_cnn": SpectrogramCnn, "mobilenet_v2": MobileNetV2, "mobilenet_v2_full": MobileNetV2}
MODELS = {"mlp": (Mlp, (57,)), "cnn": (Cnn, (130, 13)), "resnet": (ResNet, (130, 13))}


def build(name, image_size):
    """(net, sample shape, parameters to train) as the experiment trains them."""
    if name in MODELS:
        make, shape = MODELS[name]
        net = make()
        net.train()
        return net, shape, list(net.parameters())
    net = IMAGE_MODELS[name](image_size)
    net.train()
    if name == "mobilenet_v2":  # the seed's transfer learning: the backbone frozen, batch norm included
        net.features.requires_grad_(False)
        net.features.eval()
    return net, (3, image_size, image_size), [p for p in net.parameters() if p.requires_grad]


def samples_per_s(name, seconds, image_size):
    torch.manual_seed(0)
    net, shape, params = build(name, image_size)
    opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7)
    # A pool of random batches (one batch repeated would be learnt by heart);
    # a smaller one for images, which are large and slow.
    pool = [(torch.randn(BATCH, *shape), torch.randint(0, CLASSES, (BATCH,)))
            for _ in range(128 if name in MODELS else 4)]

    def step(i):
        x, y = pool[i % len(pool)]
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        if name == "resnet":
            loss = loss + 1e-3 * net.dense.weight.pow(2).sum()
        loss.backward()
        opt.step()

    if name not in MODELS:  # images: a step takes seconds; one warm-up and a fixed count, as bench_train
        step(0)
        start = time.perf_counter()
        for i in range(IMAGE_STEPS):
            step(i + 1)
        return IMAGE_STEPS * BATCH / (time.perf_counter() - start)
    for i in range(10):  # warm-up
        step(i)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(steps)
        steps += 1
    return steps * BATCH / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS) + list(IMAGE_MODELS))
    ap.add_argument("--image-size", type=int, default=128, help="S of the 3 x S x S images")
    a = ap.parse_args()
    for threads in a.threads:
        torch.set_num_threads(threads)
        for name in a.models:
            rates = [samples_per_s(name, a.seconds, a.image_size) for _ in range(a.repeats)]
            shown = name if name in MODELS else f"{name}@{a.image_size}"
            print(f"pytorch {shown} threads={threads} samples_per_s={statistics.median(rates):.1f}", flush=True)


if __name__ == "__main__":
    main()
