#pragma once
// Parameters of the spectral front end. Defaults are librosa's (DESIGN.md,
// "Feature extraction must match librosa").
#include <string>

namespace genre::dsp {

// How STFT frames are padded at the signal edges (center=True):
// Constant = zeros (librosa >= 0.9), Reflect = reflection (librosa <= 0.8).
enum class PadMode { Constant, Reflect };
PadMode parse_pad_mode(const std::string& s);  // "constant" | "reflect"; throws UsageError
std::string to_string(PadMode m);

struct StftParams {
  int sample_rate = 22050;
  int n_fft = 2048;
  int hop_length = 512;
  PadMode pad_mode = PadMode::Constant;
};

enum class FeatureKind { Mfcc, LogMel };
FeatureKind parse_feature_kind(const std::string& s);  // "mfcc" | "logmel"; throws UsageError
std::string to_string(FeatureKind k);

struct FeatureParams {
  FeatureKind kind = FeatureKind::Mfcc;
  StftParams stft;
  int n_mels = 128;
  int n_mfcc = 13;
  double top_db = 80.0;
};

}  // namespace genre::dsp
