#pragma once
// What every fuzz target shares: the input as a file (for readers whose
// public entry point takes a path) and the one rule on how a reader may fail.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace genre::fuzz {

// Writes the input to `name` in this process's scratch folder (under
// $TMPDIR, removed at exit) and returns its path. The same path every call,
// so a reader's messages stay comparable between inputs.
std::filesystem::path input_file(const std::uint8_t* data, std::size_t size, const std::string& name);

// This process's scratch folder (empty, apart from the input files).
const std::filesystem::path& scratch();

// Runs `read`. A reader may reject its input only with a genre::Error whose
// message (genre::describe: one line) names `origin`, the file the user
// gave, so the CLI's one error line says which file is wrong. Anything else
// escaping (std::out_of_range, a yaml-cpp or nlohmann exception, an Error
// without the file) aborts with the message, which libFuzzer reports as a crash.
void expect_clean(const std::string& origin, const std::function<void()>& read);

}  // namespace genre::fuzz
