#pragma once
// Small building blocks shared by the conv models.
#include <torch/torch.h>

#include <cstdint>

namespace genre::model {

// Keras' MaxPooling2D(padding="same"): output ceil(in / stride) per axis, the
// padding split as Keras splits it (the extra cell after), padded cells never win.
torch::Tensor max_pool_same(const torch::Tensor& x, int pool, int stride);

// The tensor in channels-last (NHWC) memory; free when it already is. The
// conv models run NHWC: LibTorch's CPU max-pooling is several times faster
// than in NCHW, and mkldnn's convolutions, batch norm and pooling keep the
// layout of their input (a one-channel input cannot carry it, hence the
// conversion after the first convolution).
inline torch::Tensor channels_last(const torch::Tensor& x) { return x.contiguous(torch::MemoryFormat::ChannelsLast); }

// Inverted dropout, as torch::dropout, with the mask drawn by rand_like
// (uniform) instead of bernoulli_: LibTorch 1.13's CPU bernoulli_ costs about
// three times as much, a third of the MLP's whole training step.
inline torch::Tensor inverted_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p <= 0) return x;
  return x * ((torch::rand_like(x) >= p) * (1.0 / (1.0 - p)));
}

// Output length of max_pool_same along one axis.
inline std::int64_t pool_same_size(std::int64_t in, int stride) { return (in + stride - 1) / stride; }

}  // namespace genre::model
