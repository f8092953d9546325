#pragma once
// Onset strength envelope, as librosa.onset.onset_strength (0.9.2) computes
// it with its defaults from a log-mel spectrogram (melspectrogram -> power_to_db,
// the very array MFCC uses, so the table computes it once): the positive part
// of the frame-to-frame difference (lag 1), averaged over the bands, shifted
// right by lag + n_fft / (2 hop) frames (zeros in front, centred framing),
// cut to the number of frames.
#include <cstddef>

namespace genre::dsp {

// log_mel: [frames][n_mels] (row per frame); writes `frames` values to out.
// The band mean adds in numpy's order (float32, band after band), so the
// envelope is librosa's to the last bit given the same log-mel.
void onset_strength(const float* log_mel, std::size_t frames, std::size_t n_mels, int n_fft, int hop, float* out);

}  // namespace genre::dsp
