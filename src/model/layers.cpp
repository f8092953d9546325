#include "model/layers.h"

#include <algorithm>
#include <limits>

namespace genre::model {

namespace {

struct AxisPadding {
  std::int64_t before, after, out;
};

// Keras' "same": output ceil(in / stride), the padding split with the odd cell after.
AxisPadding same_padding(std::int64_t in, int pool, int stride) {
  const std::int64_t out = pool_same_size(in, stride);
  const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + pool - in, 0);
  return {total / 2, total - total / 2, out};
}

// Output length of torch's max_pool2d along one axis (padding p both sides),
// computed as torch computes it (floor division, then the ceil_mode rule).
std::int64_t torch_pool_size(std::int64_t in, int pool, int stride, std::int64_t p, bool ceil_mode) {
  const std::int64_t num = in + 2 * p - pool + (ceil_mode ? stride - 1 : 0);
  std::int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + p) --out;  // the last window must start inside
  return out;
}

}  // namespace

torch::Tensor max_pool_same(const torch::Tensor& x, int pool, int stride) {
  const AxisPadding h = same_padding(x.size(2), pool, stride), w = same_padding(x.size(3), pool, stride);
  // Windows start at -before + i * stride in Keras and in torch alike; the cells
  // past the end are padding in both. So torch's own implicit -inf padding
  // (before cells on each side; ceil_mode for one more window at the end) gives
  // the same result without copying the input into a padded tensor, whenever
  // it yields Keras' output size on both axes.
  if (h.before <= pool / 2 && w.before <= pool / 2) {
    for (bool ceil_mode : {false, true}) {
      if (torch_pool_size(x.size(2), pool, stride, h.before, ceil_mode) == h.out &&
          torch_pool_size(x.size(3), pool, stride, w.before, ceil_mode) == w.out)
        return torch::max_pool2d(x, {pool, pool}, {stride, stride}, {h.before, w.before}, {1, 1}, ceil_mode);
    }
  }
  const torch::Tensor padded = torch::constant_pad_nd(x, {w.before, w.after, h.before, h.after},
                                                      -std::numeric_limits<double>::infinity());
  return torch::max_pool2d(padded, {pool, pool}, {stride, stride});
}

}  // namespace genre::model
