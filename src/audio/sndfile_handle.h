#pragma once
// Internal to genre_audio: the RAII owner of a libsndfile handle and the
// helpers the decoder and the writer share. Not part of the public API.
#include <sndfile.h>

#include <memory>
#include <string>

namespace genre::audio::detail {

struct SndfileCloser {
  void operator()(SNDFILE* file) const noexcept { sf_close(file); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

// libsndfile's message for `file` (or for the last failed open when null),
// folded onto one line.
std::string sndfile_message(SNDFILE* file);

// "WAV (Microsoft) / Signed 16 bit PCM" for an SF_FORMAT_* value.
std::string format_name(int format);

}  // namespace genre::audio::detail
