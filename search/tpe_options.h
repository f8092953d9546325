#pragma once
// The settings of `method: tpe` (the spec's `tpe:` mapping), named and
// defaulted as Optuna's TPESampler names them (optuna 3.1), with the range
// each may take, except constant_liar: Optuna's default is off (a study is
// sequential unless the user parallelises it), a sweep here runs its groups
// in parallel from the start. tpe.h says what each does.
#include <string>

namespace genre::search {

struct TpeOptions {
  int n_startup_trials = 10;       // >= 0: random configs until this many trials have ended (finished or pruned)
  int n_ei_candidates = 24;        // >= 1: candidates drawn from l(x), the best l/g taken
  bool multivariate = false;       // one joint estimator per group of parameters instead of one per parameter
  bool consider_prior = true;      // a wide prior component in every estimator
  double prior_weight = 1.0;       // > 0: its weight against 1 per observation
  bool consider_magic_clip = true; // kernel widths at least range / min(100, 1 + components)
  bool consider_endpoints = false; // the outermost kernels may be as wide as their distance to the bounds
  double gamma = 0.1;              // (0, 1]: the good group is ceil(gamma * n) observations ...
  int gamma_max = 25;              // >= 1: ... at most this many
  bool constant_liar = true;       // running trials count as the worst results, so groups spread out

  // Throws UsageError "tpe.<key>: ..." for a value out of range.
  void validate() const;
  // The good group's size among n observations (Optuna's default_gamma).
  int n_below(int n) const;
};

}  // namespace genre::search
