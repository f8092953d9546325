#include "fuzz_input.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <typeinfo>

#include "common/error.h"

namespace genre::fuzz {

namespace fs = std::filesystem;

namespace {

// Removes the scratch folder when the fuzzer exits normally.
struct Scratch {
  fs::path dir;
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    dir = fs::path(tmp && *tmp ? tmp : "/tmp") / ("genre-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "\n==genre-fuzz== %s\n", what.c_str());
  std::abort();
}

}  // namespace

const fs::path& scratch() {
  static const Scratch s;
  return s.dir;
}

fs::path input_file(const std::uint8_t* data, std::size_t size, const std::string& name) {
  const fs::path file = scratch() / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) finding("cannot write the input to " + file.string());
  return file;
}

void expect_clean(const std::string& origin, const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& e) {
    const std::string line = describe(e);
    if (line.find(origin) == std::string::npos) finding("error without the file '" + origin + "': " + line);
  } catch (const std::exception& e) {
    finding(std::string("not a genre::Error (") + typeid(e).name() + "): " + describe(e));
  }
}

}  // namespace genre::fuzz
