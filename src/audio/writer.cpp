#include "audio/writer.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "audio/sndfile_handle.h"
#include "common/error.h"

namespace genre::audio {

namespace {

struct NamedFormat {
  const char* name;
  int format;
};

// One table: the names, the libsndfile formats, and writable_formats().
constexpr NamedFormat kFormats[] = {
    {"wav16", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
    {"wav24", SF_FORMAT_WAV | SF_FORMAT_PCM_24},
    {"wav32", SF_FORMAT_WAV | SF_FORMAT_PCM_32},
    {"wav_float", SF_FORMAT_WAV | SF_FORMAT_FLOAT},
    {"au", SF_FORMAT_AU | SF_FORMAT_PCM_16},
    {"au_float", SF_FORMAT_AU | SF_FORMAT_FLOAT},
    {"aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
    {"flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
    {"flac24", SF_FORMAT_FLAC | SF_FORMAT_PCM_24},
    {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
    {"opus", SF_FORMAT_OGG | SF_FORMAT_OPUS},
    {"mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
};

int format_by_name(const std::string& name) {
  for (const auto& f : kFormats)
    if (name == f.name) return f.format;
  std::string known;
  for (const auto& f : kFormats) known += std::string(known.empty() ? "" : ", ") + f.name;
  throw UsageError("unknown audio format '" + name + "' (known: " + known + ")");
}

// Removes the file unless release() is called: a failed write leaves nothing
// that a later scan could take for a real recording.
class RemoveOnFailure {
 public:
  explicit RemoveOnFailure(std::filesystem::path path) : path_(std::move(path)) {}
  RemoveOnFailure(const RemoveOnFailure&) = delete;
  RemoveOnFailure& operator=(const RemoveOnFailure&) = delete;
  ~RemoveOnFailure() {
    std::error_code ignored;
    if (armed_ && std::filesystem::is_regular_file(path_, ignored)) std::filesystem::remove(path_, ignored);
  }
  void release() { armed_ = false; }

 private:
  std::filesystem::path path_;
  bool armed_ = true;
};

void write_file(const std::filesystem::path& path, const std::vector<float>& samples, int channels,
                int sample_rate, int format) {
  if (channels <= 0 || sample_rate <= 0)
    throw Error(std::to_string(channels) + " channels at " + std::to_string(sample_rate) + " Hz is not a valid stream");
  if (samples.size() % static_cast<std::size_t>(channels) != 0)
    throw Error(std::to_string(samples.size()) + " samples do not make whole frames of " + std::to_string(channels) +
                " channels");
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) throw Error("libsndfile cannot write " + detail::format_name(format) + " with these parameters");
  RemoveOnFailure guard(path);  // libsndfile may create the file and then refuse the parameters
  detail::SndfileHandle file(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!file) throw Error("cannot open for writing: " + detail::sndfile_message(nullptr));
  // Float-to-integer conversion wraps around beyond ±1 unless clipping is on.
  sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
  // The PEAK chunk of float WAV/AIFF holds a time stamp, which would make
  // identical input give different bytes.
  sf_command(file.get(), SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
  const auto frames = static_cast<sf_count_t>(samples.size() / static_cast<std::size_t>(channels));
  const sf_count_t written = sf_writef_float(file.get(), samples.data(), frames);
  if (written != frames)
    throw Error("wrote " + std::to_string(written) + " of " + std::to_string(frames) +
                " frames: " + detail::sndfile_message(file.get()));
  // Encoders flush their last blocks on close, so its result matters.
  const int closed = sf_close(file.release());
  if (closed != 0) throw Error("closing failed: " + std::string(sf_error_number(closed)));
  guard.release();
}

}  // namespace

const std::vector<std::string>& writable_formats() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& f : kFormats) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

void write_audio(const std::filesystem::path& path, const std::vector<float>& samples, int channels,
                 int sample_rate, const std::string& format) {
  const int sf_format = format_by_name(format);
  try {
    write_file(path, samples, channels, sample_rate, sf_format);
  } catch (const Error&) {
    rethrow_with_context("writing " + path.string() + " as " + format);
  }
}

}  // namespace genre::audio
