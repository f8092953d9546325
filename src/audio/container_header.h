#pragma once
// Internal to genre_audio: reads the audio data size that a WAV, RF64, AU or
// AIFF header declares, because libsndfile hides truncation in these formats.
//
// Found by experiment with libsndfile 1.2.0: when such a file holds fewer
// data bytes than its header declares, sf_open succeeds, SF_INFO.frames is
// silently shrunk to the frames present, reads end there without an error,
// and the only trace is a "(should be N)" note in SFC_GET_LOG_INFO. Parsing a
// log meant for humans would tie us to its wording, so we read the few header
// fields ourselves and compare with the bytes the file holds.
#include <cstdint>
#include <optional>
#include <string>

namespace genre::audio::detail {

struct DataShortfall {
  std::uint64_t declared_bytes = 0;   // audio data size the header declares
  std::uint64_t available_bytes = 0;  // what the file holds after the header
};

// The shortfall when `bytes` is a WAV/RF64/AU/AIFF file whose data chunk is
// cut short; nullopt for complete files, other formats, headers that leave the
// size open (streaming writers put 0 or 0xFFFFFFFF there), and headers too
// damaged to read (libsndfile then refuses the file itself).
std::optional<DataShortfall> data_shortfall(const std::string& bytes);

}  // namespace genre::audio::detail
