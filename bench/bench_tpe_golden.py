"""Prints the golden numbers of Parzen.SplitAndKernelsMatchOptunaOn30Trials
(tests/search/test_adaptive.cpp): a 30-trial Branin history made by Optuna
3.1's own TPESampler (seed 3), with trial 7 failed and trials 12 and 20
pruned after one report, and what Optuna's sample_independent computes from
it for the next suggestion of x1: the good/bad split (_split_observation_pairs
over _get_observation_pairs, gamma(30) = 3), and the mus, sigmas and weights of
the two _ParzenEstimators, and their log densities at a few points.

  /usr/bin/python3 bench/bench_tpe_golden.py   (Debian's python3-optuna 3.1)

Run once; its output was pasted into the test. Values are printed with
repr() so that the C++ side reads the same doubles.
"""
import math
import warnings

import numpy as np
import optuna
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.sampler import _get_observation_pairs, _split_observation_pairs, default_gamma
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def history():
    sampler = optuna.samplers.TPESampler(seed=3)
    study = optuna.create_study(sampler=sampler)
    for i in range(30):
        trial = study.ask()
        x1, x2 = trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15)
        value = branin(x1, x2)
        if i == 7:
            study.tell(trial, state=TrialState.FAIL)
        elif i in (12, 20):
            trial.report(value, 1)
            study.tell(trial, state=TrialState.PRUNED)
        else:
            study.tell(trial, value)
    return sampler, study


def main():
    sampler, study = history()
    print("// trials: {x1, x2, value, state}")
    for t in study.trials:
        value = t.value if t.value is not None else t.intermediate_values.get(1, float("nan"))
        print("{%r, %r, %r, %s}," % (t.params["x1"], t.params["x2"], value, t.state.name))
    values, scores, _ = _get_observation_pairs(study, ["x1"], False, False)
    n = sum(s < float("inf") for s, _ in scores)
    below, above = _split_observation_pairs(scores, default_gamma(n), None)
    # Positions in the observation list (failed trials are not in it) -> trial numbers.
    numbers = [t.number for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))]
    print("// n", n, "gamma", default_gamma(n))
    print("// below (trial numbers)", [numbers[i] for i in below])
    print("// above (trial numbers)", [numbers[i] for i in above])
    x = np.asarray(values["x1"], dtype=float)
    dist = {"x1": study.trials[0].distributions["x1"]}
    for name, idx in (("below", below), ("above", above)):
        pe = _ParzenEstimator({"x1": x[idx]}, dist, sampler._parzen_estimator_parameters)
        print("// %s mus" % name, [repr(v) for v in pe._mus["x1"]])
        print("// %s sigmas" % name, [repr(v) for v in pe._sigmas["x1"]])
        print("// %s weights" % name, [repr(v) for v in pe._weights])
        at = np.asarray([-4.0, 0.0, 3.1, 9.5])
        print("// %s log_pdf at %s" % (name, list(at)), [repr(v) for v in pe.log_pdf({"x1": at})])


if __name__ == "__main__":
    main()
