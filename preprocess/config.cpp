#include "preprocess/config.h"

#include <unistd.h>

#include <cmath>

#include "common/error.h"

namespace genre::preprocess {

namespace fs = std::filesystem;

std::size_t PreprocessConfig::segment_samples() const {
  return static_cast<std::size_t>(std::llround(segment_seconds * features.stft.sample_rate));
}

std::size_t PreprocessConfig::segment_length() const {
  const std::size_t stride = segment_samples();
  return kaggle_compat() && stride > 1 ? stride - 1 : stride;
}

PreprocessConfig::Mode PreprocessConfig::mode() const {
  if (!from_csv.empty()) return Mode::FromCsv;
  if (!export_csv.empty() && input.empty() && list.empty()) return Mode::ExportOnly;
  return Mode::Audio;
}

namespace {
// The output folder must be creatable and writable: look at it or, when it does
// not exist yet, at its nearest existing ancestor. Nothing is created here.
void check_writable(const fs::path& output) {
  fs::path probe = fs::absolute(output);
  while (!probe.empty() && !fs::exists(probe)) probe = probe.parent_path();
  if (fs::exists(output) && !fs::is_directory(output))
    throw UsageError("--output " + output.string() + " exists and is not a folder");
  if (!probe.empty() && !fs::is_directory(probe))
    throw UsageError("--output " + output.string() + " is not writable: " + probe.string() + " is not a folder");
  if (probe.empty() || access(probe.c_str(), W_OK | X_OK) != 0)
    throw UsageError("--output " + output.string() + " is not writable (no write permission on " + probe.string() +
                     ")");
}
}  // namespace

void PreprocessConfig::validate() {
  if (!compat.empty() && compat != "kaggle")
    throw UsageError("--compat: unknown value '" + compat + "' (kaggle)");
  if (kaggle_compat()) features.stft.pad_mode = dsp::PadMode::Reflect;
  if (output.empty()) throw UsageError("--output is required");
  if (mode() == Mode::FromCsv) {
    if (!input.empty() || !list.empty()) throw UsageError("--from-csv replaces --input/--list: give only one");
    if (!export_csv.empty()) throw UsageError("--from-csv and --export-csv do not go together");
    if (from_csv.size() > 2)
      throw UsageError("--from-csv takes one or two files (3-s rows and/or whole-track rows), not " +
                       std::to_string(from_csv.size()));
    for (const auto& f : from_csv)
      if (!fs::is_regular_file(f)) throw UsageError("--from-csv " + f.string() + " is not an existing file");
    if (features.stft.sample_rate <= 0) throw UsageError("--sample-rate must be positive");
    if (segment_seconds <= 0 || !std::isfinite(segment_seconds)) throw UsageError("--segment-seconds must be positive");
    for (const auto& c : classes)
      if (c.empty()) throw UsageError("--classes: an empty class name");
    if (shard_tracks <= 0) throw UsageError("--shard-tracks must be positive");
    split_spec = data::parse_split_spec(split);
    if (split_spec.mode != "track") throw UsageError("--from-csv: only track splits (--split track:...) apply");
    check_writable(output);
    return;
  }
  if (!classes.empty()) throw UsageError("--classes applies to --from-csv only");
  if (mode() == Mode::ExportOnly) {
    if (!fs::is_regular_file(output / "dataset.json"))
      throw UsageError("--export-csv without --input/--list exports the finished dataset in --output, but " +
                       (output / "dataset.json").string() + " does not exist");
    return;
  }
  if (input.empty() == list.empty()) throw UsageError("give exactly one of --input DIR or --list FILE.csv");
  if (!input.empty() && !fs::is_directory(input))
    throw UsageError("--input " + input.string() + " is not an existing folder");
  if (!list.empty() && !fs::is_regular_file(list))
    throw UsageError("--list " + list.string() + " is not an existing file");
  if (!export_csv.empty() && !table)
    throw UsageError("--export-csv writes the feature table: add --table");
  if (features.stft.sample_rate <= 0) throw UsageError("--sample-rate must be positive");
  if (segment_seconds <= 0 || !std::isfinite(segment_seconds)) throw UsageError("--segment-seconds must be positive");
  if (features.n_mels <= 0) throw UsageError("--n-mels must be positive");
  if (features.n_mfcc <= 0) throw UsageError("--n-mfcc must be positive");
  if (features.n_mfcc > features.n_mels)
    throw UsageError("--n-mfcc (" + std::to_string(features.n_mfcc) + ") cannot exceed --n-mels (" +
                     std::to_string(features.n_mels) + ")");
  if (features.stft.n_fft <= 0 || features.stft.hop_length <= 0) throw UsageError("--n-fft and --hop-length must be positive");
  if (segment_length() <= static_cast<std::size_t>(features.stft.n_fft / 2))
    throw UsageError("--segment-seconds is too short: a segment needs more than n_fft/2 = " +
                     std::to_string(features.stft.n_fft / 2) + " samples");
  if (shard_tracks <= 0) throw UsageError("--shard-tracks must be positive");
  if (!split_files.empty() && !fs::is_directory(split_files))
    throw UsageError("--split-files " + split_files.string() + " is not an existing folder");
  split_spec = data::parse_split_spec(split);
  check_writable(output);
}

}  // namespace genre::preprocess
