#include "audio/loader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "audio/resampler.h"

namespace genre::audio {

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

// NaN or infinity would spread through the resampler's filter and every
// feature; reject the file and say where the first one is.
void require_finite(const std::vector<float>& mono, int rate) {
  const auto bad = std::find_if(mono.begin(), mono.end(), [](float x) { return !std::isfinite(x); });
  if (bad == mono.end()) return;
  const auto index = static_cast<double>(bad - mono.begin());
  throw BadAudio(std::string(std::isnan(*bad) ? "contains NaN samples" : "contains infinite samples") +
                 " (first at " + seconds(index / rate) + ")");
}

}  // namespace

LoadedAudio load_for_analysis(const std::string& bytes, int target_rate, std::size_t min_samples) {
  const auto source = open_memory(bytes);
  LoadedAudio out;
  out.source_rate = source->info().sample_rate;
  out.source_channels = source->info().channels;
  std::vector<float> mono = read_mono(*source);
  if (mono.empty()) throw BadAudio("no audio frames in the file");
  require_finite(mono, out.source_rate);
  if (std::all_of(mono.begin(), mono.end(), [](float x) { return x == 0.0f; }))
    throw BadAudio("silent: every sample is zero");
  out.duration_s = static_cast<double>(mono.size()) / out.source_rate;
  out.samples = out.source_rate == target_rate ? std::move(mono) : resample(mono, out.source_rate, target_rate);
  if (out.samples.size() < min_samples)
    throw BadAudio("too short: " + seconds(static_cast<double>(out.samples.size()) / target_rate) + " (" +
                   std::to_string(out.samples.size()) + " samples at " + std::to_string(target_rate) +
                   " Hz), the minimum is " + seconds(static_cast<double>(min_samples) / target_rate) + " (" +
                   std::to_string(min_samples) + " samples)");
  return out;
}

}  // namespace genre::audio
