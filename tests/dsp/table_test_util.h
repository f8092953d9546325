#pragma once
// Helpers of the feature-table tests: a reference signal's STFT views, and
// the name,value rows of features57.csv.
#include <complex>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsp/stft.h"
#include "dsp_test_util.h"

namespace genre::dsp::test {

struct Spectra {
  std::size_t frames = 0, bins = 0;
  std::vector<float> power, magnitude;
  std::vector<std::complex<float>> complex;
};

inline Spectra spectra_of(const std::vector<float>& y, PadMode mode) {
  StftParams p;
  p.pad_mode = mode;
  Stft stft(p);
  Spectra s;
  s.frames = stft.frames(y.size());
  s.bins = stft.bins();
  s.power.resize(s.frames * s.bins);
  s.magnitude.resize(s.frames * s.bins);
  s.complex.resize(s.frames * s.bins);
  for (std::size_t t = 0; t < s.frames; ++t) {
    const std::complex<double>* x = stft.frame(y.data(), y.size(), t);
    power_spectrum(x, s.bins, s.power.data() + t * s.bins);
    magnitude_spectrum(x, s.bins, s.magnitude.data() + t * s.bins);
    for (std::size_t k = 0; k < s.bins; ++k) s.complex[t * s.bins + k] = std::complex<float>(x[k]);
  }
  return s;
}

inline std::string reference_name(const std::string& signal, PadMode mode, const std::string& what) {
  return signal + (mode == PadMode::Reflect ? "/reflect_" : "/") + what + ".csv";
}

// features57.csv: a name,value header, then one name,value row per column.
inline std::vector<std::pair<std::string, double>> read_named_values(const std::string& relative) {
  std::ifstream in(genre::test::reference(relative));
  if (!in) throw std::runtime_error("cannot open " + relative);
  std::string line;
  std::getline(in, line);
  std::vector<std::pair<std::string, double>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto comma = line.find(',');
    rows.emplace_back(line.substr(0, comma), std::stod(line.substr(comma + 1)));
  }
  return rows;
}

}  // namespace genre::dsp::test
