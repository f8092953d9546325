#pragma once
// The checks every value from a job spec passes before it reaches a batch
// script, and the quoting of what reaches the shell. Two kinds of places take
// spec values: `#SBATCH` lines, which sbatch parses itself (no shell, no
// quoting: so those values are held to strict whitelists), and shell commands,
// which get every value single-quoted. Each check throws UsageError naming the
// key ("resources.partition: ...").
#include <string>

namespace genre::slurm {

// 'value' for bash, with embedded single quotes as '\''. Safe for any text.
std::string shell_quote(const std::string& value);

// A name for an #SBATCH value: partition (comma-separated list allowed),
// account, qos, job name. Letters, digits, . _ - (and , where `list`).
void check_slurm_name(const std::string& key, const std::string& value, bool list = false);

// A feature expression for --constraint: features joined by & | , with
// optional [ ] ( ) and *count, as sbatch accepts them.
void check_constraint(const std::string& key, const std::string& value);

// Memory per node: digits with an optional K, M, G or T suffix.
void check_memory(const std::string& key, const std::string& value);

// A time limit in one of sbatch's forms (minutes, minutes:seconds,
// hours:minutes:seconds, days-hours, days-hours:minutes,
// days-hours:minutes:seconds); returns it in seconds.
long parse_time_limit(const std::string& key, const std::string& value);

// A folder written into an #SBATCH line (--output): no whitespace, quotes, %
// or shell metacharacters, since sbatch reads it unquoted.
void check_header_path(const std::string& key, const std::string& value);

// Any text that will be single-quoted into a shell command: no control
// characters (a newline in a path or an option is a mistake, never intended).
void check_plain_text(const std::string& key, const std::string& value);

// An environment variable name: [A-Za-z_][A-Za-z0-9_]*, and none of those
// that choose what code runs (bash's BASH_ENV, ENV, ...; PATH; LD_*;
// GCONV_PATH; OMPI_MCA_plm_rsh_agent), that Slurm sets (SLURM_*), or the
// script's own `genre`.
void check_env_name(const std::string& key, const std::string& value);

// A module name for `module load`: letters, digits, . _ - / + :
void check_module_name(const std::string& key, const std::string& value);

}  // namespace genre::slurm
