#pragma once
// Helpers shared by the test binaries: scratch folders, reference CSVs.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace genre::test {

// A fresh, empty folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A numeric CSV without header: rows x cols, values row-major (double).
struct Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;
  double at(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
};
Matrix read_csv(const std::filesystem::path& file, bool skip_header = false);

// The repository's root (jobs/, scripts/, tests/ under it).
std::filesystem::path source_dir();

// <reference dir>/<relative>; the test fails (skips nothing) if it is missing.
std::filesystem::path reference(const std::string& relative);

// Names of the reference signals: sine, noise, chirp.
const std::vector<std::string>& reference_signals();

// Runs f and returns its error's whole cause chain (genre::describe), or
// "(no error)" when it throws nothing.
std::string error_of(const std::function<void()>& f);

// For gtest binaries run under mpiexec: replaces gtest's printer on ranks
// other than 0 (P copies of the report are noise) by one that prints only
// their failures, each line prefixed "[rank R]", so that a failure on any
// rank shows in the test log, not just in its exit code.
void print_only_failures_on_this_rank(int rank);

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& bytes);

}  // namespace genre::test
