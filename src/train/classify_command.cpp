// `genre classify`: a trained model applied to audio files, alone or under
// mpiexec (files dealt round-robin to ranks, results gathered on rank 0 and
// printed in input order). A file that cannot be used gets a line with the
// reason; the others go on. Exit 0 when any file was classified.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/mpi_command.h"
#include "app/options.h"
#include "audio/file_walk.h"
#include "common/error.h"
#include "common/file_io.h"
#include "common/log.h"
#include "common/text.h"
#include "dist/communicator.h"
#include "dist/mpi.h"
#include "train/classifier.h"
#include "train/commands.h"
#include "train/threads.h"

namespace genre::train {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// What one output line is about: a file to classify, or an entry that the
// folder walk skipped (a link loop, an .m4a), whose reason is the line's error.
struct Entry {
  std::string file;
  std::string skipped;  // empty: classify it
};

// Files as given, folders searched recursively for audio (sorted, so every run
// lists them in the same order), with preprocess's walk: a bad entry is a line
// of its own, never the end of the run.
std::vector<Entry> expand(const std::vector<std::string>& inputs) {
  std::vector<Entry> entries;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      entries.push_back({in, ""});  // a missing file gets its error line
      continue;
    }
    const std::size_t first = entries.size();
    try {
      const audio::AudioFiles found = audio::find_audio_files(in);
      for (const auto& f : found.files) entries.push_back({f.string(), ""});
      for (const auto& s : found.skipped) entries.push_back({s.path.string(), s.reason});
    } catch (const Error& e) {
      entries.push_back({in, describe(e)});
    }
    std::sort(entries.begin() + static_cast<std::ptrdiff_t>(first), entries.end(),
              [](const Entry& a, const Entry& b) { return a.file < b.file; });
  }
  return entries;
}

// The listing rank 0 broadcasts: NUL after every field, the one byte no file
// name holds (a newline may be in one).
std::string encode(const std::vector<Entry>& entries) {
  std::string s;
  for (const auto& e : entries) {
    s += e.file;
    s += '\0';
    s += e.skipped;
    s += '\0';
  }
  return s;
}

std::vector<Entry> decode(const std::string& s) {
  std::vector<Entry> entries;
  for (std::size_t at = 0; at < s.size();) {
    const std::size_t a = s.find('\0', at), b = s.find('\0', a + 1);
    entries.push_back({s.substr(at, a - at), s.substr(a + 1, b - a - 1)});
    at = b + 1;
  }
  return entries;
}

// Names and messages are shown with non-UTF-8 bytes as \\xNN: JSON holds
// nothing else, and one such name must not end the run (#13.12).
json classify_one(Classifier& classifier, const Entry& entry, std::size_t index) {
  json r = {{"index", index}, {"file", utf8_escaped(entry.file)}};
  if (!entry.skipped.empty()) {
    r["error"] = utf8_escaped(entry.skipped);
    return r;
  }
  try {
    const TrackPrediction p = classifier.classify(read_file(entry.file));
    const auto& classes = classifier.card().classes;
    std::vector<int> order(classes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p.probabilities[a] > p.probabilities[b]; });
    r["genre"] = classes[p.best];
    json top = json::array();
    for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k)
      top.push_back({{"genre", classes[order[k]]}, {"probability", p.probabilities[order[k]]}});
    r["top"] = top;
    json segments = json::array();
    for (std::size_t s = 0; s < p.segment_class.size(); ++s)
      segments.push_back({{"start_s", static_cast<double>(s) * p.segment_s},
                          {"genre", classes[p.segment_class[s]]},
                          {"probability", p.segment_probability[s]}});
    r["segments"] = segments;
  } catch (const std::exception& e) {
    r["error"] = utf8_escaped(describe(e));
  }
  return r;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void print_csv(const std::vector<json>& results, std::ostream& out) {
  out << "file,genre,probability,second,second_probability,third,third_probability,segments,timeline,error\n";
  for (const auto& r : results) {
    out << csv_field(r["file"].get<std::string>()) << ",";
    if (r.contains("error")) {
      out << ",,,,,,0,," << csv_field(r["error"].get<std::string>()) << "\n";
      continue;
    }
    const json& top = r["top"];
    for (std::size_t k = 0; k < 3; ++k) {
      if (k < top.size())
        out << csv_field(top[k]["genre"].get<std::string>()) << "," << top[k]["probability"].get<double>() << ",";
      else
        out << ",,";
    }
    std::string timeline;
    for (const auto& s : r["segments"]) timeline += (timeline.empty() ? "" : " ") + s["genre"].get<std::string>();
    out << r["segments"].size() << "," << csv_field(timeline) << ",\n";
  }
}

}  // namespace

int classify_main(int argc, char** argv) {
  return app::run_mpi_command("classify", argc, argv, [&](app::MpiCommand& command) -> int {
    const dist::Comm& world = command.world();
    const bool root = command.root();
    namespace po = app::po;
    std::string model_dir, format = "csv", output, device_name = "cpu";
    std::vector<std::string> inputs;
    bool quiet = false;
    po::options_description opts("options");
    opts.add_options()
        ("model", po::value(&model_dir), "run folder of genre train (model.json + checkpoint.pt)")
        ("input", po::value(&inputs)->composing(), "audio files or folders (searched recursively); also positional")
        ("format", po::value(&format)->default_value(format), "csv | json")
        ("output", po::value(&output), "write the results to this file instead of stdout")
        ("device", po::value(&device_name)->default_value(device_name), "cpu | cuda | auto")
        ("quiet", po::bool_switch(&quiet), "print warnings and errors only");
    po::positional_options_description positional;
    positional.add("input", -1);
    const std::optional<po::variables_map> vm = app::parse(
        {"classify", "genre classify --model DIR FILE|DIR... [--format csv|json] [--output FILE]",
         "Predicts the genre of every audio file: decodes and slices it with the feature parameters stored in the "
         "model, predicts every segment, and reports per track the genre, the top-3 probabilities (mean of the segment "
         "probabilities) and the genre of each segment over time. Under mpiexec the files are shared among the ranks. "
         "A file that cannot be used gets a line with the reason."},
        opts, argc, argv, &positional);
    if (!vm) return 0;
    if (model_dir.empty()) throw UsageError("--model is required (see 'genre classify --help')");
    if (inputs.empty()) throw UsageError("no audio files or folders given (see 'genre classify --help')");
    if (format != "csv" && format != "json") throw UsageError("--format must be csv or json, got '" + format + "'");
    log::setup(world.rank(), quiet);
    command.ranks_diverge();
    set_compute_threads(1);  // one file per rank at a time; ranks are the parallelism
    Classifier classifier(model_dir, dist::pick_device(device_name, world, dist::local_rank(world)));

    // Rank 0 lists the files once, so every rank deals from the same list.
    const std::vector<Entry> files = decode(world.broadcast(root ? encode(expand(inputs)) : std::string(), 0));

    std::string mine;
    for (std::size_t i = static_cast<std::size_t>(world.rank()); i < files.size(); i += static_cast<std::size_t>(world.size()))
      mine += classify_one(classifier, files[i], i).dump() + "\n";
    const std::vector<std::string> gathered = world.gather(mine, 0);
    if (!root) return 0;

    std::vector<json> results;
    for (const auto& part : gathered) {
      std::istringstream in(part);
      for (std::string line; std::getline(in, line);) results.push_back(json::parse(line));
    }
    std::sort(results.begin(), results.end(),
              [](const json& a, const json& b) { return a["index"].get<std::size_t>() < b["index"].get<std::size_t>(); });
    std::size_t failed = 0;
    for (auto& r : results) {
      failed += r.contains("error") ? 1 : 0;
      r.erase("index");
    }

    std::ostringstream text;
    if (format == "json") {
      text << "[\n";
      for (std::size_t i = 0; i < results.size(); ++i)
        text << "  " << results[i].dump() << (i + 1 < results.size() ? ",\n" : "\n");
      text << "]\n";
    } else {
      print_csv(results, text);
    }
    if (output.empty()) {
      std::cout << text.str();  // a stdout that cannot take it fails the command (app/stdout_watch.h)
    } else {
      // Whole or not at all: an earlier file survives a failed run.
      const std::filesystem::path file(output);
      if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
      write_durably(file, text.str());
    }
    if (failed) spdlog::warn("classify: {} of {} files could not be classified (reasons in the output)", failed, results.size());
    if (!results.empty() && failed == results.size()) throw Error("no file could be classified");
    return 0;
  });
}

}  // namespace genre::train
