# Helpers of the cluster tests (sourced): the cluster, waiting for jobs,
# reading their state, failing with the logs that explain why.
# shellcheck source=local_cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/local_cluster.sh"

fail() {
  echo "FAIL: $*" >&2
  if [[ -n ${CLUSTER_DIR:-} ]]; then
    echo "--- squeue" >&2
    squeue 2>&1 | head -20 >&2 || true
    local log
    for log in "${LOG_DIR:-/nonexistent}"/*.out; do
      [[ -f $log ]] || continue
      echo "--- $log" >&2
      tail -40 "$log" >&2
    done
    echo "--- slurmctld.log" >&2
    tail -15 "$CLUSTER_DIR/log/slurmctld.log" >&2 || true
    for log in "$CLUSTER_DIR"/log/slurmd*.log; do
      [[ -f $log ]] || continue
      echo "--- $(basename "$log")" >&2
      tail -5 "$log" >&2
    done
  fi
  exit 1
}

# A field of `scontrol show job` (JobState, Restarts, ExitCode, ...).
job_field() {  # ID FIELD
  scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

# Waits until the job reaches one of the given states (default: any final
# one); prints the state. Fails after TIMEOUT seconds.
wait_job() {  # ID TIMEOUT [STATE...]
  local id=$1 timeout=$2 state=""
  shift 2
  local wanted=("$@")
  ((${#wanted[@]})) || wanted=(COMPLETED FAILED CANCELLED TIMEOUT NODE_FAIL OUT_OF_MEMORY PREEMPTED BOOT_FAIL DEADLINE)
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    state=$(job_field "$id" JobState)
    local w
    for w in "${wanted[@]}"; do
      if [[ $state == "$w" ]]; then
        echo "$state"
        return 0
      fi
    done
    sleep 1
  done
  fail "job $id still '$state' after ${timeout}s (waited for ${wanted[*]})"
}

# Waits until FILE exists and matches the pattern (grep -E), or fails.
wait_for_line() {  # FILE PATTERN TIMEOUT
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if [[ -f $1 ]] && grep -Eq "$2" "$1"; then return 0; fi
    sleep 0.5
  done
  fail "no line matching '$2' in $1 after $3 s"
}

# The start of every cluster test: skip unless this machine can run a cluster,
# then a fresh SCRATCH as the working folder with a cluster of its own under it.
cluster_test_begin() {  # GENRE SCRATCH
  cluster_skip_unless_possible
  rm -rf "$2"
  mkdir -p "$2"
  cd "$2"
  cluster_start "$2/cluster"
  LOG_DIR=$2/logs
}

# A small synthetic corpus: 3 classes x 4 tracks of 6 s (2 segments each).
make_corpus() {  # GENRE DIR
  "$1" synth --output "$2" --classes 3 --tracks 4 --seconds 6 >/dev/null
}
