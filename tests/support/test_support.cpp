#include "support/test_support.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"

namespace genre::test {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("genre-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Matrix read_csv(const std::filesystem::path& file, bool skip_header) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open reference file " + file.string());
  Matrix m;
  std::string line;
  if (skip_header) std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    std::size_t cols = 0;
    while (std::getline(ss, cell, ',')) {
      m.values.push_back(std::stod(cell));
      ++cols;
    }
    if (m.rows == 0) m.cols = cols;
    if (cols != m.cols) throw std::runtime_error("ragged reference file " + file.string());
    ++m.rows;
  }
  return m;
}

std::filesystem::path source_dir() { return GENRE_SOURCE_DIR; }

std::filesystem::path reference(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(GENRE_REFERENCE_DIR) / relative;
  if (!std::filesystem::exists(p))
    throw std::runtime_error("librosa reference file missing: " + p.string() +
                             " (is ../shared/reference beside the checkout?)");
  return p;
}

const std::vector<std::string>& reference_signals() {
  static const std::vector<std::string> names{"sine", "noise", "chirp"};
  return names;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return describe(e);
  }
  return "(no error)";
}

namespace {
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit RankFailurePrinter(int rank) : rank_(rank) {}
  // The test's name is kept here: gtest calls OnTestPartResult holding the
  // UnitTest mutex, which current_test_info() takes again, so asking it there
  // hung the failing rank for good (and its job with it) instead of printing.
  void OnTestStart(const ::testing::TestInfo& info) override {
    test_ = std::string(info.test_suite_name()) + "." + info.name();
  }
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (!r.failed()) return;
    std::fprintf(stderr, "[rank %d] FAILED %s: %s:%d: %s\n", rank_, test_.empty() ? "?" : test_.c_str(),
                 r.file_name() ? r.file_name() : "?", r.line_number(), r.message());
    std::fflush(stderr);
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (info.result()->Failed())
      std::fprintf(stderr, "[rank %d] FAILED %s.%s\n", rank_, info.test_suite_name(), info.name());
  }

 private:
  int rank_;
  std::string test_;  // suite.name of the running test
};
}  // namespace

void print_only_failures_on_this_rank(int rank) {
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new RankFailurePrinter(rank));
}

std::string read_file(const std::filesystem::path& file) { return genre::read_file(file); }

void write_file(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace genre::test
