// `genre inspect DATASET`: what a preprocessed dataset holds, per class and
// split, and which files failed and why.
#include <iomanip>
#include <iostream>
#include <map>
#include <unordered_map>

#include "app/options.h"
#include "common/log.h"
#include "data/dataset.h"
#include "preprocess/commands.h"

namespace genre::preprocess {

int inspect_main(int argc, char** argv) {
  return app::guarded("inspect", [&] {
    namespace po = app::po;
    std::string path;
    po::options_description opts("options");
    opts.add_options()("dataset", po::value(&path)->required(), "dataset folder or its dataset.json");
    po::positional_options_description pos;
    pos.add("dataset", 1);
    const auto vm = app::parse({"inspect", "genre inspect DATASET",
                                "Summarises a preprocessed dataset: parameters, tracks and segments per class and "
                                "split, shards, and every file that failed with its reason."},
                               opts, argc, argv, &pos);
    if (!vm) return 0;
    const auto ds = data::Dataset::open(path);
    const auto& m = ds.manifest();
    const auto& p = m.params;
    const std::string features =
        p.table_only() ? "feature table only (" + std::to_string(p.table_columns.size()) + " columns, from " + m.input + ")"
                       : "feature " + p.feature + " [" + std::to_string(p.frames) + " frames x " + std::to_string(p.dims) +
                             "]" + (p.table_columns.empty() ? "" : " and the feature table");
    const std::string segments = p.segment_samples > 0 ? std::to_string(p.segment_samples) + "-sample segments every " +
                                                             fmt::format("{:g}", p.segment_s) + " s"
                                                       : "whole tracks";
    std::cout << "dataset " << path << "\n"
              << "  " << features << "; " << p.sample_rate << " Hz, n_fft " << p.n_fft << ", hop " << p.hop_length
              << ", " << segments << ", pad " << p.pad_mode << "\n"
              << "  " << m.total_tracks << " tracks, " << m.total_segments << " segments in " << m.shards.size()
              << " shards; " << m.failed.size() << " files failed; made by " << m.ranks << " rank(s) in "
              << std::fixed << std::setprecision(1) << m.wall_s << " s (" << m.tracks_per_s << " tracks/s)\n";

    std::unordered_map<std::string, int> label_of;
    for (const auto& t : ds.tracks()) label_of[t.id] = t.label;
    const auto count = [&](const std::vector<std::string>& ids) {
      std::vector<int> per(ds.classes().size(), 0);
      for (const auto& key : ids) {
        const auto it = label_of.find(key.substr(0, key.find('#')));
        if (it != label_of.end()) ++per[static_cast<std::size_t>(it->second)];
      }
      return per;
    };
    const auto train = count(m.split.train), val = count(m.split.val), test = count(m.split.test);
    const char* unit = m.split.mode == "segment" ? "segments" : "tracks";
    std::cout << "  split " << m.split.mode << " (seed " << m.split.seed << ")" << (m.split.leaks ? " LEAKS: " : "")
              << (m.split.leaks ? m.split.note : "") << "\n\n"
              << "  " << std::left << std::setw(14) << "class" << std::right << std::setw(8) << "train"
              << std::setw(8) << "val" << std::setw(8) << "test" << "   (" << unit << ")\n";
    for (std::size_t c = 0; c < ds.classes().size(); ++c)
      std::cout << "  " << std::left << std::setw(14) << ds.classes()[c] << std::right << std::setw(8) << train[c]
                << std::setw(8) << val[c] << std::setw(8) << test[c] << "\n";
    if (!m.failed.empty()) {
      std::cout << "\n  failed files:\n";
      for (const auto& f : m.failed) std::cout << "    " << f.path << ": " << f.reason << "\n";
    }
    return 0;
  });
}

}  // namespace genre::preprocess
