#include "preprocess/track_processor.h"

#include <algorithm>
#include <sstream>

#include "audio/loader.h"
#include "common/error.h"
#include "common/file_io.h"
#include "common/hash.h"

namespace genre::preprocess {

namespace {
// An unreadable file is that track's failure, not the run's. The failed-files
// list names the file already, so its reason keeps only what read_file says
// after the path ("cannot read: Permission denied").
std::string read_track(const std::filesystem::path& file) {
  try {
    return read_file(file);
  } catch (const Error& e) {
    std::string reason = e.what();
    const std::string prefix = file.string() + ": ";
    if (reason.compare(0, prefix.size(), prefix) == 0) reason.erase(0, prefix.size());
    throw audio::BadAudio(reason);
  }
}
}  // namespace

TrackProcessor::TrackProcessor(const PreprocessConfig& config, const data::DatasetParams& params)
    : segment_samples_(config.segment_samples()),
      segment_length_(config.segment_length()),
      sample_rate_(config.features.stft.sample_rate),
      segment_seconds_(config.segment_seconds),
      extractor_(dsp::make_feature_extractor(config.features)) {
  frames_ = extractor_->frames(segment_length_);
  dims_ = extractor_->dims();
  if (static_cast<int>(frames_) != params.frames || static_cast<int>(dims_) != params.dims)
    throw Error("feature extractor shape does not match the dataset parameters");
  if (!config.table) return;
  table_ = std::make_unique<dsp::FeatureTable>(config.features.stft);
  if (params.table_columns != dsp::FeatureTable::columns())
    throw Error("feature table columns do not match the dataset parameters");
  // Same STFT (by construction), same mel bands and dB floor: the table's
  // log-mel is the front end's, bit for bit (tests/dsp/test_feature_table.cpp).
  reuse_log_mel_ = config.features.n_mels == dsp::FeatureTable::kMels && config.features.top_db == dsp::FeatureTable::kTopDb;
  if (reuse_log_mel_ && config.features.kind == dsp::FeatureKind::Mfcc)
    dct_ = std::make_unique<dsp::Dct>(static_cast<std::size_t>(config.features.n_mels),
                                      static_cast<std::size_t>(config.features.n_mfcc));
}

void TrackProcessor::segment_features(const float* segment, float* out) {
  if (!reuse_log_mel_) {
    extractor_->compute(segment, segment_length_, out);
    return;
  }
  const std::vector<float>& log_mel = table_->log_mel();
  if (dct_)
    dct_->apply(log_mel.data(), frames_, out);
  else
    std::copy(log_mel.begin(), log_mel.end(), out);
}

TrackOutcome TrackProcessor::process(const InputFile& file, const std::optional<StoredTrack>& stored, ShardSink& sink) {
  TrackOutcome outcome;
  try {
    const std::string bytes = read_track(file.full);
    const std::uint64_t checksum = content_hash(bytes);
    if (stored && stored->size_bytes == bytes.size() && stored->checksum == checksum) {
      outcome.status = TrackOutcome::Status::Reused;
      return outcome;
    }
    const audio::LoadedAudio audio = audio::load_for_analysis(bytes, sample_rate_, segment_length_);
    const std::size_t n_samples = audio.samples.size();
    const std::size_t n_segments = audio::segment_count(n_samples, segment_samples_, segment_length_);

    data::TrackFeatures track;
    track.info.id = file.id;
    track.info.path = file.path;
    track.info.label = file.label;
    track.info.duration_s = static_cast<float>(audio.duration_s);
    track.info.checksum = checksum;
    track.info.size_bytes = bytes.size();
    track.n_segments = static_cast<int>(n_segments);
    track.features.resize(n_segments * frames_ * dims_);
    track.start_s.resize(n_segments);
    const std::size_t columns = table_ ? dsp::FeatureTable::columns().size() : 0;
    track.segment_table.resize(n_segments * columns);
    track.track_table.resize(columns);
    for (std::size_t s = 0; s < n_segments; ++s) {
      const float* segment = audio.samples.data() + s * segment_samples_;
      float* features = track.features.data() + s * frames_ * dims_;
      if (table_) {
        table_->compute(segment, segment_length_, track.segment_table.data() + s * columns);
        segment_features(segment, features);
      } else {
        extractor_->compute(segment, segment_length_, features);
      }
      track.start_s[s] = static_cast<float>(static_cast<double>(s) * segment_seconds_);
    }
    // The features_30_sec.csv row: the whole decoded track.
    if (table_) table_->compute(audio.samples.data(), n_samples, track.track_table.data());
    outcome.status = TrackOutcome::Status::Done;
    outcome.segments = static_cast<int>(n_segments);
    sink.add(std::move(track));
  } catch (const audio::BadAudio& e) {
    outcome.status = TrackOutcome::Status::Failed;
    outcome.reason = describe(e);
  }
  return outcome;
}

}  // namespace genre::preprocess
