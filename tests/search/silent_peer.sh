# A silent rank must not hang a sweep (#15.5). Five ranks: the coordinator
# and two groups of two (ranks 1-2, 3-4). One rank of group 0 is stopped with
# SIGSTOP while its trial runs: after train.peer_timeout_s (5 s) the healthy
# rank of the group reports it, the group is retired, its trial is journaled
# trial_lost with the reason and restarts from its checkpoint on group 1, which
# finishes every trial; rank 0 names the retired group and ends the job with 0
# (every trial has its result). The leaderboard equals an uninterrupted run's.
# Stopped: first a non-leader (rank 2), then a leader (rank 1), whose group
# mate is then left waiting for its word.
source "$(dirname "$0")/common.sh"
make_dataset
cat > sweep.yaml <<'YAML'
method: grid
ranks_per_trial: 2
base:
  model: {name: mlp, hidden: [32]}
  data: {batch_size: 8}
  train: {epochs: 12, seed: 1, threads: 1, peer_timeout_s: 5}
parameters:
  optim.lr: {values: [0.003, 0.001, 0.0005, 0.002]}
YAML
mpirun_n 3 "$GENRE" search --spec sweep.yaml --data ds/dataset.json --out runs/clean --quiet > /dev/null

# The pid of world rank R of the sweep writing OUT.
world_rank_pid() {
  local out=$1 rank=$2
  for p in $(rank_pids "$out"); do
    if grep -qz "^OMPI_COMM_WORLD_RANK=$rank\$" "/proc/$p/environ" 2>/dev/null; then echo "$p"; fi
  done
}
stopped=()
cleanup() {
  for p in "${stopped[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

for silent_rank in 2 1; do
  out=runs/silent$silent_rank
  mpirun_n 5 "$GENRE" search --spec sweep.yaml --data ds/dataset.json --out $out --quiet > $out.out 2> $out.err &
  launcher=$!
  # Group 0's first trial has journaled an epoch: it is mid-trial.
  for _ in $(seq 1 1200); do
    /usr/bin/python3 - $out/journal.jsonl <<'PY' 2>/dev/null && break
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.endswith("\n")]
mine = {e["trial"] for e in ev if e["event"] == "trial_started" and e["group"] == 0}
sys.exit(0 if any(e["event"] == "epoch" and e["trial"] in mine for e in ev) else 1)
PY
    sleep 0.05
  done
  pid=$(world_rank_pid $out $silent_rank)
  [[ -n $pid ]] || fail "rank $silent_rank of $out not found"
  kill -STOP "$pid"
  stopped+=("$pid")
  set +e; wait $launcher; rc=$?; set -e
  [[ $rc == 0 ]] || fail "rank $silent_rank silent: the sweep must finish every trial and exit 0, got $rc: $(cat $out.err)"
  grep -q "genre search: retired group 0 (ranks 1-2): rank [12]: .*no answer from a peer for 5 s" $out.err ||
    fail "rank 0 must name the retired group and why: $(cat $out.err)"
  /usr/bin/python3 - $out/journal.jsonl <<'PY' || fail "rank $silent_rank silent: journal: $(cat $out/journal.jsonl)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
lost = [e for e in ev if e["event"] == "trial_lost"]
assert len(lost) == 1 and lost[0]["group"] == 0, lost
assert "no answer from a peer" in lost[0]["reason"], lost
t = lost[0]["trial"]
after = ev[ev.index(lost[0]):]
restarts = [e for e in after if e["event"] == "trial_started" and e["trial"] == t]
assert len(restarts) == 1 and restarts[0]["group"] == 1 and restarts[0]["attempt"] == 2, restarts
finished = [e["trial"] for e in ev if e["event"] == "trial_finished"]
assert sorted(finished) == [0, 1, 2, 3], finished  # each once
assert not any(e["event"] == "trial_started" and e["group"] == 0 for e in after), "group 0 got work after it was lost"
assert ev[-1]["event"] == "sweep_ended" and ev[-1]["status"] == "complete", ev[-1]
PY
  [[ "$(py $out board)" == "$(py runs/clean board)" ]] ||
    fail "rank $silent_rank silent: the leaderboard differs from an uninterrupted run's: $(py $out board) vs $(py runs/clean board)"
  sleep 1
  [[ -z "$(rank_pids $out)" ]] || fail "rank $silent_rank silent: processes left behind: $(rank_pids $out)"
done
echo "silent_peer: ok"
