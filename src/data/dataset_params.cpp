#include "data/dataset_params.h"

#include <sstream>

namespace genre::data {

namespace {
template <typename T>
void diff(std::ostringstream& out, const char* name, const T& a, const T& b) {
  if (a == b) return;
  if (out.tellp() > 0) out << ", ";
  out << name << ' ' << a << " vs " << b;
}
std::string join(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s + "]";
}
}  // namespace

std::string DatasetParams::differences(const DatasetParams& o) const {
  std::ostringstream out;
  diff(out, "schema_version", schema_version, o.schema_version);
  diff(out, "feature", feature, o.feature);
  diff(out, "sample_rate", sample_rate, o.sample_rate);
  diff(out, "n_fft", n_fft, o.n_fft);
  diff(out, "hop_length", hop_length, o.hop_length);
  diff(out, "n_mels", n_mels, o.n_mels);
  diff(out, "n_mfcc", n_mfcc, o.n_mfcc);
  diff(out, "segment_s", segment_s, o.segment_s);
  diff(out, "segment_samples", segment_samples, o.segment_samples);
  diff(out, "pad_mode", pad_mode, o.pad_mode);
  diff(out, "classes", join(classes), join(o.classes));
  diff(out, "frames", frames, o.frames);
  diff(out, "dims", dims, o.dims);
  diff(out, "table_columns", join(table_columns), join(o.table_columns));
  return out.str();
}

bool DatasetParams::same_features_as(const DatasetParams& o) const { return differences(o).empty(); }

}  // namespace genre::data
