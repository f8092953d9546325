#pragma once
// Freezing layers for transfer learning: their parameters stop requiring
// gradients (no optimiser updates them, and the trainer's flat parameter
// buffer leaves them out) and their batch-norm layers stay in eval mode while
// the net trains, so running statistics and normalisation stay the loaded ones.
#include <cstdint>
#include <string>
#include <vector>

#include "model/net.h"

namespace genre::model {

struct FreezeResult {
  std::vector<std::string> prefixes;  // what was frozen, "backbone" expanded to the net's layers
  std::int64_t parameters = 0;        // frozen parameters (count_frozen)
  std::int64_t batch_norms = 0;       // batch-norm layers held in eval mode
};

// `spec` is the value of train.freeze: {"backbone"} (the layers the net calls
// its backbone()), {"none"} or {} (nothing), or layer-name prefixes, which
// match whole dotted components ("features.1" covers features.1.conv.0.weight
// but not features.10.*); "backbone" may stand beside prefixes. Everything
// else becomes trainable again, so calling it twice does not accumulate.
// Throws UsageError naming train.freeze when a prefix matches no parameter
// (listing the net's layers) or when nothing would be left to train.
FreezeResult freeze(Net& net, const std::vector<std::string>& spec);

}  // namespace genre::model
