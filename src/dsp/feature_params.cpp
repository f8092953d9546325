#include "dsp/feature_params.h"

#include "common/error.h"

namespace genre::dsp {

PadMode parse_pad_mode(const std::string& s) {
  if (s == "constant") return PadMode::Constant;
  if (s == "reflect") return PadMode::Reflect;
  throw UsageError("unknown pad mode '" + s + "' (expected constant or reflect)");
}

std::string to_string(PadMode m) { return m == PadMode::Constant ? "constant" : "reflect"; }

FeatureKind parse_feature_kind(const std::string& s) {
  if (s == "mfcc") return FeatureKind::Mfcc;
  if (s == "logmel") return FeatureKind::LogMel;
  throw UsageError("unknown feature '" + s + "' (expected mfcc or logmel)");
}

std::string to_string(FeatureKind k) { return k == FeatureKind::Mfcc ? "mfcc" : "logmel"; }

}  // namespace genre::dsp
