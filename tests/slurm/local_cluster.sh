#!/usr/bin/env bash
# A real one-node SLURM cluster on this machine, for the tests: munged,
# slurmctld and slurmd from Debian's packages (slurm-wlm, munge), every state
# file, socket, log and port private to one scratch folder, so it neither
# touches nor collides with a system SLURM.
#
#   local_cluster.sh start DIR    start it, wait until the node is idle, print
#                                 `export SLURM_CONF=...` for the caller to eval
#   local_cluster.sh stop DIR     stop it (idempotent)
#
# Sourced (as the tests do), it defines cluster_start DIR / cluster_stop and
# cluster_skip_unless_possible; cluster_start exports SLURM_CONF and installs
# an EXIT trap that stops the cluster even when the test fails. The pieces
# both test clusters need (munge, the common slurm.conf, waiting for nodes,
# stopping jobs and daemons) are functions here that the many-host test bed,
# tests/multinode/bed.sh, uses too.
#
# It must run as root: slurmd launches jobs as their owner and munged's key
# must belong to the user SlurmUser runs as; as anyone else it exits with 77
# (ctest's SKIP_RETURN_CODE) saying why.

CLUSTER_SKIP=77

cluster_log() { printf '%s: %s\n' "${CLUSTER_LOG_NAME:-local_cluster}" "$*" >&2; }

# Exits 77 with the reason when this machine cannot host the cluster, or 1
# when GENRE_REQUIRE_SLURM=1 (scripts/test.sh, so CI: a skipped cluster test
# there would let a green run prove nothing about SLURM).
cluster_cannot() {
  if [[ ${GENRE_REQUIRE_SLURM:-0} == 1 ]]; then
    cluster_log "FAIL (GENRE_REQUIRE_SLURM=1): ${1#SKIP: }"
    exit 1
  fi
  cluster_log "$1"
  exit "$CLUSTER_SKIP"
}

# Root, the daemons and the clients, and any further tools named.
cluster_skip_unless_possible() {  # [TOOL...]
  if [[ $(id -u) != 0 ]]; then
    cluster_cannot "SKIP: must run as root (slurmd starts jobs as their owner, munged needs a root-owned key); CI runs as root"
  fi
  local tool
  for tool in munged slurmctld slurmd sbatch sinfo scontrol python3 "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$tool ]]; then
      cluster_cannot "SKIP: $tool not found (scripts/install-deps.sh installs what the cluster tests need)"
    fi
  done
}

# Two free TCP ports on the loopback (the kernel picks them).
_cluster_free_ports() {
  python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# A cluster's folder, emptied of an earlier run: controller state, spools,
# pid files, logs, TmpFS, munge's key and socket.
cluster_prepare_dir() {  # DIR
  rm -rf "$1"/{state,spool,run,log,tmp,munge}
  mkdir -p "$1"/{state,spool,run,log,tmp,munge}
  chmod 700 "$1/munge"
}

# munged with a fresh key and a socket of the cluster's own (every client
# finds it through slurm.conf's AuthInfo=socket=...). A PREFIX runs it
# elsewhere, e.g. on a host of the many-host bed.
cluster_munge_start() {  # DIR [PREFIX...]
  local dir=$1
  shift
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  cluster_daemon "$dir/log/munged.log" "$@" /usr/sbin/munged --force --key-file="$dir/munge/munge.key" \
    --socket="$dir/munge/munge.socket" --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/seed"
}

# Runs a daemon's start command (the daemon forks into the background by
# itself); when it fails, says which with the end of its log. Its standard
# streams go nowhere, so that it never holds ctest's pipes open.
cluster_daemon() {  # LOG CMD...
  local log=$1
  shift
  "$@" </dev/null >/dev/null 2>&1 \
    || { cluster_log "$(basename "$log" .log) failed to start: $(tail -5 "$log" 2>/dev/null)"; return 1; }
}

# The slurm.conf lines both test clusters share; the caller adds its nodes
# and partitions, and its timings (KillWait, SlurmdTimeout). %n in the slurmd
# paths is the node's name, so that several slurmd share one folder.
cluster_conf_common() {  # DIR CLUSTER CTL_HOST CTL_ADDR CTL_PORT SLURMD_PORT TMPFS SPOOL
  local dir=$1
  cat <<EOF
ClusterName=$2
SlurmctldHost=$3($4)
SlurmctldPort=$5
SlurmdPort=$6
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also sets how long a requeued job waits before it may start
# again (default 120 s): 10 s keeps the requeue tests short.
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$8
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
TmpFS=$7
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Requests beyond a partition's limits are refused at submission, as on most
# production clusters (the default would leave them pending forever).
EnforcePartLimits=ALL
# CPUs are declared, not detected: the tests run a coordinator plus worker
# ranks on a 2-core machine, which is fine since the ranks mostly wait on
# each other.
SlurmdParameters=config_overrides
# A node that was down returns to service when its slurmd registers again.
ReturnToService=2
# Jobs stay visible to scontrol for a while after they end (the tests read
# their state and restart count), then go: no database on this cluster.
MinJobAge=300
InactiveLimit=0
Waittime=0
MessageTimeout=10
SlurmctldTimeout=30
PlugStackConfig=$dir/plugstack.conf
EOF
  : >"$dir/plugstack.conf"
}

_cluster_write_conf() {
  local dir=$1 host=$2 ctl_port=$3 d_port=$4
  {
    cluster_conf_common "$dir" genre-test "$host" 127.0.0.1 "$ctl_port" "$d_port" "$dir/tmp" "$dir/spool/%n"
    cat <<EOF
# Seconds between SIGTERM and SIGKILL at cancel or time limit: room for a sweep
# to checkpoint.
KillWait=30
SlurmdTimeout=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=$host Default=NO MaxTime=00:02:00 State=UP
EOF
  } >"$dir/slurm.conf"
}

# Waits until every node named is idle; after TIMEOUT seconds says what they
# are instead, with the end of the daemons' logs, and fails.
cluster_wait_idle() {  # DIR TIMEOUT NODE...
  local dir=$1 timeout=$2
  shift 2
  local nodes idle deadline=$((SECONDS + timeout))
  nodes=$(IFS=,; echo "$*")
  while ((SECONDS < deadline)); do
    idle=$(SLURM_CONF=$dir/slurm.conf sinfo -h -N -n "$nodes" -o '%N %T' 2>/dev/null | sort -u | grep -c ' idle$')
    ((idle == $#)) && return 0
    sleep 0.5
  done
  cluster_log "nodes not idle after ${timeout} s: $(SLURM_CONF=$dir/slurm.conf sinfo -h -N -o '%N %T' 2>&1 | paste -sd' ')"
  local log
  for log in "$dir"/log/slurmctld.log "$dir"/log/slurmd*.log; do
    [[ -f $log ]] && { echo "--- $log"; tail -10 "$log"; } >&2
  done
  return 1
}

# Cancels every job of the cluster and waits until slurmd has reaped their
# processes (slurmstepd outlives a killed slurmd), so that no job process
# outlives the cluster.
cluster_cancel_jobs() {  # DIR
  local dir=$1 parts
  [[ -f $dir/slurm.conf && -f $dir/run/slurmctld.pid ]] || return 0
  kill -0 "$(<"$dir/run/slurmctld.pid")" 2>/dev/null || return 0
  parts=$(sed -n 's/^PartitionName=\([^ ]*\).*/\1/p' "$dir/slurm.conf" | paste -sd,)
  SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --partition="$parts" 2>/dev/null || true
  SLURM_CONF=$dir/slurm.conf timeout 10 scancel --full --signal=KILL --quiet --partition="$parts" 2>/dev/null || true
  for _ in $(seq 40); do
    [[ -z $(SLURM_CONF=$dir/slurm.conf timeout 5 squeue -h -t running,completing 2>/dev/null) ]] && break
    sleep 0.5
  done
}

# TERM, up to 5 s, then KILL the process a pid file names; removes the file.
cluster_kill_pidfile() {  # FILE
  [[ -f $1 ]] || return 0
  local pid
  pid=$(<"$1")
  if [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

cluster_stop() {
  local dir=${CLUSTER_DIR:-${1:-}}
  [[ -n $dir && -d $dir ]] || return 0
  cluster_cancel_jobs "$dir"
  local f
  for f in "$dir"/run/slurmd*.pid "$dir/run/slurmctld.pid" "$dir/run/munged.pid"; do
    cluster_kill_pidfile "$f"
  done
  return 0
}

cluster_start() {
  local dir=$1
  local host ctl_port d_port
  host=$(hostname -s)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  export CLUSTER_DIR=$dir
  trap 'cluster_stop' EXIT
  cluster_stop "$dir"
  cluster_prepare_dir "$dir"
  read -r ctl_port d_port < <(_cluster_free_ports)
  cluster_munge_start "$dir" || return 1
  _cluster_write_conf "$dir" "$host" "$ctl_port" "$d_port"
  export SLURM_CONF=$dir/slurm.conf
  # Open MPI names its shared-memory segments after the host and a hash of
  # the Slurm job and step (/dev/shm/vader_segment.vm.0.36a24d59.0 for job
  # 1.0): the jobs of two test clusters on one machine, both numbered from 1,
  # mapped each other's and crashed or hung. The jobs inherit this (sbatch
  # exports the caller's environment) and keep theirs in the cluster's folder.
  export OMPI_MCA_btl_vader_backing_directory=$dir/tmp
  cluster_daemon "$dir/log/slurmctld.log" /usr/sbin/slurmctld -i || return 1
  cluster_daemon "$dir/log/slurmd-$host.log" /usr/sbin/slurmd || return 1
  cluster_wait_idle "$dir" 60 "$host" || return 1
  cluster_log "up: node $host idle, SLURM_CONF=$SLURM_CONF (ports $ctl_port/$d_port)"
}

# Executed rather than sourced: start/stop for a person at a shell.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  case ${1:-} in
    start)
      [[ -n ${2:-} ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
      cluster_skip_unless_possible
      cluster_start "$2"
      trap - EXIT  # keep it running for the person who asked
      echo "export SLURM_CONF=$SLURM_CONF"
      ;;
    stop)
      [[ -n ${2:-} ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
      cluster_stop "$(cd "$2" && pwd)"
      ;;
    *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
  esac
fi
