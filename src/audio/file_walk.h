#pragma once
// Finding the audio files below a folder, as `preprocess --input` and
// `classify DIR` both do. One bad entry never ends the walk: it is reported
// once with its reason and skipped (an unreadable folder, a symbolic link
// that loops or points nowhere, an audio format the decoder cannot read).
// Hidden files and folders (".name") are left out; other files that are not
// audio by extension (cover.jpg, notes.txt) are ignored without a word.
#include <filesystem>
#include <string>
#include <vector>

namespace genre::audio {

// Extensions the decoder reads (libsndfile's formats and MP3), any case.
bool is_audio_extension(const std::filesystem::path& p);

struct SkippedEntry {
  std::filesystem::path path;  // as reached from the walked folder
  std::string reason;          // one line
};

struct AudioFiles {
  std::vector<std::filesystem::path> files;  // regular audio files, sorted
  std::vector<SkippedEntry> skipped;         // sorted by path
};

// Every audio file below `dir` (whose paths start with `dir`). Symbolic links
// are followed; a folder reached twice (a loop, or two links to one folder)
// is walked once. Throws Error when `dir` itself cannot be read.
AudioFiles find_audio_files(const std::filesystem::path& dir);

}  // namespace genre::audio
