#pragma once
// runs/<sweep>/journal.jsonl: one JSON event per line. The coordinator appends
// an event and fsyncs it before acting on it, so after any crash the journal
// says at least as much as anyone was told. Readers (resume, the leaderboard,
// `genre leaderboard` while a sweep runs) ignore a torn last line.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace genre::search {

class JournalWriter {
 public:
  // Opens `path` for appending, creating it (and syncing its folder) when new.
  // A torn last line left by a crash is cut off first.
  explicit JournalWriter(std::filesystem::path path);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Appends the event as one line and fsyncs it. Throws Error naming the file.
  void append(const nlohmann::json& event);
  // Closes now, reporting a failing close (the destructor cannot).
  void close();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

struct JournalContents {
  std::vector<nlohmann::json> events;
  std::size_t complete_bytes = 0;  // length of the part holding complete lines
  bool torn_tail = false;          // a partial line followed them
};

// Reads every complete event. A final line that lacks its newline or does not
// parse (an append cut short) is skipped and flagged; a bad line elsewhere is
// an Error naming the file and line. A missing file reads as empty.
JournalContents read_journal(const std::filesystem::path& path);

}  // namespace genre::search
