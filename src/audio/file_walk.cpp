#include "audio/file_walk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "common/error.h"

namespace genre::audio {

namespace fs = std::filesystem;

namespace {

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// Audio that people keep beside their WAVs and MP3s but the decoder cannot
// read: listed as skipped, so a folder of .m4a files does not just vanish.
bool is_unsupported_audio(const fs::path& p) {
  static const std::set<std::string> kUnsupported{".m4a", ".m4b", ".mp4", ".aac", ".alac", ".wma", ".ape",
                                                  ".mka", ".webm", ".ac3", ".amr", ".dsf", ".mid", ".midi"};
  return kUnsupported.count(lower_extension(p)) > 0;
}

using FolderId = std::pair<dev_t, ino_t>;

class Walk {
 public:
  AudioFiles found;

  void folder(const fs::path& dir, const struct stat& st) {
    const auto [it, fresh] = seen_.emplace(FolderId{st.st_dev, st.st_ino}, dir);
    if (!fresh) {
      const bool loop = ancestors_.count(it->first) > 0;
      skip(dir, (loop ? "symbolic link loop: leads back to " : "a second way into a folder already searched: ") +
                    it->second.string());
      return;
    }
    std::error_code ec;
    fs::directory_iterator entries(dir, ec);
    if (ec) {
      skip(dir, "cannot read the folder: " + ec.message());
      return;
    }
    // In name order, so that of two ways into one folder the same one wins every run.
    std::vector<fs::path> names;
    for (; entries != fs::directory_iterator(); entries.increment(ec)) {
      if (ec) break;
      names.push_back(entries->path());
    }
    if (ec) skip(dir, "cannot read the folder to its end: " + ec.message());
    std::sort(names.begin(), names.end());
    const FolderId id = it->first;
    ancestors_.insert(id);
    for (const auto& p : names) entry(p);
    ancestors_.erase(id);
  }

 private:
  std::map<FolderId, fs::path> seen_;  // every folder walked, by identity
  std::set<FolderId> ancestors_;        // the folders above the current entry

  void skip(const fs::path& p, std::string reason) { found.skipped.push_back({p, std::move(reason)}); }

  void entry(const fs::path& p) {
    if (p.filename().string().rfind('.', 0) == 0) return;  // hidden
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      const int err = errno;
      struct stat link {};
      const bool is_link = ::lstat(p.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
      std::error_code ec;
      if (is_link && err == ENOENT)
        skip(p, "dangling symbolic link (to " + fs::read_symlink(p, ec).string() + ")");
      else if (is_link && err == ELOOP)
        skip(p, "symbolic link loop");
      else
        skip(p, std::string("cannot stat: ") + std::strerror(err));
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      folder(p, st);
    } else if (is_audio_extension(p)) {
      if (S_ISREG(st.st_mode))
        found.files.push_back(p);
      else
        skip(p, "not a regular file");
    } else if (is_unsupported_audio(p)) {
      skip(p, "unsupported audio format (" + p.extension().string() + "): convert it to WAV, FLAC or MP3");
    }
  }
};

}  // namespace

bool is_audio_extension(const fs::path& p) {
  static const std::set<std::string> kExtensions{".wav", ".wave", ".au", ".snd", ".flac", ".ogg", ".oga",
                                                 ".opus", ".mp3", ".aif", ".aiff", ".w64", ".caf"};
  return kExtensions.count(lower_extension(p)) > 0;
}

AudioFiles find_audio_files(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw Error(dir.string() + ": cannot read: " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) throw Error(dir.string() + ": not a folder");
  Walk walk;
  walk.folder(dir, st);
  if (!walk.found.skipped.empty() && walk.found.skipped.front().path == dir)
    throw Error(dir.string() + ": " + walk.found.skipped.front().reason);
  std::sort(walk.found.files.begin(), walk.found.files.end());
  std::sort(walk.found.skipped.begin(), walk.found.skipped.end(),
            [](const SkippedEntry& a, const SkippedEntry& b) { return a.path < b.path; });
  return std::move(walk.found);
}

}  // namespace genre::audio
