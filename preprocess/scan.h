#pragma once
// Finding the work: the audio files of a collection, their labels and track ids.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/manifest.h"

namespace genre::preprocess {

struct InputFile {
  std::string path;           // relative to the dataset root (as stored in shards)
  std::filesystem::path full; // to open
  std::string id;             // track id, unique: the file stem, or the path when stems collide
  int label = -1;
  std::uint64_t size_bytes = 0;
};

struct Collection {
  std::filesystem::path root;
  std::vector<std::string> classes;  // sorted; label i is classes[i]
  std::vector<InputFile> files;      // largest first, then by path
  // Unusable before decoding, each with its reason: missing, no class folder,
  // a name that is not UTF-8 (path shown with \xNN escapes), a bad folder
  // entry (audio::find_audio_files), a track id already taken by another file.
  std::vector<data::FailedFile> failed;
};

// --input DIR: every audio file (by extension) below DIR; its class is the name
// of its top-level folder under DIR (GTZAN's genres_original/<class>/...).
Collection scan_folder(const std::filesystem::path& dir);

// --list FILE.csv: a header naming columns `path` and `label` (others ignored);
// relative paths are relative to the CSV's folder. Throws UsageError naming the
// line for malformed rows.
Collection scan_list(const std::filesystem::path& csv);

}  // namespace genre::preprocess
