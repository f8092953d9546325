#include "preprocess/track_processor.h"

#include <fstream>
#include <sstream>

#include "audio/loader.h"
#include "common/error.h"
#include "common/hash.h"

namespace genre::preprocess {

namespace {
std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw audio::BadAudio("cannot open file");
  std::string bytes;
  in.seekg(0, std::ios::end);
  bytes.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw audio::BadAudio("read error");
  return bytes;
}
}  // namespace

TrackProcessor::TrackProcessor(const PreprocessConfig& config, const data::DatasetParams& params)
    : segment_samples_(config.segment_samples()),
      sample_rate_(config.features.stft.sample_rate),
      segment_seconds_(config.segment_seconds),
      extractor_(dsp::make_feature_extractor(config.features)) {
  frames_ = extractor_->frames(segment_samples_);
  dims_ = extractor_->dims();
  if (static_cast<int>(frames_) != params.frames || static_cast<int>(dims_) != params.dims)
    throw Error("feature extractor shape does not match the dataset parameters");
}

TrackOutcome TrackProcessor::process(const InputFile& file, const std::optional<StoredTrack>& stored, ShardSink& sink) {
  TrackOutcome outcome;
  try {
    const std::string bytes = read_bytes(file.full);
    const std::uint64_t checksum = content_hash(bytes);
    if (stored && stored->size_bytes == bytes.size() && stored->checksum == checksum) {
      outcome.status = TrackOutcome::Status::Reused;
      return outcome;
    }
    const audio::LoadedAudio audio = audio::load_for_analysis(bytes, sample_rate_, segment_samples_);
    const std::size_t n_segments = audio::segment_count(audio.samples.size(), segment_samples_);

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
    for (std::size_t s = 0; s < n_segments; ++s) {
      extractor_->compute(audio.samples.data() + s * segment_samples_, segment_samples_,
                          track.features.data() + s * frames_ * dims_);
      track.start_s[s] = static_cast<float>(static_cast<double>(s) * segment_seconds_);
    }
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
