#include "search/algorithm.h"

#include "search/asha.h"
#include "search/grid_search.h"
#include "search/random_search.h"

namespace genre::search {

std::unique_ptr<SearchAlgorithm> make_algorithm(const SweepSpec& spec) {
  std::unique_ptr<SearchAlgorithm> a;
  if (spec.method == Method::kGrid)
    a = std::make_unique<GridSearch>(spec);
  else
    a = std::make_unique<RandomSearch>(spec);
  if (spec.asha) a = std::make_unique<Asha>(std::move(a), *spec.asha);
  return a;
}

}  // namespace genre::search
