// `genre leaderboard runs/NAME`: renders the leaderboard files from the
// journal, at any time (also while the sweep runs), and prints the short table.
#include <iostream>

#include "app/options.h"
#include "common/error.h"
#include "search/commands.h"
#include "search/sweep.h"

namespace genre::search {

int leaderboard_main(int argc, char** argv) {
  return app::guarded("leaderboard", [&] {
    namespace po = app::po;
    std::string run;
    std::size_t top = 10;
    po::options_description opts("options");
    opts.add_options()
        ("run", po::value(&run), "the sweep's run folder (the --out of genre search)")
        ("top", po::value(&top)->default_value(top), "rows of the table printed here (the files hold every trial)");
    po::positional_options_description positional;
    positional.add("run", 1);
    const auto vm = app::parse({"leaderboard", "genre leaderboard runs/NAME [--top N]",
                                "Renders leaderboard.csv, leaderboard.md, report.html (self-contained: open it in "
                                "any browser, offline) and best.yaml from runs/NAME/journal.jsonl, and prints the "
                                "top of the table. Safe to run while the sweep is still going."},
                               opts, argc, argv, &positional);
    if (!vm) return 0;
    if (run.empty()) throw UsageError("give the run folder: genre leaderboard runs/NAME");
    if (!std::filesystem::is_directory(run)) throw UsageError(run + ": no such folder");
    std::cout << render_run(run, top);
    std::cout << "wrote " << (std::filesystem::path(run) / "leaderboard.md").string() << ", leaderboard.csv, report.html"
              << (std::filesystem::exists(std::filesystem::path(run) / "best.yaml") ? ", best.yaml" : "") << "\n";
    return 0;
  });
}

}  // namespace genre::search
