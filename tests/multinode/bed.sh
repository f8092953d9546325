#!/usr/bin/env bash
# A multi-host test bed on this one machine: a head host and compute hosts
# node1..nodeN (default 3), each its own Linux network namespace (a veth on
# one bridge, an address in 10.213.77.0/24), hostname (UTS namespace), /tmp,
# /dev/shm and System V IPC (mount and IPC namespaces); the rest of the disk
# is shared, as a cluster file system would be. On them a SLURM cluster from
# Debian's packages: munged and slurmctld on the head, a slurmd on every
# compute host. Only the bed's own addresses are ever contacted; this
# machine reaches them through the bridge (10.213.77.254), so sbatch, squeue
# and `genre submit` work from the caller's shell with the SLURM_CONF the bed
# exports.
#
#   bed.sh up DIR [NODES]     start it (stale bed first taken down), print
#                             `export SLURM_CONF=...`, leave it running
#   bed.sh down [DIR]         take it down (idempotent; no DIR needed)
#   bed.sh exec DIR HOST CMD  run CMD on a host (head, node1, ...)
#   bed.sh status DIR         the hosts, their processes, sinfo
#
# Sourced (as the tests do, through tests/multinode/lib.sh), it defines
# bed_start DIR / bed_stop and the ways to hurt a host: bed_kill_host (every
# process on it, slurmd included), bed_cut_link / bed_mend_link (its cable),
# bed_signal_rank (one rank only); bed_start installs an EXIT trap that takes
# the bed down even when the test fails.
#
# Host names, namespaces (gmn-*), the bridge (gmn-br) and the subnet are
# this machine's, so one bed runs at a time: bed_start claims it for the
# lifetime of its caller (/run/lock/genre-multinode-bed.owner), waiting while
# another live run holds it, and whatever bed it then finds is stale (a
# killed run, or one left up by hand) and is taken down first. Nothing the
# bed starts can outlive that: every daemon and job process lives in a
# host's namespaces, and taking the bed down kills every process in them.
#
# Two traps, avoided here: `ip netns exec` remounts /sys, and slurmd, finding
# no cgroup file system there, refuses to start (so hosts are entered with
# nsenter, never ip netns exec); and with one shared /tmp, the PMIx per-step
# folders of two hosts collide (so each host has its own /tmp).
#
# The one-node cluster's pieces (munge, the common slurm.conf, waiting for
# idle nodes) come from tests/slurm/local_cluster.sh.

_bed_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../slurm/local_cluster.sh
source "$_bed_here/../slurm/local_cluster.sh"
CLUSTER_LOG_NAME=bed

BED_NET=10.213.77
BED_SUBNET=$BED_NET.0/24
BED_BRIDGE=gmn-br
# Who holds the bed: "PID START DIR" of the shell that started it (START,
# the process's start time, tells a live owner from a reused pid).
BED_OWNER=/run/lock/genre-multinode-bed.owner
# How long slurmctld waits for a silent slurmd before it marks the node down
# (and requeues or ends its jobs): short, for the node-loss test.
BED_SLURMD_TIMEOUT=${BED_SLURMD_TIMEOUT:-10}

_bed_ns() { echo "gmn-$1"; }
bed_addr() {  # HOST: its address in the bed
  case $1 in
    head) echo "$BED_NET.1" ;;
    node*) echo "$BED_NET.$((10 + ${1#node}))" ;;
    *) return 1 ;;
  esac
}
bed_nodes() { local i; for ((i = 1; i <= ${BED_NODE_COUNT:-3}; i++)); do echo "node$i"; done; }
bed_hosts() { echo head; bed_nodes; }

bed_skip_unless_possible() {
  cluster_skip_unless_possible ip nsenter unshare setsid flock realpath
  # What the bed needs of the kernel, tried in a throwaway namespace.
  unshare --net --uts --mount -- sh -c 'ip link add gmn-probe type bridge && ip link add gmn-p0 type veth peer name gmn-p1 &&
      hostname gmn-probe && mount -t tmpfs gmn-probe /mnt' >/dev/null 2>&1 \
    || cluster_cannot "SKIP: cannot make network, UTS and mount namespaces with a bridge and veths here (unshare --net fails)"
}

# --- the network -----------------------------------------------------------

# Every process on a host: whatever is in its network namespace.
bed_pids() {  # HOST
  ip netns pids "$(_bed_ns "$1")" 2>/dev/null
}

# Kills every process of every gmn-* namespace, deletes the namespaces, their
# veths and the bridge. Safe to run any number of times, with or without a
# bed, and on a bed of an earlier run whose folder is gone.
_bed_teardown() {
  local ns pids signal
  local all=()
  while read -r ns _; do [[ $ns == gmn-* ]] && all+=("$ns"); done < <(ip netns list 2>/dev/null)
  for signal in TERM KILL; do
    pids=()
    for ns in "${all[@]}"; do mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null); done
    ((${#pids[@]})) || break
    kill -"$signal" "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 30); do
      local left=0
      for ns in "${all[@]}"; do [[ -n $(ip netns pids "$ns" 2>/dev/null) ]] && left=1; done
      ((left)) || break
      sleep 0.1
    done
  done
  for ns in "${all[@]}"; do
    [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] || cluster_log "processes left in $ns: $(ip netns pids "$ns" | paste -sd' ')"
    ip netns del "$ns" 2>/dev/null || true
  done
  local link
  # A veth whose namespace is gone may have gone with it.
  while read -r link; do ip link del "$link" 2>/dev/null || true; done \
    < <(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \(gmn-[^:@]*\).*/\1/p')
  return 0
}

_bed_net_up() {
  if ip -o route show "$BED_SUBNET" 2>/dev/null | grep -q . || ip -o addr show 2>/dev/null | grep -q " $BED_NET\."; then
    cluster_log "the bed's subnet $BED_SUBNET is already in use on this machine: $(ip -o route show "$BED_SUBNET")"
    return 1
  fi
  ip link add "$BED_BRIDGE" type bridge || return 1
  ip addr add "$BED_NET.254/24" dev "$BED_BRIDGE" && ip link set "$BED_BRIDGE" up || return 1
  local host ns
  for host in $(bed_hosts); do
    ns=$(_bed_ns "$host")
    ip netns add "$ns" || return 1
    ip link add "$ns" type veth peer name eth0 netns "$ns" || return 1
    ip link set "$ns" master "$BED_BRIDGE" up || return 1
    ip -n "$ns" addr add "$(bed_addr "$host")/24" dev eth0 || return 1
    ip -n "$ns" link set eth0 up && ip -n "$ns" link set lo up || return 1
  done
}

# A host's cable out / back in: its end of the veth down or up. Its
# processes go on but hear nothing and nobody hears them.
bed_cut_link() { ip link set "$(_bed_ns "$1")" down; }   # HOST
bed_mend_link() { ip link set "$(_bed_ns "$1")" up; }    # HOST

# --- the hosts -------------------------------------------------------------

# A host's keeper: a sleeping process that holds the host's namespaces
# (network, UTS for the hostname, mount for its own /tmp and /dev/shm, IPC).
# Everything else runs on the host by entering the keeper's namespaces. Its
# slurmd spool (hosts/HOST/spool, kept across bed_revive_host like a disk)
# is mounted at /tmp/spool.
# Folders under /tmp that the bed or its caller live in (a checkout in /tmp,
# say) stay shared: each is bound back over the private /tmp from the old one
# (reached through the working folder; mount -c keeps the relative path).
_bed_host_up() {  # HOST
  local host=$1 dir=$BED_DIR
  mkdir -p "$dir/hosts/$host/tmp" "$dir/hosts/$host/spool"
  chmod 1777 "$dir/hosts/$host/tmp"
  rm -f "$dir/run/host-$host.pid"
  # shellcheck disable=SC2016
  setsid nsenter --net="/run/netns/$(_bed_ns "$host")" \
    unshare --uts --mount --ipc --propagation private -- /bin/sh -c '
      host=$1 dir=$2
      shift 2
      cd /tmp && hostname "$host" && mount --bind "$dir/hosts/$host/tmp" /tmp || exit 1
      for keep in "$@"; do mkdir -p "/tmp/$keep" && mount -c --bind "./$keep" "/tmp/$keep" || exit 1; done
      mkdir -p /tmp/spool && mount --bind "$dir/hosts/$host/spool" /tmp/spool || exit 1
      mount -t tmpfs -o mode=1777,size=2g gmn-shm /dev/shm && cd / &&
        echo $$ >"$dir/run/host-$host.pid" && exec sleep infinity' keeper "$host" "$dir" "${BED_SHARED_TMP[@]}" \
    </dev/null >/dev/null 2>&1 &
  disown  # not the caller's job: its death (bed_kill_host) is no news to report
  for _ in $(seq 50); do
    [[ -s $dir/run/host-$host.pid ]] && return 0
    sleep 0.1
  done
  cluster_log "host $host did not come up"
  return 1
}

# The top folders under /tmp of the given paths (none for paths elsewhere).
_bed_tmp_tops() {  # PATH...
  local p
  for p in "$@"; do
    p=$(realpath -m "$p")
    [[ $p == /tmp/?* ]] && { p=${p#/tmp/}; echo "${p%%/*}"; }
  done | sort -u
}

# Runs CMD on HOST (its network, hostname, /tmp), in the caller's folder.
bed_on() {  # HOST CMD...
  local host=$1 pid
  shift
  pid=$(cat "$BED_DIR/run/host-$host.pid" 2>/dev/null) || { cluster_log "no host $host"; return 1; }
  nsenter --target "$pid" --net --uts --mount --ipc --wd="$PWD" -- "$@"
}

bed_slurmd_start() {  # HOST
  cluster_daemon "$BED_DIR/log/slurmd-$1.log" bed_on "$1" /usr/sbin/slurmd -N "$1"
}

# A host dies: every process on it (slurmd, slurmstepd, the ranks, its
# keeper) gets SIGKILL at once, as in a power cut. Its network stays, so the
# kernel closes the dead processes' connections (a cut link closes nothing).
bed_kill_host() {  # HOST
  local pids
  mapfile -t pids < <(bed_pids "$1")
  if ((${#pids[@]})); then kill -KILL "${pids[@]}" 2>/dev/null || true; fi
  for _ in $(seq 50); do [[ -z $(bed_pids "$1") ]] && break; sleep 0.1; done
  rm -f "$BED_DIR/run/host-$1.pid" "$BED_DIR/run/slurmd-$1.pid"
}

# The host comes back (rebooted): an empty /tmp, a fresh keeper and slurmd;
# its spool, on disk, is kept as it was. With ReturnToService=2 the node is
# in service again once slurmd registers. (Slurm 22.05's PMIx plugin then
# cannot start a step of a job the node was running when it died, requeued
# onto it again: the dead step's socket stepd.slurm.pmix.JOB.STEP is still in
# the spool; docs/slurm.md, "When a node dies".)
bed_revive_host() {  # HOST
  rm -rf "$BED_DIR/hosts/$1/tmp"
  _bed_host_up "$1" && bed_slurmd_start "$1"
}

# The pids on HOST of rank RANK of the job's MPI ranks (PMIX_RANK in their
# environment), the genre processes only: a silent peer is one of these
# stopped (bed_signal_rank HOST RANK STOP).
bed_rank_pids() {  # HOST RANK
  local pid
  for pid in $(bed_pids "$1"); do
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == genre ]] || continue
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "PMIX_RANK=$2" && echo "$pid"
  done
}
bed_signal_rank() {  # HOST RANK SIGNAL
  local pids
  mapfile -t pids < <(bed_rank_pids "$1" "$2")
  ((${#pids[@]})) || { cluster_log "no rank $2 on $1"; return 1; }
  kill -"$3" "${pids[@]}"
}

# --- the cluster -----------------------------------------------------------

_bed_write_conf() {
  local dir=$1 host
  {
    # Ports of the bed's own hosts: no other cluster listens there. Each host's
    # spool is its own folder mounted at /tmp/spool (_bed_host_up): a short
    # path, since Slurm's PMIx plugin puts a UNIX socket there, and those take
    # 107 characters at most.
    cluster_conf_common "$dir" genre-bed head "$(bed_addr head)" 6817 6818 /tmp /tmp/spool
    cat <<EOF
# A node that has not answered for this long is marked down, and its jobs are
# requeued (or end): it is down about SlurmdTimeout + 15 s after it died.
SlurmdTimeout=$BED_SLURMD_TIMEOUT
# Seconds between SIGTERM and SIGKILL. After a node loss the survivors wait
# on the dead peer and never exit by themselves: this is how long the
# requeue waits for them. Enough for a sweep's checkpoint here.
KillWait=10
# The backfill scheduler starts a requeued job once its hold ends; it looks
# every bf_interval seconds (default 30).
SchedulerParameters=bf_interval=5
EOF
    for host in $(bed_nodes); do
      echo "NodeName=$host NodeAddr=$(bed_addr "$host") CPUs=4 RealMemory=4000 State=UNKNOWN"
    done
    echo "PartitionName=debug Nodes=$(bed_nodes | paste -sd,) Default=YES MaxTime=INFINITE State=UP"
  } >"$dir/slurm.conf"
}

# The bed belongs to one shell at a time: the one whose pid and start time
# the owner file holds, while that process lives. Ownership goes with the
# process, not with a lock file descriptor, which every child (a sleep, an
# mpiexec, a daemon) would inherit and hold on after a killed test. The
# owner file is read and written under flock, so that two starts cannot both
# take a free bed.
_bed_me() { echo "$$ $(sed 's/.*) //' "/proc/$$/stat" | cut -d' ' -f20)"; }
_bed_owner_alive() {
  local pid start _
  [[ -f $BED_OWNER ]] && read -r pid start _ <"$BED_OWNER" || return 1
  [[ $pid != "$$" && -r /proc/$pid/stat && $(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20) == "$start" ]]
}
_bed_claim() {
  local deadline=$((SECONDS + ${BED_LOCK_WAIT:-900})) said=0
  mkdir -p "$(dirname "$BED_OWNER")"
  while :; do
    if (
      flock -w 10 8 || exit 2
      _bed_owner_alive && exit 1
      echo "$(_bed_me) $BED_DIR since $(date -Is)" >"$BED_OWNER"
    ) 8>>"$BED_OWNER.lock"; then
      return 0
    fi
    ((said++)) || cluster_log "waiting for the bed of another run (owner: $(cat "$BED_OWNER" 2>/dev/null))"
    ((SECONDS < deadline)) || { cluster_log "the bed stayed busy for ${BED_LOCK_WAIT:-900} s"; return 1; }
    sleep 2
  done
}

# Also from an EXIT trap under set -e: nothing in it may end the script
# half-way (a function called left of || runs without errexit).
bed_stop() {
  [[ -n ${BED_DIR:-} ]] || return 0
  _bed_teardown || true
  rm -f "$BED_DIR"/run/*.pid
  # Released only by its owner.
  [[ $(cut -d' ' -f1-2 "$BED_OWNER" 2>/dev/null) == "$(_bed_me)" ]] && rm -f "$BED_OWNER"
  return 0
}

bed_start() {  # DIR
  local t0=$SECONDS dir
  mkdir -p "$1"
  dir=$(cd "$1" && pwd -P)
  [[ $dir != /tmp ]] || { cluster_log "the bed's folder cannot be /tmp itself"; return 1; }
  export BED_DIR=$dir CLUSTER_DIR=$dir
  # Every host has its own /tmp, except for the folders the bed, the caller,
  # the tests and BED_SHARE (a space-separated list) are in.
  # shellcheck disable=SC2086
  mapfile -t BED_SHARED_TMP < <(_bed_tmp_tops "$dir" "$PWD" "$_bed_here" ${BED_SHARE:-})
  trap 'bed_stop' EXIT
  _bed_claim || return 1
  _bed_teardown
  cluster_prepare_dir "$dir"
  rm -rf "$dir/hosts"
  _bed_net_up || { cluster_log "could not build the bed's network (network namespaces, veth, bridge)"; return 1; }
  local host
  for host in $(bed_hosts); do _bed_host_up "$host" || return 1; done
  _bed_write_conf "$dir"
  export SLURM_CONF=$dir/slurm.conf
  cluster_munge_start "$dir" bed_on head || return 1
  cluster_daemon "$dir/log/slurmctld.log" bed_on head /usr/sbin/slurmctld -i || return 1
  for host in $(bed_nodes); do bed_slurmd_start "$host" || return 1; done
  # shellcheck disable=SC2046
  cluster_wait_idle "$dir" 60 $(bed_nodes) || return 1
  cluster_log "up in $((SECONDS - t0)) s: head $(bed_addr head) (slurmctld), $(bed_nodes | paste -sd' ') idle; SLURM_CONF=$SLURM_CONF"
}

# Executed rather than sourced: for a person at a shell.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -uo pipefail
  usage="usage: $0 up DIR [NODES] | down [DIR] | exec DIR HOST CMD... | status DIR"
  case ${1:-} in
    up)
      [[ -n ${2:-} ]] || { echo "$usage" >&2; exit 2; }
      BED_NODE_COUNT=${3:-3}
      bed_skip_unless_possible
      bed_start "$2" || exit 1
      trap - EXIT  # keep it running for the person who asked
      echo "export SLURM_CONF=$SLURM_CONF"
      ;;
    down)
      BED_DIR=${2:-/nonexistent}
      _bed_claim && _bed_teardown && rm -f "$BED_OWNER"
      ;;
    exec)
      [[ -n ${4:-} ]] || { echo "$usage" >&2; exit 2; }
      BED_DIR=$(cd "$2" && pwd -P) || exit 1
      host=$3
      shift 3
      bed_on "$host" "$@"
      ;;
    status)
      [[ -n ${2:-} ]] || { echo "$usage" >&2; exit 2; }
      BED_DIR=$(cd "$2" && pwd -P) || exit 1
      export SLURM_CONF=$BED_DIR/slurm.conf
      for ns in $(ip netns list | sed -n 's/^gmn-\([^ ]*\).*/\1/p'); do
        echo "$ns ($(bed_addr "$ns")): $(bed_pids "$ns" | xargs -r ps -o comm= -p | sort | uniq -c | paste -sd' ')"
      done
      sinfo 2>&1
      ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
fi
