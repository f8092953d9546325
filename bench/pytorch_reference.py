#!/usr/bin/env python3
"""PyTorch from Python on the seed's three models: the reference bench_train's
figures are compared with, measured in the same run on the same machine.

The loop is what a researcher's Python script runs per step (zero_grad,
forward, cross-entropy, backward, Adam step) on random batches of 32, the
models are SEED-MODELS.md's (Keras 'same' pooling as TensorFlow pads it). Needs Debian's python3-torch (1.13, the version the
C++ side links); prints one line per model and thread count:
    pytorch <model> threads=<t> samples_per_s=<median of --repeats>
Usage: pytorch_reference.py [--seconds 1.0] [--repeats 3] [--threads 1 2]
"""
import argparse
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH = 32
CLASSES = 10


def pool_same(x, k, s):
    """Keras MaxPool2D(k, s, padding='same'): output ceil(in / s), padded as TensorFlow pads."""
    pads = []
    for size in (x.shape[3], x.shape[2]):  # F.pad wants the last dimension first
        total = max((-(-size // s) - 1) * s + k - size, 0)
        pads += [total // 2, total - total // 2]
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


MODELS = {"mlp": (Mlp, (57,)), "cnn": (Cnn, (130, 13)), "resnet": (ResNet, (130, 13))}


def samples_per_s(name, seconds):
    make, shape = MODELS[name]
    torch.manual_seed(0)
    net = make()
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    # A pool of random batches (one batch repeated would be learnt by heart).
    pool = [(torch.randn(BATCH, *shape), torch.randint(0, CLASSES, (BATCH,))) for _ in range(128)]

    def step(i):
        x, y = pool[i % len(pool)]
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        if name == "resnet":
            loss = loss + 1e-3 * net.dense.weight.pow(2).sum()
        loss.backward()
        opt.step()

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
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    a = ap.parse_args()
    for threads in a.threads:
        torch.set_num_threads(threads)
        for name in a.models:
            rates = [samples_per_s(name, a.seconds) for _ in range(a.repeats)]
            print(f"pytorch {name} threads={threads} samples_per_s={statistics.median(rates):.0f}", flush=True)


if __name__ == "__main__":
    main()
