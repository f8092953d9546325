#pragma once
// The file this process runs from (/proc/self/exe, links resolved): the genre
// front finds genre-torch beside it, and `genre submit` writes it into the job
// scripts so that the jobs run the very binary that submitted them.
#include <filesystem>

namespace genre::app {

// Throws Error when /proc/self/exe cannot be read.
std::filesystem::path this_executable();

}  // namespace genre::app
