#include "search/importance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include "search/rng.h"

namespace genre::search {

namespace {

constexpr int kTrees = 64;
constexpr int kMinLeaf = 2;
constexpr int kMaxDepth = 12;

using Matrix = std::vector<std::vector<double>>;  // [row][feature]

struct Node {
  int feature = -1;  // -1: a leaf
  double threshold = 0, value = 0;
  int left = -1, right = -1;
};

class Tree {
 public:
  Tree(const Matrix& x, const std::vector<double>& y, std::vector<std::size_t> rows, Rng& rng) {
    grow(x, y, rows, 0, rng);
  }
  double predict(const std::vector<double>& row) const {
    int n = 0;
    while (nodes_[static_cast<std::size_t>(n)].feature >= 0) {
      const Node& node = nodes_[static_cast<std::size_t>(n)];
      n = row[static_cast<std::size_t>(node.feature)] <= node.threshold ? node.left : node.right;
    }
    return nodes_[static_cast<std::size_t>(n)].value;
  }

 private:
  int grow(const Matrix& x, const std::vector<double>& y, std::vector<std::size_t>& rows, int depth, Rng& rng) {
    const int id = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    double mean = 0;
    for (auto r : rows) mean += y[r];
    mean /= static_cast<double>(rows.size());
    nodes_[static_cast<std::size_t>(id)].value = mean;
    if (rows.size() < 2 * kMinLeaf || depth >= kMaxDepth) return id;
    const std::size_t features = x.front().size();
    const std::size_t tries = std::max<std::size_t>(1, features / 3);
    double best_gain = 1e-12;
    int best_feature = -1;
    double best_threshold = 0;
    for (std::size_t t = 0; t < tries; ++t) {
      const auto f = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(features) - 1));
      std::vector<std::size_t> sorted = rows;
      std::sort(sorted.begin(), sorted.end(), [&](auto a, auto b) { return x[a][f] < x[b][f]; });
      // Sum of squared errors of the two sides, from running sums.
      double total = 0, total2 = 0;
      for (auto r : sorted) total += y[r], total2 += y[r] * y[r];
      const double n = static_cast<double>(sorted.size());
      const double parent = total2 - total * total / n;
      double left = 0, left2 = 0;
      for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
        left += y[sorted[i]], left2 += y[sorted[i]] * y[sorted[i]];
        if (x[sorted[i]][f] == x[sorted[i + 1]][f]) continue;
        const double nl = static_cast<double>(i + 1), nr = n - nl;
        if (nl < kMinLeaf || nr < kMinLeaf) continue;
        const double right = total - left, right2 = total2 - left2;
        const double sse = (left2 - left * left / nl) + (right2 - right * right / nr);
        if (parent - sse > best_gain) {
          best_gain = parent - sse;
          best_feature = static_cast<int>(f);
          best_threshold = 0.5 * (x[sorted[i]][f] + x[sorted[i + 1]][f]);
        }
      }
    }
    if (best_feature < 0) return id;
    std::vector<std::size_t> l, r;
    for (auto row : rows) (x[row][static_cast<std::size_t>(best_feature)] <= best_threshold ? l : r).push_back(row);
    const int li = grow(x, y, l, depth + 1, rng);
    const int ri = grow(x, y, r, depth + 1, rng);
    Node& node = nodes_[static_cast<std::size_t>(id)];
    node.feature = best_feature;
    node.threshold = best_threshold;
    node.left = li;
    node.right = ri;
    return id;
  }
  std::vector<Node> nodes_;
};

// A parameter's value as a number for the trees.
double encode(const nlohmann::json* v, std::map<std::string, double>& codes) {
  if (!v) return -1;  // inactive
  if (v->is_number()) return v->get<double>();
  const std::string key = v->dump();
  const auto it = codes.find(key);
  if (it != codes.end()) return it->second;
  const double code = static_cast<double>(codes.size());
  codes.emplace(key, code);
  return code;
}

}  // namespace

std::vector<ParamImportance> parameter_importance(const std::vector<std::string>& all_names,
                                                  const std::vector<nlohmann::json>& params,
                                                  const std::vector<double>& values) {
  const std::size_t n = params.size();
  if (n < 4) return {};
  // The columns of the parameters that vary.
  std::vector<std::string> names;
  Matrix x(n);
  for (const auto& name : all_names) {
    std::map<std::string, double> codes;
    std::vector<double> column;
    for (const auto& p : params) {
      const auto it = p.find(name);
      column.push_back(encode(it == p.end() ? nullptr : &*it, codes));
    }
    if (std::all_of(column.begin(), column.end(), [&](double v) { return v == column.front(); })) continue;
    names.push_back(name);
    for (std::size_t i = 0; i < n; ++i) x[i].push_back(column[i]);
  }
  if (names.empty()) return {};

  Rng rng(0x1e5 + n, 0);
  std::vector<std::unique_ptr<Tree>> trees;
  std::vector<std::vector<bool>> in_bag;
  for (int t = 0; t < kTrees; ++t) {
    std::vector<std::size_t> rows;
    std::vector<bool> bag(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(n) - 1));
      rows.push_back(r);
      bag[r] = true;
    }
    trees.push_back(std::make_unique<Tree>(x, values, rows, rng));
    in_bag.push_back(std::move(bag));
  }
  // Out-of-bag squared error of the forest on a (possibly shuffled) matrix.
  const auto oob_error = [&](const Matrix& m) {
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double sum = 0;
      int count = 0;
      for (std::size_t t = 0; t < trees.size(); ++t)
        if (!in_bag[t][i]) sum += trees[t]->predict(m[i]), ++count;
      if (count > 0) err += std::pow(sum / count - values[i], 2);
    }
    return err;
  };
  const double base = oob_error(x);
  std::vector<ParamImportance> out;
  double total = 0;
  for (std::size_t f = 0; f < names.size(); ++f) {
    double rise = 0;
    for (int rep = 0; rep < 3; ++rep) {  // averaged over a few shuffles
      Matrix shuffled = x;
      for (std::size_t i = n; i-- > 1;) {
        const auto j = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(i)));
        std::swap(shuffled[i][f], shuffled[j][f]);
      }
      rise += (oob_error(shuffled) - base) / 3;
    }
    out.push_back({names[f], std::max(0.0, rise)});
    total += out.back().importance;
  }
  for (auto& p : out) p.importance = total > 0 ? p.importance / total : 1.0 / static_cast<double>(out.size());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.importance > b.importance; });
  return out;
}

}  // namespace genre::search
