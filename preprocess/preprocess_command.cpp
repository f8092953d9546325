// `genre preprocess`: options -> PreprocessConfig -> run_preprocess, under
// mpiexec, srun or alone.
#include <iostream>

#include "app/locked_output.h"
#include "app/mpi_command.h"
#include "app/options.h"
#include "common/error.h"
#include "common/log.h"
#include "common/stop_signal.h"
#include "dist/mpi.h"
#include "preprocess/commands.h"
#include "preprocess/feature_csv.h"
#include "preprocess/pipeline.h"

namespace genre::preprocess {

namespace {

PreprocessConfig parse_config(int argc, char** argv, bool* help) {
  namespace po = app::po;
  PreprocessConfig c;
  std::string feature = "mfcc", pad_mode = "constant";
  std::string input, list, output, split_files, export_csv, classes;
  std::vector<std::string> from_csv;
  po::options_description opts("options");
  opts.add_options()
      ("input", po::value(&input), "folder of audio files in class folders: DIR/<class>/<file> (GTZAN layout)")
      ("list", po::value(&list), "CSV with columns path,label (paths relative to the CSV) instead of --input")
      ("output", po::value(&output), "output folder: shards/ and dataset.json")
      ("feature", po::value(&feature)->default_value(feature), "mfcc | logmel")
      ("n-mfcc", po::value(&c.features.n_mfcc)->default_value(c.features.n_mfcc), "MFCC coefficients per frame")
      ("n-mels", po::value(&c.features.n_mels)->default_value(c.features.n_mels), "mel bands")
      ("segment-seconds", po::value(&c.segment_seconds)->default_value(c.segment_seconds), "segment length; the incomplete tail is dropped")
      ("sample-rate", po::value(&c.features.stft.sample_rate)->default_value(c.features.stft.sample_rate), "audio is resampled to this rate (Hz)")
      ("n-fft", po::value(&c.features.stft.n_fft)->default_value(c.features.stft.n_fft), "STFT window length")
      ("hop-length", po::value(&c.features.stft.hop_length)->default_value(c.features.stft.hop_length), "STFT hop")
      ("pad-mode", po::value(&pad_mode)->default_value(pad_mode), "STFT edge padding: constant (zeros, librosa >= 0.9) | reflect (librosa <= 0.8)")
      ("split", po::value(&c.split)->default_value(c.split), "track:TRAIN,VAL,TEST (stratified by track) | segment:TRAIN,TEST (the seed notebook's leaky split)")
      ("split-files", po::value(&split_files), "folder with train.txt, val.txt, test.txt (one track id a line); overrides --split")
      ("seed", po::value(&c.seed)->default_value(c.seed), "seed of the split")
      ("shard-tracks", po::value(&c.shard_tracks)->default_value(c.shard_tracks), "tracks per shard (the unit of resume)")
      ("table", po::bool_switch(&c.table), "also compute the GTZAN feature table (Kaggle's 57 features + length) per segment and per whole track")
      ("compat", po::value(&c.compat), "kaggle: reproduce Kaggle's published GTZAN tables (librosa <= 0.8): reflection padding, 3-s segments of 66149 samples every 66150")
      ("export-csv", po::value(&export_csv), "write features_3_sec.csv and features_30_sec.csv (Kaggle layout) to this folder: after processing, or, without --input/--list, from the finished dataset in --output")
      ("from-csv", po::value(&from_csv)->multitoken(), "instead of audio: turn Kaggle-layout feature CSVs (features_3_sec.csv and/or features_30_sec.csv) into a table-only dataset in --output")
      ("classes", po::value(&classes), "with --from-csv: the allowed labels, comma-separated (a label outside them is an error)")
      ("force", po::bool_switch(&c.force), "delete earlier output in --output and redo everything")
      ("quiet", po::bool_switch(&c.quiet), "print warnings and errors only");
  const auto vm = app::parse({"preprocess", "genre preprocess --input DIR | --list FILE.csv | --from-csv CSV [CSV] --output DIR [options]\n"
                              "       genre preprocess --output DIR --export-csv CSVDIR",
                              "Decodes every audio file, slices it into segments and writes MFCC or log-mel features "
                              "to HDF5 shards plus dataset.json. Run it alone or under mpiexec/srun: files are handed "
                              "out to all ranks dynamically. Rerunning on the same --output resumes: finished shards "
                              "are kept and only missing or changed files are processed. --table adds the GTZAN feature table "
                              "(Kaggle's features_3_sec/features_30_sec columns) per segment and per track; "
                              "--export-csv writes it as those two CSVs; --from-csv makes a table-only dataset from "
                              "such CSVs (rows of one track stay together in the split)."},
                             opts, argc, argv);
  *help = !vm.has_value();
  if (*help) return c;
  c.input = input;
  c.list = list;
  c.output = output;
  c.split_files = split_files;
  c.features.kind = dsp::parse_feature_kind(feature);
  c.features.stft.pad_mode = dsp::parse_pad_mode(pad_mode);
  c.export_csv = export_csv;
  c.from_csv.assign(from_csv.begin(), from_csv.end());
  for (std::size_t start = 0; !classes.empty();) {
    const std::size_t comma = classes.find(',', start);
    c.classes.push_back(classes.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (c.compat == "kaggle" && !vm->at("pad-mode").defaulted() && c.features.stft.pad_mode != dsp::PadMode::Reflect)
    throw UsageError("--compat kaggle pads by reflection; it contradicts --pad-mode " + pad_mode);
  return c;
}

void print_export(const CsvExport& e, const std::filesystem::path& dir) {
  auto part = [&](std::size_t rows, const char* what, const char* file) {
    return std::to_string(rows) + " " + what + " rows" + (rows ? " to " + (dir / file).string() : std::string());
  };
  std::cout << "export: " << part(e.segment_rows, "segment", kSegmentCsv) << ", "
            << part(e.track_rows, "whole-track", kTrackCsv) << "\n";
}

}  // namespace

int preprocess_main(int argc, char** argv) {
  return app::run_mpi_command("preprocess", argc, argv, [&](app::MpiCommand& command) {
    const dist::Comm& world = command.world();
    const bool root = command.root();
    bool help = false;
    PreprocessConfig config = parse_config(argc, argv, &help);
    if (help) return 0;
    config.validate();
    log::setup(world.rank(), config.quiet);
    install_stop_signal();
    // Single-process modes: rank 0 works, other ranks of an mpiexec have nothing to do.
    if (config.mode() == PreprocessConfig::Mode::ExportOnly) {
      if (!root) return 0;
      print_export(export_feature_csv(config.output, config.export_csv), config.export_csv);
      return 0;
    }
    // One run writes an output folder at a time (rank 0 holds it to the end).
    const auto lock = app::lock_output(world, config.output, command_line(argc, argv));
    if (config.mode() == PreprocessConfig::Mode::FromCsv) {
      if (!root) return 0;
      const data::Manifest m = import_feature_csv(config);
      std::cout << "from-csv: " << m.total_tracks << " tracks (" << m.total_segments << " table rows) in "
                << m.params.classes.size() << " classes, " << m.shards.size() << " shards\n"
                << "wrote " << (config.output / "dataset.json").string() << "\n";
      return 0;
    }
    command.ranks_diverge();
    const PreprocessResult r = run_preprocess(config, world);
    if (!root) return 0;
    const auto& m = r.manifest;
    std::cout << "preprocess: " << m.total_tracks << " tracks (" << m.total_segments << " segments) in "
              << m.shards.size() << " shards; " << r.processed << " processed, " << r.reused << " reused, "
              << r.failed + (m.failed.size() - r.failed) << " failed; " << m.wall_s << " s, " << m.tracks_per_s
              << " tracks/s on " << m.ranks << " rank(s)\n"
              << "wrote " << (config.output / "dataset.json").string() << "\n";
    if (m.total_tracks == 0)
      throw Error("no file could be used (" + std::to_string(m.failed.size()) + " failed; reasons in dataset.json)");
    if (!config.export_csv.empty()) {
      print_export(export_feature_csv(config.output, config.export_csv), config.export_csv);
    }
    return 0;
  });
}

}  // namespace genre::preprocess
