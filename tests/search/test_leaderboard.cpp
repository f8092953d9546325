// The leaderboard renderer on a hand-written journal: every file it writes is
// a function of the journal alone.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>

#include "common/error.h"
#include "config/yaml_json.h"
#include "config/yaml_reader.h"
#include "search/leaderboard.h"
#include "search/sweep.h"
#include "support/test_support.h"
#include "train/config.h"

using namespace genre;
using namespace genre::search;
using genre::config::yaml_to_json;

namespace {

// Five trials: 0 finished, 1 pruned, 2 failed, 4 restarted by a resume and
// finished, 3 still running; the last line is torn (the sweep is writing).
const char* const kJournal = R"({"event":"sweep_started","time":99,"name":"hand","method":"random","metric":"val_track_accuracy","goal":"maximize","test_metric":"test_track_accuracy","parameters":["optim.lr","model.name"],"asha":{"min_epochs":1,"eta":3,"max_epochs":3}}
{"event":"trial_started","time":100,"trial":0,"attempt":1,"group":0,"params":{"optim.lr":0.001,"model.name":"cnn"},"config":{"model":{"name":"cnn"},"optim":{"lr":0.001},"train":{"epochs":3,"metric":"val_track_accuracy"}}}
{"event":"trial_started","time":101,"trial":1,"attempt":1,"group":1,"params":{"optim.lr":0.1,"model.name":"cnn"},"config":{"model":{"name":"cnn"},"optim":{"lr":0.1},"train":{"epochs":3,"metric":"val_track_accuracy"}}}
{"event":"trial_started","time":102,"trial":2,"attempt":1,"group":2,"params":{"optim.lr":1.0,"model.name":"resnet"},"config":{"model":{"name":"resnet"},"optim":{"lr":1.0},"train":{"epochs":3,"metric":"val_track_accuracy"}}}
{"event":"epoch","time":110,"trial":0,"epoch":1,"metrics":{"val_track_accuracy":0.5,"train_track_accuracy":0.55,"train_loss":1.1,"val_loss":1.2},"seconds":10}
{"event":"epoch","time":111,"trial":1,"epoch":1,"metrics":{"val_track_accuracy":0.3,"train_loss":2.0},"seconds":10}
{"event":"trial_pruned","time":111,"trial":1,"epoch":1,"value":0.3}
{"event":"epoch","time":112,"trial":2,"epoch":1,"metrics":{"val_track_accuracy":0.6,"train_loss":0.9},"seconds":10}
{"event":"trial_failed","time":113,"trial":2,"reason":"train_loss is NaN or infinite at epoch 2","epochs":1}
{"event":"epoch","time":120,"trial":0,"epoch":2,"metrics":{"val_track_accuracy":0.7,"train_track_accuracy":0.8,"train_loss":0.8,"val_loss":0.9},"seconds":10}
{"event":"trial_finished","time":125,"trial":0,"epochs":2,"final":{"test_track_accuracy":0.66},"confusion":{"split":"test","classes":["blues","rock"],"matrix":[[8,2],[1,9]]}}
{"event":"trial_started","time":130,"trial":3,"attempt":1,"group":0,"params":{"optim.lr":0.003,"model.name":"resnet"},"config":{"model":{"name":"resnet"},"optim":{"lr":0.003},"train":{"epochs":3,"metric":"val_track_accuracy"}}}
{"event":"epoch","time":140,"trial":3,"epoch":1,"metrics":{"val_track_accuracy":0.55},"seconds":10}
{"event":"epoch","time":150,"trial":3,"epoch":2,"metrics":{"val_track_accuracy":0.6},"seconds":10}
{"event":"sweep_started","time":200,"name":"hand","method":"random","metric":"val_track_accuracy","goal":"maximize","test_metric":"test_track_accuracy","parameters":["optim.lr","model.name"],"resumed":true}
{"event":"trial_started","time":201,"trial":3,"attempt":2,"group":1,"params":{"optim.lr":0.003,"model.name":"resnet"},"config":{"model":{"name":"resnet"},"optim":{"lr":0.003},"train":{"epochs":3,"metric":"val_track_accuracy"}}}
{"event":"trial_started","time":202,"trial":4,"attempt":1,"group":0,"params":{"optim.lr":0.0003,"model.name":"mlp, wide"},"config":{"model":{"name":"mlp, wide"},"optim":{"lr":0.0003},"train":{"epochs":3,"metric":"val_track_accuracy"}}}
{"event":"epoch","time":211,"trial":3,"epoch":2,"metrics":{"val_track_accuracy":0.62},"seconds":10}
{"event":"epoch","time":212,"trial":4,"epoch":1,"metrics":{"val_track_accuracy":0.8},"seconds":10}
{"event":"epoch","time":221,"trial":3,"epoch":3,"metrics":{"val_track_accuracy":0.75},"seconds":10}
{"event":"trial_finished","time":222,"trial":3,"epochs":3,"final":{"test_track_accuracy":0.71},"confusion":{"split":"test","classes":["blues","rock"],"matrix":[[9,1],[2,8]]}}
{"event":"epoch","time":2)";

const char* const kCsv =
    "rank,trial,model,optim.lr,model.name,val_track_accuracy,test_track_accuracy,epochs,wall_s,status\n"
    "1,4,\"mlp, wide\",0.0003,\"mlp, wide\",0.8,,1,10.0,running\n"
    "2,3,resnet,0.003,resnet,0.75,0.71,3,41.0,finished\n"
    "3,0,cnn,0.001,cnn,0.7,0.66,2,25.0,finished\n"
    "4,1,cnn,0.1,cnn,0.3,,1,10.0,pruned\n"
    "5,2,resnet,1,resnet,0.6,,1,11.0,failed\n";

}  // namespace

TEST(Leaderboard, RanksAHandWrittenJournal) {
  genre::test::TempDir d;
  genre::test::write_file(d / "journal.jsonl", kJournal);
  const SweepState state = load_sweep(d.path());
  const Leaderboard lb = make_leaderboard(state);
  EXPECT_EQ(leaderboard_csv(lb), kCsv);
  ASSERT_NE(lb.best(), nullptr);
  EXPECT_EQ(lb.best()->trial.id, 3) << "the best finished trial, not the running one ahead of it";
  EXPECT_EQ(lb.best()->best_epoch, 3);

  const std::string md = leaderboard_markdown(lb);
  EXPECT_NE(md.find("# Sweep hand"), std::string::npos);
  // model.name is the model column; the markdown does not repeat it (the CSV does).
  EXPECT_NE(md.find("| rank | trial | model | optim.lr | val_track_accuracy |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2 | 3 | resnet | 0.003 | 0.7500 | 0.7100 | 3 | 41.0 | finished |"), std::string::npos) << md;
  EXPECT_NE(md.find("failed: train_loss is NaN or infinite at epoch 2"), std::string::npos);
  EXPECT_NE(md.find("5 trials: 2 finished, 1 pruned, 1 failed, 1 running"), std::string::npos);
  EXPECT_NE(md.find("Best: trial 3"), std::string::npos);

  const std::string text = leaderboard_text(lb, 3);
  EXPECT_NE(text.find("... 2 more"), std::string::npos) << text;
}

TEST(Leaderboard, BestYamlIsTheBestTrialsFullConfig) {
  genre::test::TempDir d;
  genre::test::write_file(d / "journal.jsonl", kJournal);
  const SweepState state = load_sweep(d.path());
  const std::string y = best_yaml(make_leaderboard(state));
  EXPECT_EQ(y.rfind("# Best trial of sweep hand: trial 3", 0), 0u) << y;
  EXPECT_EQ(yaml_to_json(YAML::Load(y), ""), state.trials[3].config);
}

// #13.11: a sweep name holding a newline wrote `train: {seed: 999}` into
// best.yaml as a key, which `genre train --config best.yaml` then used.
TEST(Leaderboard, ASweepNameCannotWriteKeysIntoBestYaml) {
  genre::test::TempDir d;
  const std::string injected = "x\ntrain: {seed: 999}";
  genre::test::write_file(d / "journal.jsonl",
                          std::regex_replace(kJournal, std::regex("\"name\":\"hand\""),
                                             "\"name\":" + nlohmann::json(injected).dump()));
  const SweepState state = load_sweep(d.path());
  ASSERT_EQ(state.sweep["name"], injected);
  render_run(d.path(), 10);
  const std::string y = genre::test::read_file(d / "best.yaml");
  EXPECT_EQ(y.rfind("# Best trial of sweep x\n# train: {seed: 999}: trial 3", 0), 0u) << y;
  EXPECT_EQ(yaml_to_json(genre::config::read_yaml(y, "best.yaml"), ""), state.trials[3].config) << y;
  EXPECT_EQ(genre::train::load_config(d / "best.yaml", {}).train.seed, genre::train::TrainConfig{}.train.seed);
  // A carriage return, which YAML also reads as a line break, is written escaped.
  EXPECT_EQ(genre::config::yaml_comment("a\rb: 1\xe2\x80\xa8" "c"), "# a\\rb: 1\\u2028c\n");
}

TEST(Leaderboard, WritesSelfContainedFilesAndRendersAgainTheSame) {
  genre::test::TempDir d;
  genre::test::write_file(d / "journal.jsonl", kJournal);
  const std::string table = render_run(d.path(), 10);
  EXPECT_NE(table.find("best: trial 3"), std::string::npos) << table;
  EXPECT_EQ(genre::test::read_file(d / "leaderboard.csv"), kCsv);
  for (const char* f : {"leaderboard.md", "report.html", "best.yaml"}) EXPECT_TRUE(std::filesystem::exists(d / f)) << f;

  const std::string html = genre::test::read_file(d / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Self-contained: nothing fetched from elsewhere (the SVG namespace is a name, not a fetch).
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(std::regex_replace(html, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "").find("http"),
            std::string::npos);
  EXPECT_NE(html.find("<table class=\"sortable\">"), std::string::npos);
  EXPECT_NE(html.find("<th class=\"t\">model</th><th class=\"t\">optim.lr</th><th>"), std::string::npos)
      << "the table shows model.name once, as the model column";
  EXPECT_NE(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("addEventListener('click'"), std::string::npos) << "the table sorts on a click";
  // One row per trial, the best marked.
  std::size_t rows = 0;
  for (std::size_t at = html.find("<tbody>"); (at = html.find("<tr", at + 1)) != std::string::npos && at < html.find("</tbody>");)
    ++rows;
  EXPECT_EQ(rows, 5u);
  EXPECT_NE(html.find("<tr class=\"best\"><td data-v=\"2\">2</td><td data-v=\"3\">3</td>"), std::string::npos);
  // Learning curves: one overall chart and one card of two charts per trial (the
  // trials without losses get one); parameter plots: one per swept parameter;
  // the search as a whole (issue 14): importance bars, best so far against
  // trials and against wall time, parallel coordinates.
  std::size_t svgs = 0;
  for (std::size_t at = 0; (at = html.find("<svg", at + 1)) != std::string::npos;) ++svgs;
  EXPECT_EQ(svgs, 1u + (5u + 3u) + 2u + (1u + 2u + 1u));
  EXPECT_NE(html.find("<h2>Parameter importance</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Best so far</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Parallel coordinates</h2>"), std::string::npos);
  // The best trial's confusion matrix, with its classes.
  EXPECT_NE(html.find("Confusion matrix on test"), std::string::npos);
  EXPECT_NE(html.find(">rock</th>"), std::string::npos);
  EXPECT_NE(html.find(">9</td>"), std::string::npos);

  // Rendering is a pure function of the journal.
  const std::string before = genre::test::read_file(d / "report.html");
  render_run(d.path(), 10);
  EXPECT_EQ(genre::test::read_file(d / "report.html"), before);
}

TEST(Leaderboard, MinimizeRanksLowestFirstAndNoBestWithoutAFinishedTrial) {
  genre::test::TempDir d;
  genre::test::write_file(d / "journal.jsonl",
                          R"({"event":"sweep_started","time":0,"metric":"val_loss","goal":"minimize","parameters":["x"]}
{"event":"trial_started","time":1,"trial":0,"params":{"x":1},"config":{}}
{"event":"trial_started","time":1,"trial":1,"params":{"x":2},"config":{}}
{"event":"epoch","time":2,"trial":0,"epoch":1,"metrics":{"val_loss":0.9}}
{"event":"epoch","time":2,"trial":1,"epoch":1,"metrics":{"val_loss":0.4}}
{"event":"epoch","time":3,"trial":0,"epoch":2,"metrics":{"val_loss":null}}
)");
  const SweepState s = load_sweep(d.path());
  const Leaderboard lb = make_leaderboard(s);
  EXPECT_EQ(lb.test_metric, "test_loss");
  ASSERT_EQ(lb.rows.size(), 2u);
  EXPECT_EQ(lb.rows[0].trial.id, 1);
  EXPECT_EQ(lb.rows[1].value, 0.9) << "a null (NaN) epoch does not count";
  EXPECT_EQ(lb.best(), nullptr);
  render_run(d.path(), 5);
  EXPECT_FALSE(std::filesystem::exists(d / "best.yaml"));
  EXPECT_NE(genre::test::read_file(d / "report.html").find("No trial has finished yet"), std::string::npos);
}

TEST(Leaderboard, ARunFolderWithoutAJournalIsAnError) {
  genre::test::TempDir d;
  EXPECT_THROW(load_sweep(d.path()), Error);
}
