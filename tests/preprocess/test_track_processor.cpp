// TrackProcessor's segment arithmetic, checked against the feature table run
// by hand on the decoded samples: segment i starts at i * 66150 and analyses
// 66150 samples, or 66149 in Kaggle compat (the row's `length` says which).
#include <gtest/gtest.h>

#include <random>

#include "audio/loader.h"
#include "audio/writer.h"
#include "data/shard.h"
#include "dsp/feature_extractor.h"
#include "dsp/feature_table.h"
#include "preprocess/config.h"
#include "preprocess/track_processor.h"
#include "support/test_support.h"

using namespace genre;

namespace {

struct Processed {
  std::vector<float> samples;        // as decoded
  std::vector<float> segment_table;  // as stored
  int segments = 0;
};

Processed process(const std::string& compat) {
  genre::test::TempDir d;
  // 7 s of noise with a slow swell, so that rows at other offsets differ.
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.f, 0.1f);
  std::vector<float> audio(7 * 22050);
  for (std::size_t i = 0; i < audio.size(); ++i)
    audio[i] = noise(rng) * (1.f + 0.5f * std::sin(static_cast<float>(i) * 3e-4f));
  audio::write_audio(d / "t.wav", audio, 1, 22050, "wav_float");

  preprocess::PreprocessConfig c;
  c.input = d.path();
  c.output = d / "out";
  c.table = true;
  c.compat = compat;
  c.validate();
  const auto extractor = dsp::make_feature_extractor(c.features);
  data::DatasetParams p;
  p.classes = {"c"};
  p.frames = static_cast<int>(extractor->frames(c.segment_length()));
  p.dims = static_cast<int>(extractor->dims());
  p.table_columns = dsp::FeatureTable::columns();
  p.segment_samples = static_cast<int>(c.segment_length());
  std::filesystem::create_directories(d / "shards");
  preprocess::ShardSink sink(d / "shards", p, 0, 0, 10);
  preprocess::InputFile file{"t.wav", d / "t.wav", "t", 0, 0};
  const auto outcome = preprocess::TrackProcessor(c, p).process(file, std::nullopt, sink);
  EXPECT_EQ(outcome.status, preprocess::TrackOutcome::Status::Done) << outcome.reason;
  sink.flush();

  Processed r;
  r.samples = audio::load_for_analysis(genre::test::read_file(d / "t.wav"), 22050, 1).samples;
  const data::ShardReader reader(d / "shards" / "shard-00000-0000.h5");
  r.segment_table = reader.read_track(0).table;
  r.segments = outcome.segments;
  return r;
}

std::vector<float> row_at(const std::vector<float>& samples, std::size_t start, std::size_t length, bool reflect) {
  dsp::StftParams s;
  s.pad_mode = reflect ? dsp::PadMode::Reflect : dsp::PadMode::Constant;
  dsp::FeatureTable table(s);
  std::vector<float> row(dsp::FeatureTable::columns().size());
  table.compute(samples.data() + start, length, row.data());
  return row;
}

}  // namespace

TEST(TrackProcessor, SegmentIStartsAtIStrideAndAnalysesTheSegmentLength) {
  for (const std::string compat : {"", "kaggle"}) {
    SCOPED_TRACE("--compat '" + compat + "'");
    const Processed r = process(compat);
    const bool kaggle = compat == "kaggle";
    const std::size_t length = kaggle ? 66149 : 66150, nc = dsp::FeatureTable::columns().size();
    ASSERT_EQ(r.segments, 2);
    ASSERT_EQ(r.segment_table.size(), 2 * nc);
    for (std::size_t s = 0; s < 2; ++s) {
      const std::vector<float> expect = row_at(r.samples, s * 66150, length, kaggle);
      const float* got = r.segment_table.data() + s * nc;
      EXPECT_EQ(got[0], static_cast<float>(length));
      for (std::size_t c = 0; c < nc; ++c) EXPECT_EQ(got[c], expect[c]) << dsp::FeatureTable::columns()[c];
    }
    // The test can tell offsets apart: segment 1 one sample earlier differs.
    const std::vector<float> shifted = row_at(r.samples, 66149, length, kaggle);
    EXPECT_NE(std::vector<float>(r.segment_table.begin() + static_cast<std::ptrdiff_t>(nc), r.segment_table.end()),
              shifted);
  }
}
