// The synthetic corpus: layout, determinism, labels that a classifier can
// learn but no single number separates, and bad files the loader refuses.
#include "preprocess/synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "audio/decoder.h"
#include "audio/loader.h"
#include "common/error.h"
#include "common/hash.h"
#include "support/test_support.h"

namespace genre::preprocess {
namespace {

namespace fs = std::filesystem;

SynthConfig small_config(const fs::path& output) {
  SynthConfig c;
  c.output = output;
  c.classes = 3;
  c.tracks_per_class = 2;
  c.seconds = 4;
  c.with_bad_files = true;
  return c;
}

// Every regular file under `root`, relative path -> bytes.
std::map<std::string, std::string> read_tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), root).generic_string()] = test::read_file(entry.path());
  return files;
}

TEST(SynthConfig, ValidateRejectsNonPositiveValues) {
  SynthConfig good;
  good.output = "corpus";
  EXPECT_NO_THROW(good.validate());
  auto expect_usage_error = [&](auto change) {
    SynthConfig c = good;
    change(c);
    EXPECT_THROW(c.validate(), UsageError);
  };
  expect_usage_error([](SynthConfig& c) { c.output.clear(); });
  expect_usage_error([](SynthConfig& c) { c.classes = 0; });
  expect_usage_error([](SynthConfig& c) { c.tracks_per_class = -1; });
  expect_usage_error([](SynthConfig& c) { c.seconds = 0; });
  expect_usage_error([](SynthConfig& c) { c.seconds = std::nan(""); });
  expect_usage_error([](SynthConfig& c) { c.sample_rate = 0; });
  expect_usage_error([](SynthConfig& c) { c.sample_rate = 4000; });
  expect_usage_error([](SynthConfig& c) { c.sample_rate = 384000; });
}

TEST(Synth, ClassNamesFollowGtzanThenCount) {
  EXPECT_EQ(synth_class_names(10), (std::vector<std::string>{"blues", "classical", "country", "disco", "hiphop", "jazz",
                                                             "metal", "pop", "reggae", "rock"}));
  EXPECT_EQ(synth_class_names(2), (std::vector<std::string>{"blues", "classical"}));
  const auto twelve = synth_class_names(12);
  EXPECT_EQ(twelve[10], "genre10");
  EXPECT_EQ(twelve[11], "genre11");
}

TEST(Synth, BadFilesAreSpreadOverTheClassFolders) {
  std::vector<std::string> paths;
  for (const auto& f : synth_bad_files(10)) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"blues/bad.empty.wav", "classical/bad.not-audio.wav",
                                             "country/bad.truncated.wav", "disco/bad.short.wav",
                                             "hiphop/bad.silent.wav", "jazz/bad.nan.wav", "metal/bad.garbage.flac"}));
  EXPECT_EQ(synth_bad_files(3)[3].path, "blues/bad.short.wav");
}

TEST(Synth, WritesTheGtzanLayout) {
  test::TempDir dir;
  const SynthConfig config = small_config(dir.path());
  std::vector<std::size_t> done;
  const SynthSummary summary = write_synth_corpus(config, [&](std::size_t d, std::size_t total) {
    EXPECT_EQ(total, 13u);
    done.push_back(d);
  });
  ASSERT_EQ(done.size(), 13u);
  EXPECT_EQ(done.front(), 1u);
  EXPECT_EQ(done.back(), 13u);
  EXPECT_EQ(summary.files, 6u);
  EXPECT_EQ(summary.bad_files, 7u);

  std::set<std::string> expected;
  for (const auto& cls : synth_class_names(3))
    for (const char* number : {"00000", "00001"}) expected.insert(cls + "/" + cls + "." + number + ".wav");
  for (const auto& bad : synth_bad_files(3)) expected.insert(bad.path);
  const auto files = read_tree(dir.path());
  std::set<std::string> found;
  std::uintmax_t bytes = 0;
  for (const auto& [path, content] : files) {
    found.insert(path);
    bytes += content.size();
  }
  EXPECT_EQ(found, expected);
  EXPECT_EQ(summary.bytes, bytes);

  for (const auto& cls : synth_class_names(3)) {
    const auto source = audio::open_memory(files.at(cls + "/" + cls + ".00001.wav"));
    EXPECT_EQ(source->info().sample_rate, 22050);
    EXPECT_EQ(source->info().channels, 1);
    EXPECT_EQ(source->info().frames, 4 * 22050);
    EXPECT_EQ(source->info().format, "WAV (Microsoft) / Signed 16 bit PCM");
  }
}

TEST(Synth, SameConfigGivesByteIdenticalFiles) {
  test::TempDir a, b;
  write_synth_corpus(small_config(a.path()));
  write_synth_corpus(small_config(b.path()));
  const auto first = read_tree(a.path()), second = read_tree(b.path());
  ASSERT_EQ(first.size(), 13u);
  EXPECT_TRUE(first == second);
}

TEST(Synth, EveryTrackIsDifferentAndTheSeedMatters) {
  SynthConfig config;
  config.output = "unused";
  config.seconds = 3;
  std::set<std::uint64_t> hashes;
  for (int c = 0; c < config.classes; ++c)
    for (int t = 0; t < 3; ++t) {
      const std::vector<float> x = synth_track(config, c, t);
      hashes.insert(content_hash(x.data(), x.size() * sizeof(float)));
    }
  EXPECT_EQ(hashes.size(), 30u);
  SynthConfig other = config;
  other.seed = 43;
  EXPECT_NE(synth_track(config, 0, 0), synth_track(other, 0, 0));
}

TEST(Synth, TracksHaveTheConfiguredLengthAndRange) {
  SynthConfig config;
  config.output = "unused";
  const std::vector<float> x = synth_track(config, 9, 0);
  ASSERT_EQ(x.size(), 661500u);  // 30 s at 22050 Hz
  float peak = 0;
  for (float s : x) {
    ASSERT_TRUE(std::isfinite(s));
    peak = std::max(peak, std::fabs(s));
  }
  EXPECT_LE(peak, 0.98f);
  EXPECT_GT(peak, 0.05f);
  config.sample_rate = 16000;
  config.seconds = 2.5;
  EXPECT_EQ(synth_track(config, 0, 0).size(), 40000u);
  EXPECT_THROW(synth_track(config, 10, 0), Error);
}

TEST(Synth, BadFilesAreRefusedForTheirReason) {
  test::TempDir dir;
  const SynthConfig config = small_config(dir.path());
  write_synth_corpus(config);
  const std::map<std::string, std::string> expected_prefix = {
      {"empty", "empty file"},           {"not-audio", "not audio"},
      {"truncated", "truncated"},        {"short", "too short: 2.00 s"},
      {"silent", "silent"},              {"nan", "contains NaN samples"},
      {"garbage", "corrupt audio data"}};
  for (const auto& bad : synth_bad_files(config.classes)) {
    const std::string bytes = test::read_file(dir / bad.path);
    try {
      audio::load_for_analysis(bytes, 22050, 66150);
      ADD_FAILURE() << bad.path << " was accepted";
    } catch (const audio::BadAudio& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(expected_prefix.at(bad.kind), 0), 0u) << bad.path << ": " << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  for (const auto& cls : synth_class_names(config.classes))
    EXPECT_NO_THROW(audio::load_for_analysis(test::read_file(dir / cls / (cls + ".00000.wav")), 22050, 66150));
}

// Per-track zero-crossing rate (a proxy for spectral centroid) and RMS.
struct TrackFeatures {
  double zcr = 0, rms = 0;
};

TrackFeatures features(const std::vector<float>& x) {
  TrackFeatures f;
  for (std::size_t i = 1; i < x.size(); ++i) f.zcr += (x[i] < 0) != (x[i - 1] < 0);
  for (float s : x) f.rms += static_cast<double>(s) * s;
  f.zcr /= static_cast<double>(x.size());
  f.rms = std::sqrt(f.rms / static_cast<double>(x.size()));
  return f;
}

// One-way ANOVA F: variance between class means over variance within classes.
double f_statistic(const std::vector<std::vector<double>>& groups) {
  double grand = 0, n = 0;
  for (const auto& g : groups)
    for (double v : g) grand += v, ++n;
  grand /= n;
  double between = 0, within = 0;
  for (const auto& g : groups) {
    double mean = 0;
    for (double v : g) mean += v;
    mean /= static_cast<double>(g.size());
    between += static_cast<double>(g.size()) * (mean - grand) * (mean - grand);
    for (double v : g) within += (v - mean) * (v - mean);
  }
  const double k = static_cast<double>(groups.size());
  return (between / (k - 1)) / (within / (n - k));
}

// Accuracy of assigning each track to the class with the nearest mean, on one number.
double nearest_mean_accuracy(const std::vector<std::vector<double>>& groups) {
  std::vector<double> means;
  for (const auto& g : groups) {
    double m = 0;
    for (double v : g) m += v;
    means.push_back(m / static_cast<double>(g.size()));
  }
  int right = 0, total = 0;
  for (std::size_t c = 0; c < groups.size(); ++c)
    for (double v : groups[c]) {
      std::size_t best = 0;
      for (std::size_t k = 1; k < means.size(); ++k)
        if (std::fabs(v - means[k]) < std::fabs(v - means[best])) best = k;
      right += best == c;
      ++total;
    }
  return static_cast<double>(right) / total;
}

TEST(Synth, ClassesDifferButNoSingleNumberSeparatesThem) {
  SynthConfig config;
  config.output = "unused";
  config.seconds = 6;
  std::vector<std::vector<double>> zcr(10), rms(10);
  for (int c = 0; c < 10; ++c)
    for (int t = 0; t < 8; ++t) {
      const TrackFeatures f = features(synth_track(config, c, t));
      zcr[static_cast<std::size_t>(c)].push_back(f.zcr);
      rms[static_cast<std::size_t>(c)].push_back(f.rms);
    }
  // The class means differ far beyond chance (F(9, 70) > 3.5 has p < 0.001) ...
  EXPECT_GT(f_statistic(zcr), 5.0);
  EXPECT_GT(f_statistic(rms), 5.0);
  // ... yet either number alone misplaces many tracks (chance is 10%).
  EXPECT_LT(nearest_mean_accuracy(zcr), 0.6);
  EXPECT_LT(nearest_mean_accuracy(rms), 0.6);
  RecordProperty("zcr_F", std::to_string(f_statistic(zcr)));
  RecordProperty("rms_F", std::to_string(f_statistic(rms)));
  std::printf("zcr: F %.1f, nearest-mean accuracy %.2f; rms: F %.1f, accuracy %.2f\n", f_statistic(zcr),
              nearest_mean_accuracy(zcr), f_statistic(rms), nearest_mean_accuracy(rms));
}

TEST(SynthConfig, OverlapMustBeWithinZeroAndOne) {
  SynthConfig c;
  c.output = "corpus";
  EXPECT_EQ(c.overlap, 0.13) << "the default is the corpus the demo and the tests were tuned on";
  for (double bad : {-0.01, 1.01, std::nan("")}) {
    c.overlap = bad;
    EXPECT_THROW(c.validate(), UsageError) << bad;
  }
  c.overlap = 0;
  EXPECT_NO_THROW(c.validate());
}

// --overlap is the standard deviation of a track's style around its class's:
// with little of it the classes' loudness and zero-crossing rate differ far
// beyond chance; with much of it the styles are nearly uniform whatever the
// class and the F statistics fall towards 1, what unrelated groups give.
TEST(Synth, OverlapSetsHowFarTracksStrayFromTheirClass) {
  const auto f_of = [](double overlap) {
    SynthConfig config;
    config.output = "unused";
    config.seconds = 3;
    config.overlap = overlap;
    std::vector<std::vector<double>> zcr(5), rms(5);
    for (int c = 0; c < 5; ++c)
      for (int t = 0; t < 6; ++t) {
        const TrackFeatures f = features(synth_track(config, c, t));
        zcr[static_cast<std::size_t>(c)].push_back(f.zcr);
        rms[static_cast<std::size_t>(c)].push_back(f.rms);
      }
    return std::pair(f_statistic(zcr), f_statistic(rms));
  };
  const auto [zcr_tight, rms_tight] = f_of(0.03);
  const auto [zcr_wide, rms_wide] = f_of(0.45);
  std::printf("F (zcr, rms): overlap 0.03 %.1f %.1f; 0.45 %.1f %.1f\n", zcr_tight, rms_tight, zcr_wide, rms_wide);
  // F(4, 25): above 4.2 has p < 0.01, below 2.8 is no evidence at 5%.
  EXPECT_GT(zcr_tight, 4.2);
  EXPECT_GT(rms_tight, 4.2);
  EXPECT_LT(zcr_wide, 2.8);
  EXPECT_LT(rms_wide, 2.8);
}

}  // namespace
}  // namespace genre::preprocess
