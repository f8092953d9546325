#include "slurm/fields.h"

#include <regex>

#include "common/error.h"

namespace genre::slurm {

namespace {

[[noreturn]] void reject(const std::string& key, const std::string& value, const std::string& why) {
  // The value is shown as a quoted literal so that a newline or a quote in it
  // is visible in the one-line error.
  std::string shown;
  for (char c : value) {
    if (c == '\n') shown += "\\n";
    else if (c == '\r') shown += "\\r";
    else if (c == '\t') shown += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) shown += "\\x" + std::to_string(static_cast<int>(c));
    else shown += c;
  }
  throw UsageError(key + ": '" + shown + "' " + why);
}

void check_regex(const std::string& key, const std::string& value, const std::regex& re, const std::string& why) {
  if (value.empty()) reject(key, value, "is empty");
  if (!std::regex_match(value, re)) reject(key, value, why);
}

}  // namespace

std::string shell_quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

void check_slurm_name(const std::string& key, const std::string& value, bool list) {
  static const std::regex name("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  static const std::regex names("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(,[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})*");
  check_regex(key, value, list ? names : name,
              list ? "is not a comma-separated list of names (letters, digits, . _ -)"
                   : "is not a valid name (letters, digits, . _ -)");
}

void check_constraint(const std::string& key, const std::string& value) {
  static const std::regex re("[A-Za-z0-9_.&|,\\[\\]()*-]{1,256}");
  check_regex(key, value, re, "is not a feature expression (features, digits, & | , [ ] ( ) *)");
}

void check_memory(const std::string& key, const std::string& value) {
  static const std::regex re("[0-9]{1,12}[KMGT]?");
  check_regex(key, value, re, "is not a memory size (e.g. 4000, 16G, 500M)");
}

long parse_time_limit(const std::string& key, const std::string& value) {
  static const std::regex days_form("([0-9]{1,4})-([0-9]{1,2})(?::([0-9]{1,2}))?(?::([0-9]{1,2}))?");
  static const std::regex clock_form("([0-9]{1,7})(?::([0-9]{1,2}))?(?::([0-9]{1,2}))?");
  std::smatch m;
  auto num = [&](int i) { return m[i].matched ? std::stol(m[i].str()) : 0L; };
  long seconds = 0;
  if (std::regex_match(value, m, days_form)) {
    seconds = num(1) * 86400 + num(2) * 3600 + num(3) * 60 + num(4);
  } else if (std::regex_match(value, m, clock_form)) {
    if (m[3].matched) seconds = num(1) * 3600 + num(2) * 60 + num(3);  // h:m:s
    else if (m[2].matched) seconds = num(1) * 60 + num(2);            // m:s
    else seconds = num(1) * 60;                                        // m
  } else {
    reject(key, value,
           "is not a time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; 'infinite' is not accepted: "
           "the requeue signal needs a limit)");
  }
  if (seconds <= 0) reject(key, value, "is not a positive time limit");
  return seconds;
}

void check_header_path(const std::string& key, const std::string& value) {
  static const std::regex re("[A-Za-z0-9_./+-]{1,1024}");
  check_regex(key, value, re, "is not usable in an #SBATCH line (letters, digits, _ . / + - only; no spaces or %)");
}

void check_plain_text(const std::string& key, const std::string& value) {
  if (value.empty()) reject(key, value, "is empty");
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) reject(key, value, "contains a control character");
}

void check_env_name(const std::string& key, const std::string& value) {
  static const std::regex re("[A-Za-z_][A-Za-z0-9_]{0,127}");
  check_regex(key, value, re, "is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
  // Variables that choose the code a job runs: bash's start-up and parsing
  // hooks, the command search path, every one of the dynamic loader's
  // (LD_LIBRARY_PATH picks the libraries, LD_PRELOAD/LD_AUDIT inject one),
  // glibc's iconv modules, and the program Open MPI's mpirun starts remote
  // daemons with; and Slurm's own, which the script reads (a SLURM_JOB_ID of
  // the spec's would make it requeue or signal another job).
  static const std::regex reserved(
      "BASH_ENV|ENV|SHELLOPTS|BASHOPTS|IFS|PS4|PROMPT_COMMAND|CDPATH|GLOBIGNORE|PATH|LD_.*|GCONV_PATH|"
      "OMPI_MCA_(plm|orte)_rsh_agent|SLURM_.*");
  if (std::regex_match(value, reserved))
    reject(key, value, "may not be set by a spec (it changes how the job's shell, loader, MPI or Slurm behave)");
  // The script's own variable holding the binary, assigned before the
  // exports: a spec's `genre` would replace the program of every job.
  if (value == "genre") reject(key, value, "may not be set by a spec (it is the script's binary; set the spec's genre: key)");
}

void check_module_name(const std::string& key, const std::string& value) {
  static const std::regex re("[A-Za-z0-9_][A-Za-z0-9_.+/:-]{0,255}");
  check_regex(key, value, re, "is not a module name (letters, digits, _ . + / : -)");
}

}  // namespace genre::slurm
