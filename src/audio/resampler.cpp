#include "audio/resampler.h"

#include <soxr.h>

#include <cmath>

#include "common/error.h"

namespace genre::audio {

std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0)
    throw Error("cannot resample from " + std::to_string(from_rate) + " Hz to " + std::to_string(to_rate) + " Hz");
  if (from_rate == to_rate || in.empty()) return in;
  const double ratio = static_cast<double>(to_rate) / from_rate;
  // librosa.resample (res_type "soxr_hq", the default since 0.10) fixes the
  // output to ceil(n * ratio) samples, zero-padding what soxr leaves short;
  // the vector starts zeroed, so keeping its size does the same. The product
  // is taken in doubles as numpy does (22050 -> 48000 gives 48001 samples).
  std::vector<float> out(static_cast<std::size_t>(std::ceil(static_cast<double>(in.size()) * ratio)));
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  std::size_t produced = 0;
  const soxr_error_t err = soxr_oneshot(from_rate, to_rate, 1, in.data(), in.size(), nullptr, out.data(), out.size(),
                                        &produced, &io, &quality, nullptr);
  if (err) throw Error(std::string("soxr resampling failed: ") + err);
  return out;
}

}  // namespace genre::audio
