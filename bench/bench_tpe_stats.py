"""Spreads for bench/bench_tpe.sh: reads the --per-seed rows of bench_tpe and
bench_tpe_optuna.py (method, function, seed, regret after 10, 25, 50 trials)
on stdin and prints, per function, method and trial count, genre's and
Optuna's median regret with its interquartile range, the difference of the
medians (genre - Optuna) and a bootstrap 95% confidence interval of that
difference, and what it says of issue 14's target (genre <= Optuna):

  met       the interval lies below 0 (genre clearly lower)
  not met   the interval lies above 0 (genre clearly higher)
  noise     the interval holds 0 (with "<=" or ">" for the medians' order)
  few seeds fewer than 20 seeds on a side: a bootstrap of so few says little

The two sides' seeds are unrelated (different generators), so the bootstrap
resamples each side on its own: 10,000 times, with a fixed seed so that a
rerun on the same rows prints the same interval.
"""
import collections
import sys

import numpy as np

RESAMPLES = 10000
MIN_SEEDS = 20
AT = (10, 25, 50)


def read(lines):
    rows = collections.defaultdict(list)  # (side, method, function) -> [[r10, r25, r50], ...]
    for line in lines:
        f = line.rstrip("\n").split("\t")
        if len(f) != 6 or not (f[0].startswith("genre_") or f[0].startswith("optuna_")):
            continue
        side, method = f[0].split("_", 1)
        rows[(side, method, f[1])].append([float(v) for v in f[3:]])
    return {k: np.asarray(v) for k, v in rows.items()}


def median_difference_ci(a, b, rng):
    ia = rng.integers(0, len(a), size=(RESAMPLES, len(a)))
    ib = rng.integers(0, len(b), size=(RESAMPLES, len(b)))
    d = np.median(a[ia], axis=1) - np.median(b[ib], axis=1)
    return np.percentile(d, 2.5), np.percentile(d, 97.5)


def verdict(low, high, diff, seeds):
    if seeds < MIN_SEEDS:
        return "few seeds"
    if high < 0:
        return "met"
    if low > 0:
        return "not met"
    return "noise, " + ("<=" if diff <= 0 else ">")


def spread(x):
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    return "%.3g [%.3g-%.3g]" % (med, q1, q3)


def main():
    rows = read(sys.stdin)
    rng = np.random.default_rng(0)
    print("# function\tmethod\ttrials\tseeds (genre/optuna)\tgenre median [IQR]\toptuna median [IQR]"
          "\tgenre-optuna\t95% CI\ttarget")
    for (side, method, function), g in sorted(rows.items(), key=lambda kv: (kv[0][2], kv[0][1])):
        # genre's multivariate is also set beside Optuna's with group=True
        for against in (method, method + "_group"):
            o = rows.get(("optuna", against, function))
            if side == "genre" and o is not None:
                compare(function, method if against == method else method + " vs optuna " + against, g, o, rng)


def compare(function, label, g, o, rng):
    for j, k in enumerate(AT):
        diff = np.median(g[:, j]) - np.median(o[:, j])
        low, high = median_difference_ci(g[:, j], o[:, j], rng)
        print("%s\t%s\t%d\t%d/%d\t%s\t%s\t%+.3g\t[%+.3g, %+.3g]\t%s" % (
            function, label, k, len(g), len(o), spread(g[:, j]), spread(o[:, j]), diff, low, high,
            verdict(low, high, diff, min(len(g), len(o)))))


if __name__ == "__main__":
    main()
