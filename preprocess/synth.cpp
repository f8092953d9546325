#include "preprocess/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <numeric>

#include "audio/writer.h"
#include "common/error.h"
#include "common/file_io.h"
#include "common/random.h"

namespace genre::preprocess {

namespace {

constexpr double kTwoPi = 6.283185307179586476925;

// ------------------------------------------------------------- randomness
// All draws come from common/random.h, portable across standard libraries.

// Independent streams per purpose, class and track: more tracks per class
// leave the existing ones unchanged (more classes do not: the class styles
// are spread over the class count).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t purpose, std::uint64_t a = 0, std::uint64_t b = 0) {
  return splitmix64(splitmix64(splitmix64(splitmix64(seed) ^ purpose) ^ a) ^ b);
}
constexpr std::uint64_t kStyleStream = 1, kTrackStream = 2, kBadStream = 3;

int pick(Random& rng, int n) { return static_cast<int>(rng.below(static_cast<std::uint64_t>(n))); }  // [0, n)


// Per-sample noise for drums and hiss: xorshift64*, cheaper than the engine.
class Noise {
 public:
  explicit Noise(std::uint64_t seed) : state_(seed | 1) {}
  float next() {  // [-1, 1)
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<float>((state_ * 0x2545F4914F6CDD1Dull) >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }

 private:
  std::uint64_t state_;
};

// ------------------------------------------------------------------ styles
// A style is a point in [0,1]^kDimCount plus a few discrete choices; the
// mapping to physical values is in draw_track().
enum Dim {
  kTempo,
  kBrightness,  // harmonic roll-off of the lead timbre
  kEvenHarmonics,
  kTone,        // low-pass cut-off of the whole mix (spectral tilt)
  kFormant,     // centre of a resonance on the instruments
  kDrums,
  kHats,
  kHarmony,     // voices per chord (0 = no chords)
  kRegister,
  kDensity,     // notes per beat of the lead
  kSustain,     // note decay time
  kBass,
  kDrive,       // soft-clipping distortion of lead and chords
  kEcho,
  kHiss,
  kLoudness,
  kDimCount
};

struct Scale {
  int size;
  std::array<int, 7> steps;
};
constexpr Scale kScales[] = {
    {7, {0, 2, 4, 5, 7, 9, 11}},  // major
    {7, {0, 2, 3, 5, 7, 8, 10}},  // natural minor
    {7, {0, 2, 3, 5, 7, 9, 10}},  // dorian
    {7, {0, 2, 4, 5, 7, 9, 10}},  // mixolydian
    {5, {0, 3, 5, 7, 10}},        // minor pentatonic
    {5, {0, 2, 4, 7, 9}},         // major pentatonic
    {6, {0, 3, 5, 6, 7, 10}},     // blues
    {7, {0, 2, 3, 5, 7, 8, 11}},  // harmonic minor
};
constexpr int kScaleCount = static_cast<int>(std::size(kScales));
constexpr int kChordRhythms = 4, kBassPatterns = 4, kDrumPatterns = 6;

struct ClassStyle {
  std::array<double, kDimCount> centre{};
  int scale = 0, chord_rhythm = 0, bass_pattern = 0, drum_pattern = 0;
};

// How often a track keeps its class's discrete choices (scale, patterns).
constexpr double kKeepDiscrete = 0.7;

// A Latin hypercube: along every dimension the classes sit in distinct slots
// of width 1/classes, in a random order per dimension, so no two classes are
// close in all of them.
std::vector<ClassStyle> draw_styles(std::uint64_t seed, int classes) {
  Random rng(stream_seed(seed, kStyleStream));
  std::vector<ClassStyle> styles(static_cast<std::size_t>(classes));
  std::vector<int> slot(static_cast<std::size_t>(classes));
  for (int d = 0; d < kDimCount; ++d) {
    std::iota(slot.begin(), slot.end(), 0);
    rng.shuffle(slot);
    for (int c = 0; c < classes; ++c)
      styles[static_cast<std::size_t>(c)].centre[static_cast<std::size_t>(d)] =
          (slot[static_cast<std::size_t>(c)] + rng.uniform(0.2, 0.8)) / classes;
  }
  for (auto& s : styles) {
    s.scale = pick(rng, kScaleCount);
    s.chord_rhythm = pick(rng, kChordRhythms);
    s.bass_pattern = pick(rng, kBassPatterns);
    s.drum_pattern = pick(rng, kDrumPatterns);
  }
  return styles;
}

double reflect01(double v) {
  v = std::fmod(std::fabs(v), 2.0);
  return v > 1.0 ? 2.0 - v : v;
}

double log_range(double lo, double hi, double v) { return lo * std::pow(hi / lo, v); }

// Everything one track needs, in physical units.
struct TrackParams {
  double bpm = 120;
  double tilt = 1;           // lead harmonic k has gain k^-tilt
  double even = 1;           // extra gain of even harmonics
  double tone_hz = 5000;     // mix low-pass
  double formant_hz = 1000;  // resonance centre
  double drums = 0.5;        // drum bus level relative to the instruments
  int hats_per_beat = 2;
  double hats = 0.5;
  int chord_voices = 3;
  double register_midi = 64;  // centre of the lead's range
  double notes_per_beat = 1;
  double decay_s = 0.4;
  double bass = 0.5;
  double drive = 1;
  double echo = 0;
  double hiss = 0;
  double rms = 0.1;  // final loudness
  double legato = 0.8;
  double rest = 0.2;  // probability that a lead step is silent
  int key = 0;        // semitones above C
  int scale = 0, chord_rhythm = 0, bass_pattern = 0, drum_pattern = 0;
  std::array<int, 4> progression{};  // scale degrees of the four bars' chords
};

// `overlap`: SynthConfig::overlap, how far the track strays from its class.
TrackParams draw_track(const ClassStyle& style, Random& rng, int sample_rate, double overlap) {
  std::array<double, kDimCount> v{};
  for (int d = 0; d < kDimCount; ++d)
    v[static_cast<std::size_t>(d)] = reflect01(style.centre[static_cast<std::size_t>(d)] + overlap * rng.normal());
  TrackParams p;
  p.bpm = 65 + 110 * v[kTempo];
  p.tilt = 0.6 + 1.9 * (1 - v[kBrightness]);
  p.even = v[kEvenHarmonics];
  p.tone_hz = std::min(log_range(900, 10000, v[kTone]), 0.45 * sample_rate);
  p.formant_hz = std::min(log_range(250, 4000, v[kFormant]), 0.4 * sample_rate);
  p.drums = std::max(0.0, 1.3 * v[kDrums] - 0.2);
  p.hats_per_beat = v[kHats] < 0.33 ? 1 : v[kHats] < 0.66 ? 2 : 4;
  p.hats = 0.2 + 0.8 * v[kHats];
  p.chord_voices = std::min(4, static_cast<int>(v[kHarmony] * 5));
  p.register_midi = 50 + 30 * v[kRegister];
  constexpr double kDensities[] = {0.5, 1, 2, 4};
  p.notes_per_beat = kDensities[std::min(3, static_cast<int>(v[kDensity] * 4))];
  p.decay_s = log_range(0.05, 1.6, v[kSustain]);
  p.bass = v[kBass];
  p.drive = 1 + 12 * v[kDrive] * v[kDrive];
  p.echo = 0.5 * v[kEcho];
  p.hiss = 0.25 * v[kHiss] * v[kHiss];
  p.rms = log_range(0.03, 0.2, v[kLoudness]);
  p.legato = rng.uniform(0.4, 1.0);
  p.rest = rng.uniform(0.05, 0.4);
  p.key = pick(rng, 12);
  auto discrete = [&rng](int class_choice, int n) { return rng.chance(kKeepDiscrete) ? class_choice : pick(rng, n); };
  p.scale = discrete(style.scale, kScaleCount);
  p.chord_rhythm = discrete(style.chord_rhythm, kChordRhythms);
  p.bass_pattern = discrete(style.bass_pattern, kBassPatterns);
  p.drum_pattern = discrete(style.drum_pattern, kDrumPatterns);
  const int size = kScales[p.scale].size;
  p.progression[0] = 0;
  for (std::size_t i = 1; i < p.progression.size(); ++i) p.progression[i] = pick(rng, size);
  return p;
}

// ------------------------------------------------------------- oscillators
// Wavetables with a 32-bit phase accumulator: one table lookup per sample
// and voice instead of a std::sin per partial.
constexpr int kTableBits = 11;
constexpr std::uint32_t kTableSize = 1u << kTableBits;
constexpr int kFracBits = 32 - kTableBits;
constexpr float kFracScale = 1.0f / static_cast<float>(1u << kFracBits);
using Table = std::vector<float>;  // kTableSize + 1 values (the last repeats the first)

Table sine_table() {
  Table t(kTableSize + 1);
  for (std::uint32_t i = 0; i <= kTableSize; ++i) t[i] = static_cast<float>(std::sin(kTwoPi * i / kTableSize));
  return t;
}

inline float lookup(const Table& t, std::uint32_t phase) {
  const std::uint32_t i = phase >> kFracBits;
  const float frac = static_cast<float>(phase & ((1u << kFracBits) - 1)) * kFracScale;
  return t[i] + frac * (t[i + 1] - t[i]);
}

std::uint32_t phase_step(double freq, int sample_rate) {
  return static_cast<std::uint32_t>(std::llround(freq / sample_rate * 4294967296.0));
}

// A harmonic timbre as band-limited tables: a note at f uses the harmonics
// below 0.45 * rate only, so high notes do not alias. One table per harmonic
// count, built on first use.
class Timbre {
 public:
  Timbre(std::vector<double> gains, const Table& sine) : gains_(std::move(gains)), sine_(sine), tables_(gains_.size()) {
    double power = 0;
    for (double g : gains_) power += g * g / 2;
    norm_ = 1.0 / std::sqrt(power);  // unit RMS with every harmonic present
  }

  const Table& table_for(double freq, int sample_rate) {
    const auto limit = static_cast<std::size_t>(0.45 * sample_rate / freq);
    const std::size_t count = std::clamp<std::size_t>(limit, 1, gains_.size());
    Table& t = tables_[count - 1];
    if (t.empty()) {
      t.assign(kTableSize + 1, 0.0f);
      for (std::size_t k = 1; k <= count; ++k) {
        const auto gain = static_cast<float>(gains_[k - 1] * norm_);
        for (std::uint32_t i = 0; i <= kTableSize; ++i) t[i] += gain * sine_[(k * i) & (kTableSize - 1)];
      }
    }
    return t;
  }

 private:
  std::vector<double> gains_;
  const Table& sine_;
  std::vector<Table> tables_;
  double norm_ = 1;
};

std::vector<double> harmonic_gains(int count, double tilt, double even) {
  std::vector<double> g(static_cast<std::size_t>(count));
  for (int k = 1; k <= count; ++k) g[static_cast<std::size_t>(k - 1)] = std::pow(k, -tilt) * (k % 2 == 0 ? even : 1.0);
  return g;
}

double midi_hz(double midi) { return 440.0 * std::pow(2.0, (midi - 69) / 12); }

using Bus = std::vector<float>;

struct Envelope {
  double attack_s = 0.005;
  double decay_s = 0.5;  // exponential time constant while held
  double release_s = 0.03;
};

// Adds one note: linear attack, exponential decay while held, linear release.
void add_note(Bus& bus, const Table& table, double start_s, double hold_s, double freq, double gain,
              const Envelope& env, int rate) {
  const auto start = static_cast<std::size_t>(std::llround(start_s * rate));
  const auto hold = static_cast<std::size_t>(std::max<long long>(1, std::llround(hold_s * rate)));
  const auto release = static_cast<std::size_t>(std::max<long long>(1, std::llround(env.release_s * rate)));
  const auto attack = static_cast<std::size_t>(std::max<long long>(1, std::llround(env.attack_s * rate)));
  if (start >= bus.size()) return;
  const std::size_t length = std::min(hold + release, bus.size() - start);
  const auto decay = static_cast<float>(std::exp(-1.0 / (env.decay_s * rate)));
  const std::uint32_t step = phase_step(freq, rate);
  std::uint32_t phase = 0;
  float level = static_cast<float>(gain);
  float* out = bus.data() + start;
  for (std::size_t i = 0; i < length; ++i, phase += step) {
    float shape = level;
    if (i < attack) shape *= static_cast<float>(i) / static_cast<float>(attack);
    if (i >= hold) shape *= 1.0f - static_cast<float>(i - hold) / static_cast<float>(release);
    out[i] += shape * lookup(table, phase);
    level *= decay;
  }
}

// ------------------------------------------------------------------- drums
struct DrumKit {
  double kick_start_hz, kick_end_hz, kick_decay_s;
  double snare_decay_s, snare_tone_hz;
  double hat_decay_s;
};

void add_kick(Bus& bus, std::size_t start, double gain, const DrumKit& kit, const Table& sine, int rate) {
  if (start >= bus.size()) return;
  const std::size_t length = std::min(static_cast<std::size_t>(5 * kit.kick_decay_s * rate), bus.size() - start);
  const auto amp_decay = static_cast<float>(std::exp(-1.0 / (kit.kick_decay_s * rate)));
  const auto sweep_decay = static_cast<float>(std::exp(-1.0 / (0.04 * rate)));
  const auto hz_to_step = static_cast<float>(4294967296.0 / rate);
  float amp = static_cast<float>(gain), sweep = 1.0f;
  std::uint32_t phase = 0;
  for (std::size_t i = 0; i < length; ++i) {
    bus[start + i] += amp * lookup(sine, phase);
    const float hz = static_cast<float>(kit.kick_end_hz) + static_cast<float>(kit.kick_start_hz - kit.kick_end_hz) * sweep;
    phase += static_cast<std::uint32_t>(hz * hz_to_step);
    amp *= amp_decay;
    sweep *= sweep_decay;
  }
}

// Noise through a one-pole filter: low-passed (snare body) when `highpass` is
// false, the difference to the low-pass (hats) when true; plus an optional tone.
void add_noise_hit(Bus& bus, std::size_t start, double gain, double decay_s, double cutoff_hz, bool highpass,
                   double tone_hz, Noise& noise, const Table& sine, int rate) {
  if (start >= bus.size()) return;
  const std::size_t length = std::min(static_cast<std::size_t>(5 * decay_s * rate), bus.size() - start);
  const auto decay = static_cast<float>(std::exp(-1.0 / (decay_s * rate)));
  const auto a = static_cast<float>(1 - std::exp(-kTwoPi * cutoff_hz / rate));
  const std::uint32_t step = tone_hz > 0 ? phase_step(tone_hz, rate) : 0;
  float amp = static_cast<float>(gain), low = 0;
  std::uint32_t phase = 0;
  for (std::size_t i = 0; i < length; ++i, phase += step) {
    const float x = noise.next();
    low += a * (x - low);
    const float n = highpass ? x - low : low;
    bus[start + i] += amp * (step ? 0.6f * n + 0.4f * lookup(sine, phase) : n);
    amp *= decay;
  }
}

// Sixteen steps per bar: which carry a kick, which a snare.
struct DrumPattern {
  std::uint16_t kick, snare;
};
constexpr std::uint16_t steps(std::initializer_list<int> on) {
  std::uint16_t mask = 0;
  for (int s : on) mask = static_cast<std::uint16_t>(mask | (1u << s));
  return mask;
}
constexpr DrumPattern kDrumPatternTable[kDrumPatterns] = {
    {steps({0, 4, 8, 12}), steps({4, 12})},  // four on the floor
    {steps({0, 8, 10}), steps({4, 12})},     // rock
    {steps({0, 7, 10}), steps({4, 12})},     // hip-hop
    {steps({0, 6}), steps({8})},             // half time
    {steps({8}), steps({8})},                // one drop
    {steps({0}), steps({7, 15})},            // sparse, ghost notes
};

// ----------------------------------------------------------------- effects
double rms(const Bus& bus) {
  // Four partial sums break the add-latency chain; the order stays fixed.
  std::array<double, 4> power{};
  std::size_t i = 0;
  for (; i + 4 <= bus.size(); i += 4)
    for (std::size_t k = 0; k < 4; ++k) power[k] += static_cast<double>(bus[i + k]) * bus[i + k];
  for (; i < bus.size(); ++i) power[0] += static_cast<double>(bus[i]) * bus[i];
  return bus.empty() ? 0.0 : std::sqrt((power[0] + power[1] + power[2] + power[3]) / static_cast<double>(bus.size()));
}

void normalise_rms(Bus& bus, double target) {
  const double current = rms(bus);
  if (current <= 0) return;
  const auto gain = static_cast<float>(target / current);
  for (float& x : bus) x *= gain;
}

// Soft clipping (a rational tanh), normalised so that ±1 stays ±1.
void overdrive(Bus& bus, double drive) {
  auto clip = [](float x) {
    x = std::clamp(x, -3.0f, 3.0f);
    return x * (27 + x * x) / (27 + 9 * x * x);
  };
  float peak = 0;
  for (float x : bus) peak = std::max(peak, std::fabs(x));
  if (peak <= 0) return;
  const auto pre = static_cast<float>(drive) / peak;
  const float post = 1.0f / clip(static_cast<float>(drive));
  for (float& x : bus) x = post * clip(pre * x);
}

// A peaking resonance (RBJ cookbook biquad, +9 dB, Q 1.4).
void resonance(Bus& bus, double centre_hz, int rate) {
  const double amp = std::pow(10.0, 9.0 / 40), w = kTwoPi * centre_hz / rate, alpha = std::sin(w) / (2 * 1.4);
  const double a0 = 1 + alpha / amp;
  const double b0 = (1 + alpha * amp) / a0, b1 = -2 * std::cos(w) / a0, b2 = (1 - alpha * amp) / a0;
  const double a1 = b1, a2 = (1 - alpha / amp) / a0;
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (float& s : bus) {
    const double x = s, y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1, x1 = x, y2 = y1, y1 = y;
    s = static_cast<float>(y);
  }
}

// Two one-pole low-passes in series (12 dB per octave).
void lowpass(Bus& bus, double cutoff_hz, int rate) {
  const auto a = static_cast<float>(1 - std::exp(-kTwoPi * cutoff_hz / rate));
  float y1 = 0, y2 = 0;
  for (float& x : bus) {
    y1 += a * (x - y1);
    y2 += a * (y1 - y2);
    x = y2;
  }
}

void echo(Bus& bus, std::size_t delay, double feedback) {
  if (feedback <= 0 || delay == 0) return;
  const auto fb = static_cast<float>(feedback);
  for (std::size_t i = delay; i < bus.size(); ++i) bus[i] += fb * bus[i - delay];
}

// ----------------------------------------------------------------- a track
class TrackRenderer {
 public:
  TrackRenderer(const TrackParams& p, Random& rng, std::size_t samples, int rate)
      : p_(p),
        rng_(rng),
        rate_(rate),
        sine_(sine_table()),
        lead_(harmonic_gains(24, p.tilt, p.even), sine_),
        pad_(harmonic_gains(16, p.tilt + 0.5, 0.5 + 0.5 * p.even), sine_),
        bass_(harmonic_gains(10, 1.6, 0.7), sine_),
        music_(samples, 0.0f),
        drums_(samples, 0.0f),
        noise_(rng.raw()) {
    kit_.kick_start_hz = rng.uniform(90, 170);
    kit_.kick_end_hz = rng.uniform(38, 60);
    kit_.kick_decay_s = rng.uniform(0.06, 0.25);
    kit_.snare_decay_s = rng.uniform(0.05, 0.18);
    kit_.snare_tone_hz = rng.uniform(150, 260);
    kit_.hat_decay_s = rng.uniform(0.012, 0.06);
  }
  TrackRenderer(const TrackRenderer&) = delete;  // the timbres point at sine_
  TrackRenderer& operator=(const TrackRenderer&) = delete;

  Bus render() && {  // once: the result takes over music_
    const double beat_s = 60.0 / p_.bpm, bar_s = 4 * beat_s;
    const double total_s = static_cast<double>(music_.size()) / rate_;
    // Lead and chords share a bus: distortion acts on them together, as on a
    // guitar amplifier. Bass goes straight to music_, drums to drums_.
    Bus lead(music_.size(), 0.0f);
    int lead_index = 0;
    for (int bar = 0; bar * bar_s < total_s; ++bar) {
      const double t0 = bar * bar_s;
      const int degree = p_.progression[static_cast<std::size_t>(bar % 4)];
      play_chords(lead, t0, beat_s, degree);
      play_bass(t0, beat_s, degree);
      lead_index = play_lead(lead, t0, beat_s, degree, lead_index);
      play_drums(t0, beat_s);
    }
    if (p_.drive > 1.05) overdrive(lead, p_.drive);
    normalise_rms(lead, 1.0);
    for (std::size_t i = 0; i < lead.size(); ++i) music_[i] += lead[i];
    lead = Bus();
    resonance(music_, p_.formant_hz, rate_);
    echo(music_, static_cast<std::size_t>(0.75 * beat_s * rate_), p_.echo);
    normalise_rms(music_, 1.0);
    normalise_rms(drums_, p_.drums);
    Bus mix = std::move(music_);
    for (std::size_t i = 0; i < mix.size(); ++i) mix[i] += drums_[i] + static_cast<float>(p_.hiss) * noise_.next();
    lowpass(mix, p_.tone_hz, rate_);
    normalise_rms(mix, p_.rms);
    float peak = 0;
    for (float x : mix) peak = std::max(peak, std::fabs(x));
    if (peak > 0.98f)
      for (float& x : mix) x *= 0.98f / peak;
    return mix;
  }

 private:
  // MIDI pitch of scale index `i` counted from the key's root at `base`.
  double pitch(int i, double base) const {
    const Scale& s = kScales[p_.scale];
    const int octave = i >= 0 ? i / s.size : -((-i + s.size - 1) / s.size);
    return base + p_.key + 12 * octave + s.steps[static_cast<std::size_t>(i - octave * s.size)];
  }

  // The root nearest below `midi` as a base for pitch().
  double base_near(double midi) const { return 12 * std::floor((midi - p_.key) / 12); }

  void play_chords(Bus& chords, double t0, double beat_s, int degree) {
    if (p_.chord_voices == 0) return;
    const double base = base_near(p_.register_midi - 10);
    Envelope env{0.004 + 0.04 * (p_.chord_rhythm == 0), p_.decay_s * 1.5, 0.05};
    const double gain = 0.35 / std::sqrt(p_.chord_voices);
    auto strike = [&](double at_beat, double beats) {
      for (int v = 0; v < p_.chord_voices; ++v) {
        const double f = midi_hz(pitch(degree + 2 * v, base));
        add_note(chords, pad_.table_for(f, rate_), t0 + at_beat * beat_s, beats * beat_s, f, gain, env, rate_);
      }
    };
    switch (p_.chord_rhythm) {
      case 0: strike(0, 4); break;  // held for the bar
      case 1: for (int b = 0; b < 4; ++b) strike(b, 0.7); break;
      case 2: for (int b = 0; b < 4; ++b) strike(b + 0.5, 0.25); break;  // off-beat stabs
      default: strike(0, 1.8), strike(2, 1.8); break;
    }
  }

  void play_bass(double t0, double beat_s, int degree) {
    if (p_.bass < 0.05) return;
    const double base = base_near(40);
    const Envelope env{0.005, std::max(0.15, p_.decay_s), 0.03};
    auto note = [&](double at_beat, double beats, int index, double octave_up) {
      const double f = midi_hz(pitch(index, base) + octave_up);
      add_note(music_, bass_.table_for(f, rate_), t0 + at_beat * beat_s, beats * beat_s, f, 0.6 * p_.bass, env, rate_);
    };
    switch (p_.bass_pattern) {
      case 0: note(0, 1.9, degree, 0), note(2, 1.9, degree, 0); break;
      case 1: for (int b = 0; b < 4; ++b) note(b, 0.8, degree, 0); break;
      case 2: for (int e = 0; e < 8; ++e) note(e * 0.5, 0.4, degree, e % 2 ? 12 : 0); break;  // octaves
      default: for (int b = 0; b < 4; ++b) note(b, 0.9, degree + (b == 3 ? 4 : b), 0); break;  // walking
    }
  }

  // A random walk over the scale around the register, one step per grid slot;
  // returns where it ended so the next bar continues from there.
  int play_lead(Bus& lead, double t0, double beat_s, int degree, int index) {
    const double base = base_near(p_.register_midi);
    const double step_beats = 1.0 / p_.notes_per_beat;
    const int span = kScales[p_.scale].size + 2;
    const Envelope env{0.003 + 0.03 * (p_.decay_s > 0.6), p_.decay_s, 0.03};
    for (double b = 0; b < 4 - 1e-9; b += step_beats) {
      const int r = pick(rng_, 10);
      index += r < 2 ? -1 : r < 4 ? 1 : r < 5 ? -2 : r < 6 ? 2 : r < 7 ? 4 * (rng_.chance(0.5) ? 1 : -1) : 0;
      if (b == 0 && rng_.chance(0.5)) index = degree + 2 * pick(rng_, 3);  // land on a chord tone
      index = std::clamp(index, -span, span);
      if (rng_.chance(p_.rest)) continue;
      const double f = midi_hz(pitch(index, base));
      const double accent = std::fmod(b, 1.0) == 0 ? 1.0 : 0.75;
      add_note(lead, lead_.table_for(f, rate_), t0 + b * beat_s, step_beats * p_.legato * beat_s, f,
               accent * rng_.uniform(0.7, 1.0), env, rate_);
    }
    return index;
  }

  void play_drums(double t0, double beat_s) {
    if (p_.drums <= 0) return;
    const DrumPattern& pattern = kDrumPatternTable[p_.drum_pattern];
    const double step_s = beat_s / 4;
    const int hat_every = 4 / p_.hats_per_beat;
    for (int s = 0; s < 16; ++s) {
      const auto at = static_cast<std::size_t>(std::llround((t0 + s * step_s) * rate_));
      const double velocity = rng_.uniform(0.75, 1.0);
      if (pattern.kick >> s & 1) add_kick(drums_, at, velocity, kit_, sine_, rate_);
      if (pattern.snare >> s & 1)
        add_noise_hit(drums_, at, 0.6 * velocity, kit_.snare_decay_s, 3500, false, kit_.snare_tone_hz, noise_, sine_, rate_);
      if (s % hat_every == 0) {
        const bool open = rng_.chance(0.08);
        add_noise_hit(drums_, at, 0.35 * p_.hats * velocity, open ? 4 * kit_.hat_decay_s : kit_.hat_decay_s, 5000, true, 0,
                      noise_, sine_, rate_);
      }
    }
  }

  const TrackParams& p_;
  Random& rng_;
  int rate_;
  Table sine_;
  Timbre lead_, pad_, bass_;
  DrumKit kit_{};
  Bus music_, drums_;
  Noise noise_;
};

// ----------------------------------------------------------------- writing
std::uintmax_t written_size(const std::filesystem::path& file) { return std::filesystem::file_size(file); }

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error("cannot write " + file.string());
}

std::string track_name(const std::string& cls, int track) {
  char number[16];
  std::snprintf(number, sizeof number, "%05d", track);
  return cls + "." + number + ".wav";
}

// Offset of the first audio frame of a FLAC file: after "fLaC" and the
// metadata blocks (each: 1 byte last-flag and type, 3 bytes big-endian length).
std::size_t flac_audio_offset(const std::string& flac) {
  std::size_t pos = 4;
  for (bool last = false; !last && pos + 4 <= flac.size();) {
    last = (static_cast<unsigned char>(flac[pos]) & 0x80) != 0;
    const std::size_t length = (static_cast<std::size_t>(static_cast<unsigned char>(flac[pos + 1])) << 16) |
                               (static_cast<std::size_t>(static_cast<unsigned char>(flac[pos + 2])) << 8) |
                               static_cast<unsigned char>(flac[pos + 3]);
    pos += 4 + length;
  }
  return std::min(pos, flac.size());
}

void write_bad_file(const SynthConfig& config, const SynthBadFile& bad, int class_index, int ordinal) {
  const std::filesystem::path file = config.output / bad.path;
  const int rate = config.sample_rate;
  // Music for the bad files comes from track numbers past the good ones.
  auto music = [&] { return synth_track(config, class_index, config.tracks_per_class + ordinal); };
  Random rng(stream_seed(config.seed, kBadStream, static_cast<std::uint64_t>(ordinal)));
  if (bad.kind == "empty") {
    write_bytes(file, "");
  } else if (bad.kind == "not-audio") {
    write_bytes(file, "This is a text file named .wav, written by `genre synth` to test that unreadable files\n"
                      "are reported and skipped.\n");
  } else if (bad.kind == "truncated") {
    audio::write_audio(file, music(), 1, rate, "wav16");
    const std::uintmax_t keep = written_size(file) * 6 / 10 & ~std::uintmax_t{1};
    std::filesystem::resize_file(file, keep);
  } else if (bad.kind == "short") {
    std::vector<float> clip = music();
    clip.resize(std::min(clip.size(), static_cast<std::size_t>(2 * rate)));
    audio::write_audio(file, clip, 1, rate, "wav16");
  } else if (bad.kind == "silent") {
    audio::write_audio(file, std::vector<float>(static_cast<std::size_t>(std::llround(config.seconds * rate)), 0.0f), 1,
                       rate, "wav16");
  } else if (bad.kind == "nan") {
    std::vector<float> samples = music();
    const std::size_t from = samples.size() / 3, to = std::min(samples.size(), from + 100);
    for (std::size_t i = from; i < to; ++i) samples[i] = std::nanf("");
    audio::write_audio(file, samples, 1, rate, "wav_float");
  } else if (bad.kind == "garbage") {
    audio::write_audio(file, music(), 1, rate, "flac");
    std::string bytes = read_file(file);
    // At least 64 KiB of garbage: libFLAC reads ahead in 16 KiB blocks, and a
    // decoder that stops with bytes left over is what tells corrupt data from
    // a truncated file.
    const std::size_t header = flac_audio_offset(bytes);
    bytes.resize(std::max(bytes.size(), header + (std::size_t{1} << 16)));
    for (std::size_t i = header; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng.raw() >> 56);
    write_bytes(file, bytes);
  } else {
    throw Error("unknown bad-file kind " + bad.kind);
  }
}

}  // namespace

void SynthConfig::validate() const {
  if (output.empty()) throw UsageError("synth: the output folder is not set");
  if (classes <= 0) throw UsageError("synth: classes must be positive, got " + std::to_string(classes));
  if (tracks_per_class <= 0)
    throw UsageError("synth: tracks per class must be positive, got " + std::to_string(tracks_per_class));
  if (!(seconds > 0) || !std::isfinite(seconds))
    throw UsageError("synth: seconds must be positive, got " + std::to_string(seconds));
  if (sample_rate < 8000 || sample_rate > 192000)
    throw UsageError("synth: the sample rate must be within 8000..192000 Hz, got " + std::to_string(sample_rate));
  if (!(overlap >= 0 && overlap <= 1))
    throw UsageError("synth: --overlap must be within 0..1, got " + std::to_string(overlap));
}

std::vector<std::string> synth_class_names(int classes) {
  static constexpr const char* kGtzan[] = {"blues", "classical", "country", "disco", "hiphop",
                                           "jazz",  "metal",     "pop",     "reggae", "rock"};
  std::vector<std::string> names;
  for (int c = 0; c < classes; ++c) names.push_back(c < 10 ? kGtzan[c] : "genre" + std::to_string(c));
  return names;
}

std::vector<SynthBadFile> synth_bad_files(int classes) {
  static constexpr const char* kKinds[] = {"empty", "not-audio", "truncated", "short", "silent", "nan", "garbage"};
  const std::vector<std::string> names = synth_class_names(classes);
  std::vector<SynthBadFile> files;
  for (std::size_t i = 0; i < std::size(kKinds); ++i) {
    const std::string kind = kKinds[i];
    const std::string extension = kind == "garbage" ? ".flac" : ".wav";
    files.push_back({names[i % names.size()] + "/bad." + kind + extension, kind});
  }
  return files;
}

std::vector<float> synth_track(const SynthConfig& config, int class_index, int track_index) {
  config.validate();
  if (class_index < 0 || class_index >= config.classes || track_index < 0)
    throw Error("synth: no track " + std::to_string(track_index) + " of class " + std::to_string(class_index));
  const std::vector<ClassStyle> styles = draw_styles(config.seed, config.classes);
  Random rng(stream_seed(config.seed, kTrackStream, static_cast<std::uint64_t>(class_index),
                        static_cast<std::uint64_t>(track_index)));
  const TrackParams params = draw_track(styles[static_cast<std::size_t>(class_index)], rng, config.sample_rate, config.overlap);
  const auto samples = static_cast<std::size_t>(std::llround(config.seconds * config.sample_rate));
  return TrackRenderer(params, rng, samples, config.sample_rate).render();
}

SynthSummary write_synth_corpus(const SynthConfig& config, const SynthProgress& progress) {
  config.validate();
  const std::vector<std::string> names = synth_class_names(config.classes);
  const std::size_t total = static_cast<std::size_t>(config.classes) * static_cast<std::size_t>(config.tracks_per_class) +
                            (config.with_bad_files ? synth_bad_files(config.classes).size() : 0);
  SynthSummary summary;
  auto report = [&] {
    if (progress) progress(summary.files + summary.bad_files, total);
  };
  try {
    for (const auto& name : names) std::filesystem::create_directories(config.output / name);
    for (int c = 0; c < config.classes; ++c) {
      for (int t = 0; t < config.tracks_per_class; ++t) {
        const std::filesystem::path file = config.output / names[static_cast<std::size_t>(c)] / track_name(names[static_cast<std::size_t>(c)], t);
        audio::write_audio(file, synth_track(config, c, t), 1, config.sample_rate, "wav16");
        summary.bytes += written_size(file);
        ++summary.files;
        report();
      }
    }
    if (config.with_bad_files) {
      const std::vector<SynthBadFile> bad = synth_bad_files(config.classes);
      for (std::size_t i = 0; i < bad.size(); ++i) {
        write_bad_file(config, bad[i], static_cast<int>(i % names.size()), static_cast<int>(i));
        summary.bytes += written_size(config.output / bad[i].path);
        ++summary.bad_files;
        report();
      }
    }
  } catch (const std::exception&) {
    rethrow_with_context("synth: writing the corpus in " + config.output.string());
  }
  return summary;
}

}  // namespace genre::preprocess
