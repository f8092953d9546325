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
# an EXIT trap that stops the cluster even when the test fails.
#
# It must run as root: slurmd launches jobs as their owner and munged's key
# must belong to the user SlurmUser runs as; as anyone else it exits with 77
# (ctest's SKIP_RETURN_CODE) saying why.

CLUSTER_SKIP=77

cluster_log() { printf 'local_cluster: %s\n' "$*" >&2; }

# Exits 77 with the reason when this machine cannot host the cluster, or 1
# when GENRE_REQUIRE_SLURM=1 (scripts/test.sh, so CI: a skipped cluster test
# there would let a green run prove nothing about SLURM).
_cluster_cannot() {
  if [[ ${GENRE_REQUIRE_SLURM:-0} == 1 ]]; then
    cluster_log "FAIL (GENRE_REQUIRE_SLURM=1): ${1#SKIP: }"
    exit 1
  fi
  cluster_log "$1"
  exit "$CLUSTER_SKIP"
}

cluster_skip_unless_possible() {
  if [[ $(id -u) != 0 ]]; then
    _cluster_cannot "SKIP: must run as root (slurmd starts jobs as their owner, munged needs a root-owned key); CI runs as root"
  fi
  local tool
  for tool in munged slurmctld slurmd sbatch sinfo scontrol python3; do
    if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$tool ]]; then
      _cluster_cannot "SKIP: $tool not found (apt-get install slurm-wlm munge; scripts/install-deps.sh does it)"
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

_cluster_write_conf() {
  local dir=$1 host=$2 ctl_port=$3 d_port=$4
  # CPUs are declared, not detected (config_overrides): the tests run a
  # coordinator plus worker ranks on a 2-core machine, which is fine since the
  # ranks mostly wait on each other.
  cat >"$dir/slurm.conf" <<EOF
ClusterName=genre-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also sets how long a requeued job waits before it may start
# again (default 120 s): 10 s keeps the requeue tests short.
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
TmpFS=$dir/tmp
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
SlurmdParameters=config_overrides
ReturnToService=2
# Jobs stay visible to scontrol for a while after they end (the tests read
# their state and restart count), then go: no database on this cluster.
MinJobAge=300
# Seconds between SIGTERM and SIGKILL at cancel or time limit: room for a sweep
# to checkpoint.
KillWait=30
InactiveLimit=0
Waittime=0
MessageTimeout=10
SlurmctldTimeout=30
SlurmdTimeout=60
PlugStackConfig=$dir/plugstack.conf
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=$host Default=NO MaxTime=00:02:00 State=UP
EOF
  : >"$dir/plugstack.conf"
}

cluster_stop() {
  local dir=${CLUSTER_DIR:-${1:-}}
  [[ -n $dir && -d $dir ]] || return 0
  local f pid
  # Jobs first, so that no job process outlives the cluster.
  if [[ -f $dir/slurm.conf ]] && [[ -f $dir/run/slurmctld.pid ]]; then
    SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --partition=debug,short 2>/dev/null || true
    SLURM_CONF=$dir/slurm.conf timeout 10 scancel --full --signal=KILL --quiet --partition=debug,short 2>/dev/null || true
    # Until slurmd has reaped the jobs' processes (slurmstepd outlives a
    # killed slurmd).
    for _ in $(seq 40); do
      [[ -z $(SLURM_CONF=$dir/slurm.conf timeout 5 squeue -h -t running,completing 2>/dev/null) ]] && break
      sleep 0.5
    done
  fi
  for f in slurmd slurmctld munged; do
    [[ -f $dir/run/$f.pid ]] || continue
    pid=$(<"$dir/run/$f.pid")
    [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/run/$f.pid"
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
  rm -rf "$dir"/{state,spool,run,log,tmp,munge}
  mkdir -p "$dir"/{state,spool,run,log,tmp,munge}
  chmod 700 "$dir/munge"
  read -r ctl_port d_port < <(_cluster_free_ports)

  # munge: a fresh key, a private socket.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  /usr/sbin/munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed" \
    || { cluster_log "munged failed to start: $(tail -3 "$dir/log/munged.log" 2>/dev/null)"; return 1; }

  _cluster_write_conf "$dir" "$host" "$ctl_port" "$d_port"
  export SLURM_CONF=$dir/slurm.conf
  /usr/sbin/slurmctld -i >/dev/null 2>&1 \
    || { cluster_log "slurmctld failed: $(tail -5 "$dir/log/slurmctld.log" 2>/dev/null)"; return 1; }
  /usr/sbin/slurmd >/dev/null 2>&1 \
    || { cluster_log "slurmd failed: $(tail -5 "$dir/log/slurmd.log" 2>/dev/null)"; return 1; }

  local state=""
  for _ in $(seq 120); do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -1)
    [[ $state == idle ]] && break
    sleep 0.5
  done
  if [[ $state != idle ]]; then
    cluster_log "node $host not idle after 60 s (state '${state}'); slurmctld log:"
    tail -15 "$dir/log/slurmctld.log" >&2
    tail -15 "$dir/log/slurmd.log" >&2
    return 1
  fi
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
