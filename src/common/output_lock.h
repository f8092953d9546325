#pragma once
// One writer per output folder. Two runs writing one folder at once (two
// `genre search --resume --out R` a moment apart, an mfcc and a logmel
// `preprocess` on one --output) interleave journals and mix shards; the
// second one is refused instead, before it reads or writes anything there.
//
// The lock is flock(LOCK_EX | LOCK_NB) on DIR/.genre.lock, which holds the
// holder's host, pid, command and start time (written after locking, read
// back for the refusal). The kernel drops a flock when its process dies,
// however it dies, so a lock file whose lock is free is a dead run's: it is
// taken over. A file that names another host is not taken over even when its
// lock is free: on a filesystem whose locks do not reach other hosts (NFS
// mounted with local_lock=flock or all, or NFSv3 without lockd) both would
// "hold" it; the refusal says how to clear it. Locks reach every host on
// NFSv4 (and NFSv3 with lockd) mounted with local_lock=none, the default.
// A clean exit removes the file, and the folder too when the lock made it and
// nothing else was put there (a run refused for its input leaves nothing) (under the lock; a waiter that locked the
// removed file sees it is gone and tries again).
//
// Under MPI rank 0 holds the lock; the other ranks learn the outcome from the
// command's broadcast verdict.
#include <filesystem>
#include <string>

#include "common/fd.h"

namespace genre {

class OutputLock {
 public:
  // Creates `dir` when missing and locks it for `command` (one line, e.g.
  // "genre search --out runs/a --resume"). Throws OutputBusy naming the
  // holder and what to do, Error when the lock file cannot be made.
  OutputLock(const std::filesystem::path& dir, const std::string& command);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::filesystem::path& file() const { return file_; }
  // Set when the file was a dead run's (same host, lock free): who held it
  // (the constructor logs the take-over).
  const std::string& took_over() const { return took_over_; }

  static constexpr const char* kFileName = ".genre.lock";

 private:
  std::filesystem::path file_;
  Fd fd_;
  std::string took_over_;
  bool made_folder_ = false;
};

// "genre ARG1 ARG2 ..." of a subcommand's argv (argv[0] is the subcommand).
std::string command_line(int argc, char** argv);

}  // namespace genre
