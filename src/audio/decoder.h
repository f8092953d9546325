#pragma once
// Audio decoding seam. An AudioSource yields interleaved float frames; the one
// backend is libsndfile (WAV, AU, FLAC, OGG/Vorbis, Opus, MP3), opened from a
// memory buffer so the preprocessor reads each file once, hashes those bytes
// and decodes the same bytes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"

namespace genre::audio {

// A file that cannot be used as audio. what() is one line naming the reason
// (the caller adds the file name).
class BadAudio : public Error {
 public:
  using Error::Error;
};

struct AudioInfo {
  int sample_rate = 0;
  int channels = 0;
  std::int64_t frames = 0;
  std::string format;  // e.g. "WAV (Microsoft) / Signed 16 bit PCM"
};

class AudioSource {
 public:
  virtual ~AudioSource() = default;
  virtual const AudioInfo& info() const = 0;
  // Reads up to `frames` interleaved frames into out (frames * channels floats,
  // full scale ±1); returns the frames read, 0 at the end.
  virtual std::int64_t read(float* out, std::int64_t frames) = 0;
};

// Opens an in-memory encoded file. `bytes` must outlive the source.
// Throws BadAudio when the bytes are not a readable audio file.
std::unique_ptr<AudioSource> open_memory(const std::string& bytes);
// A temporary would die before the source reads it.
std::unique_ptr<AudioSource> open_memory(std::string&& bytes) = delete;

// Decodes the whole source and averages channels to mono (as librosa does).
// Throws BadAudio for truncated data (fewer frames than the header declares).
std::vector<float> read_mono(AudioSource& source);

}  // namespace genre::audio
