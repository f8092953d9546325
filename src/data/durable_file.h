#pragma once
// Publishing a file so that a reader (or a crash) never sees half of it:
// write under a temporary name, fsync it, rename it over the final name,
// fsync the folder. A file found under its final name is complete.
#include <filesystem>
#include <string>

namespace genre::data {

// "<final>.tmp": the name a file is written under before publish().
std::filesystem::path temp_name(const std::filesystem::path& final_path);

// fsyncs `tmp`, renames it to `final_path` (replacing it), fsyncs the folder.
// Throws Error naming the files.
void publish(const std::filesystem::path& tmp, const std::filesystem::path& final_path);

// Writes `bytes` to temp_name(final_path) and publishes it.
void write_durably(const std::filesystem::path& final_path, const std::string& bytes);

}  // namespace genre::data
