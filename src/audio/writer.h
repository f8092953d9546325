#pragma once
// Writes audio files with libsndfile: the synthetic corpus and the tests'
// fixtures. Formats are chosen by name so configs and tests can pass strings.
#include <filesystem>
#include <string>
#include <vector>

namespace genre::audio {

// The names write_audio accepts:
//   wav16, wav24, wav32 (PCM), wav_float (32-bit float, no PEAK chunk), au
//   (16-bit PCM, as GTZAN's originals), au_float, aiff (16-bit PCM), flac
//   (16-bit), flac24, ogg (Vorbis), opus (8/12/16/24/48 kHz only), mp3.
const std::vector<std::string>& writable_formats();

// Writes `samples` (mono, or interleaved frames when channels > 1; the size
// must be a multiple of `channels`) at `sample_rate` Hz to `path`, replacing
// it. Integer formats clip to ±1 instead of wrapping. The bytes depend only on
// the arguments for the WAV, AU, AIFF and FLAC formats; Ogg and Opus files carry
// a random stream serial number. Throws UsageError for an unknown format name
// and Error, naming the file, when libsndfile fails; a partly written file is
// removed.
void write_audio(const std::filesystem::path& path, const std::vector<float>& samples, int channels,
                 int sample_rate, const std::string& format);

}  // namespace genre::audio
