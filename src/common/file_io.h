#pragma once
// Reading a whole file, and publishing one so that a reader (or a crash) never
// sees half of it: write under a temporary name, fsync it, rename it over the
// final name, fsync the folder. A file found under its final name is
// complete. Every file the project publishes (shards, manifests, checkpoints,
// journals' companions, leaderboards, batch scripts) goes through here.
#include <filesystem>
#include <string>

namespace genre {

// The whole file as bytes. Throws Error "<file>: cannot read: <reason>".
std::string read_file(const std::filesystem::path& file);

// "<final>.tmp": the name a file is written under before publish().
std::filesystem::path temp_name(const std::filesystem::path& final_path);

// fsyncs `tmp`, renames it to `final_path` (replacing it), fsyncs the folder.
// Throws Error naming the files.
void publish(const std::filesystem::path& tmp, const std::filesystem::path& final_path);

// Who may publish the same file at once: one process (the temporary is
// "<final>.tmp", and a crashed run's leftover is simply overwritten), or
// several (e.g. a sweep's coordinator and a `genre leaderboard` rendering the
// same board: each writes "<final>.<pid>.tmp", so neither truncates the
// other's half-written temporary).
enum class Writers { kOne, kSeveral };

// Writes `bytes` to a temporary beside final_path and publishes it; the
// temporary is removed when anything fails.
void write_durably(const std::filesystem::path& final_path, const std::string& bytes, Writers writers = Writers::kOne);

// Appends `bytes` to `file` (created when missing) in write() calls, without
// fsync: for logs a reader may find one line short of after a crash.
void append_to_file(const std::filesystem::path& file, const std::string& bytes);

// Every function here throws EnvironmentError (common/error.h) when the
// failure is the machine's (ENOSPC, EIO, EDQUOT, EROFS), Error otherwise.

// Points the symbolic link `link` at `target` (a relative target stays
// relative) in one rename, then fsyncs the folder.
void publish_symlink(const std::filesystem::path& link, const std::filesystem::path& target);

}  // namespace genre
