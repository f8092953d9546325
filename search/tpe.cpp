#include "search/tpe.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "search/hyperband.h"
#include "search/random_search.h"

namespace genre::search {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint64_t kTpeStreams = std::uint64_t(1) << 32;  // apart from the random search's streams
}  // namespace

struct Tpe::Model {
  std::vector<ParamSpec> params;
  std::vector<std::optional<ParzenDimension>> dims;  // per parameter; none for constants
  std::vector<std::vector<std::size_t>> groups;      // parameters modelled jointly
  std::vector<int> group_of;                         // per parameter, -1 for constants
  TpeOptions options;
  std::uint64_t seed = 0;
  int count = 0;
  std::vector<int> budgets;  // ascending; empty without asha / hyperband

  double to_internal(std::size_t i, const nlohmann::json& v) const {
    const ParamSpec& p = params[i];
    if (p.distribution == Distribution::kCategorical) {
      const auto it = std::find(p.values.begin(), p.values.end(), v);
      return it == p.values.end() ? std::nan("") : static_cast<double>(it - p.values.begin());
    }
    if (!v.is_number()) return std::nan("");
    const double x = v.get<double>();
    return p.distribution == Distribution::kLogUniformValues ? std::log(x) : x;
  }
  nlohmann::json from_internal(std::size_t i, double x) const {
    const ParamSpec& p = params[i];
    if (p.distribution == Distribution::kCategorical) return p.values[static_cast<std::size_t>(x)];
    return p.snap(p.distribution == Distribution::kLogUniformValues ? std::exp(x) : x);
  }
  std::size_t dimensions() const {
    return static_cast<std::size_t>(std::count_if(dims.begin(), dims.end(), [](const auto& d) { return d.has_value(); }));
  }
};

namespace {

using Observed = Tpe::Observed;
using State = Observed::State;

ParzenDimension dimension_of(const ParamSpec& p) {
  ParzenDimension d;
  switch (p.distribution) {
    case Distribution::kCategorical:
      d.categorical = true;
      d.choices = static_cast<int>(p.values.size());
      break;
    case Distribution::kUniform:
      d.low = p.min, d.high = p.max;
      break;
    case Distribution::kLogUniformValues:
      d.low = std::log(p.min), d.high = std::log(p.max);
      break;
    case Distribution::kIntUniform:
      d.low = p.min, d.high = p.max, d.step = 1;
      break;
    case Distribution::kQUniform:
      d.step = p.q;
      d.low = std::ceil(p.min / p.q - 1e-9) * p.q;
      d.high = std::floor(p.max / p.q + 1e-9) * p.q;
      d.high = std::max(d.high, d.low);  // a single grid point: its cell is the whole support
      break;
    case Distribution::kConstant:
      break;
  }
  return d;
}

std::string condition_key(const ParamSpec& p) {
  std::string key;
  for (const auto& c : p.when) {
    key += c.param + "=";
    for (const auto& v : c.values) key += v.dump() + ",";
    key += ";";
  }
  return key;
}

// A trial's place in the ranking (lower is better, compared as a pair), as
// Optuna's _get_observation_pairs scores it.
struct Ranked {
  double tier, loss;
  std::size_t index;  // into the snapshot
  bool lie;           // a running trial counted as the worst
};

double best_up_to(const Observed& t, int epoch) {
  double best = -kInf;
  bool any = false;
  for (const auto& [e, s] : t.epochs) {
    if (e > epoch) break;
    if (!std::isnan(s)) best = std::max(best, s), any = true;
  }
  return any ? best : std::nan("");
}

std::vector<Ranked> rank_final(const std::vector<Observed>& trials, bool liar) {
  std::vector<Ranked> out;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const Observed& t = trials[i];
    switch (t.state) {
      case State::kFinished: {
        const double best = best_up_to(t, std::numeric_limits<int>::max());
        out.push_back({-kInf, std::isnan(best) ? kInf : -best, i, false});
        break;
      }
      case State::kPruned:
        if (t.epochs.empty()) {
          out.push_back({1, 0, i, false});
        } else {
          const auto& [e, s] = *t.epochs.rbegin();
          out.push_back({-static_cast<double>(e), std::isnan(s) ? kInf : -s, i, false});
        }
        break;
      case State::kRunning:
        if (liar) out.push_back({kInf, kInf, i, true});
        break;
      case State::kFailed:
        break;
    }
  }
  return out;
}

std::vector<Ranked> rank_at_budget(const std::vector<Observed>& trials, int budget, bool liar) {
  std::vector<Ranked> out;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    const Observed& t = trials[i];
    if (t.state == State::kFailed) continue;
    if (t.epochs.count(budget)) {
      const double best = best_up_to(t, budget);
      out.push_back({-kInf, std::isnan(best) ? kInf : -best, i, false});
    } else if (t.state == State::kRunning && liar) {
      out.push_back({kInf, kInf, i, true});
    }
  }
  return out;
}

std::size_t real_count(const std::vector<Ranked>& r) {
  return static_cast<std::size_t>(std::count_if(r.begin(), r.end(), [](const Ranked& x) { return !x.lie; }));
}

// The good and the bad trials (snapshot indices, oldest first).
TpeSplit split(std::vector<Ranked> ranked, int n_below) {
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return a.tier != b.tier ? a.tier < b.tier : a.loss < b.loss;
  });
  TpeSplit s;
  for (std::size_t i = 0; i < ranked.size(); ++i)
    (static_cast<int>(i) < n_below ? s.below : s.above).push_back(ranked[i].index);
  std::sort(s.below.begin(), s.below.end());
  std::sort(s.above.begin(), s.above.end());
  return s;
}

std::vector<std::vector<double>> observations(const std::vector<Observed>& trials, const std::vector<std::size_t>& which,
                                              const std::vector<std::size_t>& group) {
  std::vector<std::vector<double>> out;
  for (std::size_t i : which) {
    const auto& x = trials[i].x;
    if (std::isnan(x[group.front()])) continue;  // the group did not apply to this trial
    std::vector<double> row;
    for (std::size_t p : group) row.push_back(x[p]);
    if (std::none_of(row.begin(), row.end(), [](double v) { return std::isnan(v); })) out.push_back(std::move(row));
  }
  return out;
}

nlohmann::json suggest(const Tpe::Model& m, const std::vector<Observed>& trials, int trial) {
  const TpeOptions& o = m.options;
  TpeSplit groups;
  if (m.budgets.empty()) {
    const auto ended = std::count_if(trials.begin(), trials.end(), [](const Observed& t) {
      return t.state == State::kFinished || t.state == State::kPruned;
    });
    if (ended < o.n_startup_trials) return random_config(m.params, m.seed, trial);
    groups = tpe_split(trials, o);
  } else {
    const std::size_t need = std::max<std::size_t>(static_cast<std::size_t>(o.n_startup_trials), m.dimensions() + 1);
    std::vector<Ranked> ranked;
    bool found = false;
    for (auto b = m.budgets.rbegin(); b != m.budgets.rend() && !found; ++b) {
      ranked = rank_at_budget(trials, *b, o.constant_liar);
      found = real_count(ranked) >= need;
    }
    if (!found) return random_config(m.params, m.seed, trial);
    groups = split(ranked, o.n_below(static_cast<int>(real_count(ranked))));
  }
  const auto& [below, above] = groups;

  Rng rng(m.seed, kTpeStreams + static_cast<std::uint64_t>(trial));
  nlohmann::json out = nlohmann::json::object();
  std::set<int> drawn;
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    const ParamSpec& p = m.params[i];
    if (!p.active(out)) continue;
    if (!m.dims[i]) {
      out[p.name] = p.values.front();
      continue;
    }
    const int g = m.group_of[i];
    if (!drawn.insert(g).second) continue;  // drawn with its group already
    const auto& group = m.groups[static_cast<std::size_t>(g)];
    std::vector<ParzenDimension> dims;
    for (std::size_t q : group) dims.push_back(*m.dims[q]);
    const ParzenEstimator l(dims, observations(trials, below, group), o);
    const ParzenEstimator gx(dims, observations(trials, above, group), o);
    const auto candidates = l.sample(rng, o.n_ei_candidates);
    std::size_t best = 0;
    double best_score = -kInf;
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const double s = l.log_pdf(candidates[c]) - gx.log_pdf(candidates[c]);
      if (c == 0 || s > best_score) best = c, best_score = s;
    }
    for (std::size_t k = 0; k < group.size(); ++k) out[m.params[group[k]].name] = m.from_internal(group[k], candidates[best][k]);
  }
  return out;
}

}  // namespace

TpeSplit tpe_split(const std::vector<Tpe::Observed>& trials, const TpeOptions& options) {
  const std::vector<Ranked> ranked = rank_final(trials, options.constant_liar);
  return split(ranked, options.n_below(static_cast<int>(real_count(ranked))));
}

Tpe::Tpe(const SweepSpec& spec) {
  auto m = std::make_shared<Model>();
  m->params = spec.parameters;
  m->options = spec.tpe.value_or(TpeOptions{});
  m->seed = spec.seed;
  m->count = spec.trial_count();
  std::map<std::string, int> by_condition;
  for (const auto& p : m->params) {
    if (p.distribution == Distribution::kConstant) {
      m->dims.emplace_back();
      m->group_of.push_back(-1);
      continue;
    }
    m->dims.emplace_back(dimension_of(p));
    const std::size_t index = m->dims.size() - 1;
    const std::string key = condition_key(p);
    if (m->options.multivariate && by_condition.count(key)) {
      m->group_of.push_back(by_condition[key]);
      m->groups[static_cast<std::size_t>(by_condition[key])].push_back(index);
    } else {
      by_condition[key] = static_cast<int>(m->groups.size());
      m->group_of.push_back(static_cast<int>(m->groups.size()));
      m->groups.push_back({index});
    }
  }
  if (spec.asha) m->budgets = spec.asha->rungs();
  if (spec.hyperband) m->budgets = hyperband_rung_epochs(*spec.hyperband);
  if (const AshaSpec* mf = spec.multi_fidelity()) m->budgets.push_back(mf->max_epochs);
  model_ = std::move(m);
}

Proposal Tpe::propose(int trial) const {
  if (trial >= model_->count) return [] { return std::optional<nlohmann::json>(); };
  // The job owns the model (shared, immutable) and a copy of the observations.
  return [model = model_, trials = trials_, trial] { return std::optional<nlohmann::json>(suggest(*model, trials, trial)); };
}

bool Tpe::observe(const TrialEvent& e) {
  if (e.trial < 0) return false;
  const auto id = static_cast<std::size_t>(e.trial);
  if (e.kind == TrialEvent::Kind::kStarted) {
    if (id < trials_.size()) return false;  // a restart: the same trial, still running
    while (trials_.size() <= id) {
      Observed t;
      t.id = static_cast<int>(trials_.size());
      t.x.assign(model_->params.size(), std::nan(""));
      trials_.push_back(std::move(t));
    }
    Observed& t = trials_[id];
    for (std::size_t i = 0; i < model_->params.size(); ++i)
      if (const auto it = e.params.find(model_->params[i].name); it != e.params.end() && model_->dims[i])
        t.x[i] = model_->to_internal(i, *it);
    return model_->options.constant_liar;
  }
  if (id >= trials_.size()) return false;
  Observed& t = trials_[id];
  switch (e.kind) {
    case TrialEvent::Kind::kEpoch:
      t.epochs.emplace(e.epoch, e.score);
      return std::binary_search(model_->budgets.begin(), model_->budgets.end(), e.epoch);
    case TrialEvent::Kind::kFinished: t.state = State::kFinished; return true;
    case TrialEvent::Kind::kFailed: t.state = State::kFailed; return true;
    case TrialEvent::Kind::kPruned: t.state = State::kPruned; return true;
    case TrialEvent::Kind::kStarted: break;
  }
  return false;
}

int Tpe::fixed_trials() const { return std::min(model_->count, model_->options.n_startup_trials); }

std::string Tpe::plan_note() const {
  const TpeOptions& o = model_->options;
  std::string out = "tpe: trials after the first " + std::to_string(fixed_trials()) +
                    " are drawn from a model of the results (" + (o.multivariate ? "multivariate" : "univariate") +
                    ", " + std::to_string(o.n_ei_candidates) + " candidates" +
                    (o.constant_liar ? ", running trials count as the worst" : "");
  if (!model_->budgets.empty()) {
    out += "; fitted per budget, epochs";
    for (int b : model_->budgets) out += " " + std::to_string(b);
  }
  return out + ")";
}

}  // namespace genre::search
