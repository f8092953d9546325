"""Optuna's side of bench/bench_tpe.sh: the same functions, seeds and trial
counts as bench_tpe, with Optuna 3.1's TPESampler (defaults, and
multivariate=True) and RandomSampler. Prints the same tab-separated rows:
method, function, median regret after 10, 25 and 50 trials (with --per-seed,
one row per seed: method, function, seed, regret after 10, 25, 50); with
`cost`, ms per suggestion at 100 and 1,000 finished trials.

  bench_tpe_optuna.py quality [--seeds 20] [--trials 50] [--functions branin,mixed]
                              [--methods tpe,tpe_multivariate,random] [--per-seed]
  (--methods may also name tpe_multivariate_group: multivariate=True, group=True)

Needs Debian's python3-optuna (a bench-only dependency): /usr/bin/python3.
"""
import argparse
import math
import sys
import time
import warnings

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")

BRANIN_MIN = 0.39788735772973816
HARTMANN_MIN = -3.32236801141551


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def space(name, trial):
    """(noise-free value, regret offset) of the trial's suggested point."""
    if name == "branin":
        return branin(trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15)) - BRANIN_MIN
    if name.startswith("hartmann6"):
        return hartmann6([trial.suggest_float("x%d" % (j + 1), 0, 1) for j in range(6)]) - HARTMANN_MIN
    kind = trial.suggest_categorical("kind", ["branin", "sphere", "flat"])
    act = trial.suggest_categorical("act", ["relu", "tanh", "sigmoid"])
    if kind == "branin":
        f = branin(trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15)) - BRANIN_MIN
    elif kind == "sphere":
        f = 0.5 + (trial.suggest_float("z", -5, 5) - 1) ** 2 / 5 + 0.1 * abs(trial.suggest_int("n", 1, 8) - 3)
    else:
        f = 2.0
    return f + {"relu": 0.0, "tanh": 0.3, "sigmoid": 0.6}[act]


def run(sampler, name, seed, trials):
    noise = np.random.RandomState(1000 + seed)
    regret, best_seen, best_true = [], math.inf, math.inf
    study = optuna.create_study(sampler=sampler)
    for _ in range(trials):
        trial = study.ask()
        true = space(name, trial)
        seen = true + (noise.normal(0, 0.1) if name == "hartmann6_noisy" else 0.0)
        study.tell(trial, seen)
        if seen < best_seen:
            best_seen, best_true = seen, true
        regret.append(best_true)
    return regret


FUNCTIONS = ["branin", "hartmann6", "hartmann6_noisy", "mixed"]
SAMPLERS = {
    "tpe": lambda s: optuna.samplers.TPESampler(seed=s),
    "tpe_multivariate": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True),
    # genre's multivariate models each set of parameters under the same `when`
    # jointly, which is Optuna's group decomposition; without group=True
    # Optuna samples the conditional parameters one by one.
    "tpe_multivariate_group": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True, group=True),
    "random": lambda s: optuna.samplers.RandomSampler(seed=s),
}


def quality(seeds, trials, functions, methods, per_seed):
    for name in functions:
        for method in methods:
            rs = []
            for s in range(seeds):
                r = run(SAMPLERS[method](s), name, s, trials)
                at = [r[min(k, len(r)) - 1] for k in (10, 25, trials)]
                rs.append(at)
                if per_seed:
                    print("optuna_%s\t%s\t%d\t%.6g\t%.6g\t%.6g" % (method, name, s, *at), flush=True)
            if not per_seed:
                med = np.median(np.asarray(rs), axis=0)
                print("optuna_%s\t%s\t%.4f\t%.4f\t%.4f" % (method, name, *med), flush=True)


def cost():
    for multivariate in (False, True):
        for finished in (100, 1000):
            study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
            study.optimize(lambda t: space("hartmann6", t), n_trials=finished)
            study.sampler = optuna.samplers.TPESampler(seed=1, multivariate=multivariate)
            ms = []
            for _ in range(15):
                t0 = time.process_time()  # CPU time, as bench_tpe (the machine is shared)
                trial = study.ask()
                space("hartmann6", trial)  # the suggestions happen here (and in ask for multivariate)
                ms.append(1000 * (time.process_time() - t0))
                study.tell(trial, state=optuna.trial.TrialState.FAIL)  # not a result: the model stays as it was
            name = "optuna_tpe_multivariate" if multivariate else "optuna_tpe"
            print("%s\t%d\t%.3f" % (name, finished, float(np.median(ms))), flush=True)


def parse_list(text, known, what):
    items = text.split(",")
    for item in items:
        if item not in known:
            sys.exit("bench_tpe_optuna.py: unknown %s '%s' (known: %s)" % (what, item, ", ".join(known)))
    return items


def main():
    p = argparse.ArgumentParser(description="Optuna's side of bench/bench_tpe.sh")
    p.add_argument("what", nargs="?", default="quality", choices=["quality", "cost"])
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--trials", type=int, default=50)
    p.add_argument("--functions", default=",".join(FUNCTIONS))
    p.add_argument("--methods", default="tpe,tpe_multivariate,random")
    p.add_argument("--per-seed", action="store_true")
    a = p.parse_args()
    if a.what == "cost":
        cost()
        return
    if a.seeds < 1 or a.trials < 1:
        sys.exit("bench_tpe_optuna.py: --seeds and --trials must be at least 1")
    quality(a.seeds, a.trials, parse_list(a.functions, FUNCTIONS, "function"),
            parse_list(a.methods, list(SAMPLERS), "method"), a.per_seed)


if __name__ == "__main__":
    main()
