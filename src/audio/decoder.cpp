#include "audio/decoder.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "audio/container_header.h"
#include "audio/sndfile_handle.h"

namespace genre::audio {

namespace {

// libsndfile reads through these callbacks (SF_VIRTUAL_IO) from the caller's
// buffer, so the bytes the preprocessor hashed are the bytes decoded, with no
// temporary file. It also records whether the decoder ran into the end of the
// bytes, which tells a truncated stream from one corrupt in the middle.
class MemoryStream {
 public:
  explicit MemoryStream(const std::string& bytes) : bytes_(bytes) {}
  MemoryStream(const MemoryStream&) = delete;
  MemoryStream& operator=(const MemoryStream&) = delete;

  bool reached_end() const { return reached_end_; }

  static SF_VIRTUAL_IO callbacks() {
    SF_VIRTUAL_IO io{};
    io.get_filelen = [](void* self) -> sf_count_t { return static_cast<MemoryStream*>(self)->size(); };
    io.seek = [](sf_count_t offset, int whence, void* self) { return static_cast<MemoryStream*>(self)->seek(offset, whence); };
    io.read = [](void* dst, sf_count_t n, void* self) { return static_cast<MemoryStream*>(self)->read(dst, n); };
    io.write = [](const void*, sf_count_t, void*) -> sf_count_t { return 0; };
    io.tell = [](void* self) { return static_cast<MemoryStream*>(self)->pos_; };
    return io;
  }

 private:
  sf_count_t size() const { return static_cast<sf_count_t>(bytes_.size()); }

  sf_count_t seek(sf_count_t offset, int whence) {
    const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? pos_ : size();
    if (offset < -base) return -1;
    pos_ = base + offset;
    return pos_;
  }

  sf_count_t read(void* dst, sf_count_t n) {
    const sf_count_t left = std::max<sf_count_t>(0, size() - pos_);
    const sf_count_t k = std::min(n, left);
    if (k < n) reached_end_ = true;
    if (k > 0) std::memcpy(dst, bytes_.data() + pos_, static_cast<std::size_t>(k));
    pos_ += k;
    return k;
  }

  const std::string& bytes_;
  sf_count_t pos_ = 0;
  bool reached_end_ = false;
};

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return std::to_string(whole ? part * 100 / whole : 0) + "%";
}

class SndfileSource final : public AudioSource {
 public:
  explicit SndfileSource(const std::string& bytes) : stream_(bytes) {
    if (bytes.empty()) throw BadAudio("empty file (0 bytes)");
    SF_VIRTUAL_IO io = MemoryStream::callbacks();
    SF_INFO sf_info{};
    file_.reset(sf_open_virtual(&io, SFM_READ, &sf_info, &stream_));
    // sf_strerror(nullptr) reports the last failed open; libsndfile keeps it in
    // one global, so two threads opening bad files at once could swap messages.
    if (!file_) throw BadAudio("not audio or an unsupported format (libsndfile: " + detail::sndfile_message(nullptr) + ")");
    if (sf_info.samplerate <= 0 || sf_info.channels <= 0)
      throw BadAudio("invalid header: " + std::to_string(sf_info.samplerate) + " Hz, " +
                     std::to_string(sf_info.channels) + " channels");
    if (const auto shortfall = detail::data_shortfall(bytes))
      throw BadAudio("truncated: the header declares " + std::to_string(shortfall->declared_bytes) +
                     " bytes of audio data, the file holds " + std::to_string(shortfall->available_bytes) + " (" +
                     percent(shortfall->available_bytes, shortfall->declared_bytes) + ")");
    const int major = sf_info.format & SF_FORMAT_TYPEMASK;
    const bool unknown_length = sf_info.frames == std::numeric_limits<sf_count_t>::max();
    // libsndfile 1.2.0 reports an Ogg stream without its end-of-stream page
    // (cut short) with an unknown length, and then decodes nothing from it.
    if (major == SF_FORMAT_OGG && unknown_length)
      throw BadAudio("truncated: the Ogg stream ends without its end-of-stream page");
    info_.sample_rate = sf_info.samplerate;
    info_.channels = sf_info.channels;
    info_.frames = unknown_length ? 0 : sf_info.frames;
    info_.format = detail::format_name(sf_info.format);
    // FLAC, Ogg and the PCM containers state the exact frame count; for MPEG it
    // is an estimate unless a Xing/LAME header is present, which libsndfile
    // does not tell us, so MP3 files are held to no count.
    expected_frames_ = (unknown_length || major == SF_FORMAT_MPEG) ? -1 : sf_info.frames;
  }

  SndfileSource(const SndfileSource&) = delete;
  SndfileSource& operator=(const SndfileSource&) = delete;

  const AudioInfo& info() const override { return info_; }

  std::int64_t read(float* out, std::int64_t frames) override {
    if (frames <= 0) return 0;
    const sf_count_t got = sf_readf_float(file_.get(), out, frames);
    delivered_ += got;
    if (got < frames) check_complete();
    return got;
  }

 private:
  // Called when a read comes back short: the stream ended, early or not.
  // A decoder error that used up the bytes (FLAC reports "lost sync" at a
  // frame cut in half) is a truncation; one that stopped with bytes left is
  // corrupt data. A clean end before the stated frame count is a truncation too.
  void check_complete() const {
    const std::string progress = std::to_string(delivered_) + " of " +
                                 (expected_frames_ >= 0 ? std::to_string(expected_frames_) : std::string("?")) +
                                 " frames";
    if (sf_error(file_.get()) != SF_ERR_NO_ERROR) {
      const std::string why = detail::sndfile_message(file_.get());
      if (stream_.reached_end()) throw BadAudio("truncated: decoding ran out of data after " + progress + " (libsndfile: " + why + ")");
      throw BadAudio("corrupt audio data after " + progress + " (libsndfile: " + why + ")");
    }
    if (expected_frames_ >= 0 && delivered_ < expected_frames_)
      throw BadAudio("truncated: the data ends after " + progress + " (" + percent(delivered_, expected_frames_) + ")");
  }

  MemoryStream stream_;  // declared before file_: libsndfile reads it until sf_close
  detail::SndfileHandle file_;
  AudioInfo info_;
  std::int64_t expected_frames_ = -1;
  std::int64_t delivered_ = 0;
};

}  // namespace

std::unique_ptr<AudioSource> open_memory(const std::string& bytes) { return std::make_unique<SndfileSource>(bytes); }

std::vector<float> read_mono(AudioSource& source) {
  const int channels = source.info().channels;
  constexpr std::int64_t kBlockFrames = 1 << 14;
  // Reserve what the header promises, bounded so a lying header cannot make
  // us allocate gigabytes up front (the vector still grows if it was right).
  constexpr std::int64_t kMaxReserve = std::int64_t{1} << 26;
  std::vector<float> mono;
  mono.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(source.info().frames, 0, kMaxReserve)));
  std::vector<float> block(static_cast<std::size_t>(kBlockFrames * channels));
  for (;;) {
    const std::int64_t n = source.read(block.data(), kBlockFrames);
    if (n <= 0) break;
    if (channels == 1) {
      mono.insert(mono.end(), block.begin(), block.begin() + n);
      continue;
    }
    // librosa.to_mono is numpy's float32 mean: the channels summed in order,
    // then divided by their count.
    const float count = static_cast<float>(channels);
    for (std::int64_t f = 0; f < n; ++f) {
      const float* frame = block.data() + f * channels;
      float sum = 0.0f;
      for (int c = 0; c < channels; ++c) sum += frame[c];
      mono.push_back(sum / count);
    }
  }
  return mono;
}

}  // namespace genre::audio
