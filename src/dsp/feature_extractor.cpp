#include "dsp/feature_extractor.h"

#include <string>
#include <vector>

#include "common/error.h"
#include "dsp/db.h"
#include "dsp/dct.h"
#include "dsp/mel.h"
#include "dsp/stft.h"

namespace genre::dsp {

namespace {

// Segment length the scratch is sized for up front (DESIGN.md: 3-s segments),
// so the usual path never allocates in compute(); longer segments grow it once.
constexpr double kTypicalSegmentSeconds = 3.0;

// The checks the components would make later, made before any FFTW planning.
void validate(const FeatureParams& p) {
  if (p.stft.sample_rate < 1)
    throw UsageError("sample rate must be positive, got " + std::to_string(p.stft.sample_rate));
  if (p.n_mels < 1) throw UsageError("n_mels must be at least 1, got " + std::to_string(p.n_mels));
  if (p.kind == FeatureKind::Mfcc && (p.n_mfcc < 1 || p.n_mfcc > p.n_mels))
    throw UsageError("n_mfcc must be between 1 and n_mels (" + std::to_string(p.n_mels) + "), got " +
                     std::to_string(p.n_mfcc));
  if (!(p.top_db >= 0.0)) throw UsageError("top_db must be non-negative, got " + std::to_string(p.top_db));
}

// STFT -> power spectrum -> mel bands, frame by frame, then dB over the whole
// segment: librosa.power_to_db(librosa.feature.melspectrogram(y)). Shared by
// both extractors.
class LogMel {
 public:
  explicit LogMel(const FeatureParams& p)
      : stft_(p.stft), mel_(p.stft.sample_rate, p.stft.n_fft, p.n_mels), power_(stft_.bins()), top_db_(p.top_db) {}

  std::size_t frames(std::size_t n) const { return stft_.frames(n); }
  std::size_t n_mels() const { return mel_.n_mels(); }

  // out: frames(n) * n_mels() floats.
  void compute(const float* samples, std::size_t n, float* out) {
    const std::size_t nf = stft_.frames(n), nm = mel_.n_mels();
    for (std::size_t t = 0; t < nf; ++t) {
      power_spectrum(stft_.frame(samples, n, t), stft_.bins(), power_.data());
      mel_.apply(power_.data(), out + t * nm);
    }
    power_to_db(out, nf * nm, top_db_);
  }

 private:
  Stft stft_;
  MelFilterbank mel_;
  std::vector<float> power_;  // one frame's power spectrum
  double top_db_;
};

class LogMelExtractor final : public FeatureExtractor {
 public:
  explicit LogMelExtractor(const FeatureParams& p) : logmel_(p) {}
  std::size_t frames(std::size_t n) const override { return logmel_.frames(n); }
  std::size_t dims() const override { return logmel_.n_mels(); }
  void compute(const float* samples, std::size_t n, float* out) override { logmel_.compute(samples, n, out); }

 private:
  LogMel logmel_;
};

class MfccExtractor final : public FeatureExtractor {
 public:
  explicit MfccExtractor(const FeatureParams& p)
      : logmel_(p), dct_(static_cast<std::size_t>(p.n_mels), static_cast<std::size_t>(p.n_mfcc)) {
    const auto typical = static_cast<std::size_t>(kTypicalSegmentSeconds * p.stft.sample_rate);
    scratch_.resize(logmel_.frames(typical) * logmel_.n_mels());
  }
  std::size_t frames(std::size_t n) const override { return logmel_.frames(n); }
  std::size_t dims() const override { return dct_.n_out(); }
  void compute(const float* samples, std::size_t n, float* out) override {
    const std::size_t nf = logmel_.frames(n);
    if (scratch_.size() < nf * logmel_.n_mels()) scratch_.resize(nf * logmel_.n_mels());
    logmel_.compute(samples, n, scratch_.data());
    dct_.apply(scratch_.data(), nf, out);
  }

 private:
  LogMel logmel_;
  Dct dct_;
  std::vector<float> scratch_;  // the segment's log-mel, [frames][n_mels]
};

}  // namespace

std::unique_ptr<FeatureExtractor> make_feature_extractor(const FeatureParams& params) {
  validate(params);
  if (params.kind == FeatureKind::Mfcc) return std::make_unique<MfccExtractor>(params);
  return std::make_unique<LogMelExtractor>(params);
}

FeatureShape feature_shape(const FeatureParams& params, std::size_t n_samples) {
  validate(params);
  const auto hop = static_cast<std::size_t>(params.stft.hop_length);
  const auto dims = static_cast<std::size_t>(params.kind == FeatureKind::Mfcc ? params.n_mfcc : params.n_mels);
  return {Stft::frames(n_samples, hop), dims};
}

}  // namespace genre::dsp
