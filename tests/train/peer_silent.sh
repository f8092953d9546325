# A silent peer must not hang `genre train` (#15.5). One rank of a 2-rank run
# is stopped with SIGSTOP (its sockets stay open, as with a cut link): the
# other gives up after train.peer_timeout_s, prints one line, keeps state.pt,
# ends the job with exit 75, and --resume continues the run. With a long
# timeout, SIGTERM (SLURM's time limit signals every task) still ends the
# stuck run within PeerWait's grace, with 143. $1 = genre binary, $2 = scratch.
set -euo pipefail
GENRE=$1
SCRATCH=$2
rm -rf "$SCRATCH" && mkdir -p "$SCRATCH" && cd "$SCRATCH"
fail() { echo "FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed_below() { /usr/bin/python3 -c "import sys; sys.exit(0 if $2 - $1 < $3 else 1)"; }

"$GENRE" synth --output corpus --classes 3 --tracks 6 --seconds 6 --seed 5 >/dev/null
"$GENRE" preprocess --input corpus --output ds --split track:0.5,0.25,0.25 --quiet
small=(--set model.name=mlp --set model.hidden=[32] --set train.threads=1 --set data.batch_size=16)

# The rank processes of the run writing OUT (not mpiexec), by their rank.
rank_pid() {
  local out=$1 rank=$2
  for p in $(pgrep -f -- "train .*--out $out( |$)"); do
    if grep -qz "^OMPI_COMM_WORLD_RANK=$rank\$" "/proc/$p/environ" 2>/dev/null; then echo "$p"; fi
  done
}
stopped=()
job=
cleanup() {
  for p in "${stopped[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
  [[ -n $job ]] && kill -KILL "$job" 2>/dev/null || true
}
trap cleanup EXIT

# Starts a 2-rank run in OUT (extra --set arguments follow), waits until its
# first epoch is written, stops rank 1 and leaves its pid in $silent and the
# launcher's in $job.
start_and_silence() {
  local out=$1
  shift
  "$MPIEXEC" --oversubscribe -n 2 "$GENRE" train --data ds "${small[@]}" --set train.epochs=100000 "$@" \
    --out "$out" --quiet >"$out.stdout" 2>"$out.stderr" &
  job=$!
  for _ in $(seq 1 600); do [[ -s $out/metrics.jsonl ]] && break; sleep 0.1; done
  [[ -s $out/metrics.jsonl ]] || fail "$out: no epoch finished: $(cat "$out.stderr")"
  silent=$(rank_pid "$out" 1)
  [[ -n $silent ]] || fail "$out: rank 1 not found"
  kill -STOP "$silent"
  stopped+=("$silent")
}

# Gone for good: neither rank nor launcher left behind.
check_cleaned_up() {
  local out=$1
  sleep 1
  [[ -z $(pgrep -f -- "train .*--out $out( |$)" || true) ]] || fail "$out: processes left behind: $(pgrep -af -- "--out $out")"
}

# 1. The peer timeout: exit 75 within the timeout and some slack, one line.
start_and_silence timeout --set train.peer_timeout_s=5
t0=$(now)
set +e; wait "$job"; rc=$?; set -e
t1=$(now)
[[ $rc == 75 ]] || fail "a silent peer must end the run with 75, got $rc: $(cat timeout.stderr)"
elapsed_below "$t0" "$t1" 20 || fail "the run took $(/usr/bin/python3 -c "print($t1 - $t0)") s to give up (timeout 5 s)"
# Rank 0's line (rank 1, woken by mpiexec's SIGCONT + SIGTERM on the way
# out, may add its own).
[[ $(grep -c "^genre train: error: rank 0: .*no answer from a peer for 5 s" timeout.stderr) == 1 ]] ||
  fail "expected one line of rank 0 naming the silent peer: $(cat timeout.stderr)"
grep -q "allreduce of .* among 2 ranks" timeout.stderr || fail "the line must name the operation: $(cat timeout.stderr)"
grep -q "state.pt .*--resume" timeout.stderr || fail "the line must say state.pt is kept: $(cat timeout.stderr)"
check_cleaned_up timeout
# The kept state.pt is whole: --resume continues from it.
done_epochs=$(wc -l < timeout/metrics.jsonl)
"$MPIEXEC" --oversubscribe -n 2 "$GENRE" train --data ds "${small[@]}" --set train.epochs=$((done_epochs + 1)) \
  --out timeout --resume --quiet 2>resume.stderr || fail "--resume after a peer timeout failed: $(cat resume.stderr)"
[[ -s timeout/final.json ]] || fail "the resumed run must finish"

# 2. SIGTERM while the peer is silent, under a timeout far away: exit 143
# within PeerWait's grace (10 s). SLURM signals every task; the stopped one
# holds its SIGTERM until it runs again.
start_and_silence term --set train.peer_timeout_s=600
sleep 1
leader=$(rank_pid term 0)
t0=$(now)
kill -TERM "$leader" "$silent"
set +e; wait "$job"; rc=$?; set -e
t1=$(now)
[[ $rc == 143 ]] || fail "SIGTERM with a silent peer must end the run with 143, got $rc: $(cat term.stderr)"
elapsed_below "$t0" "$t1" 20 || fail "SIGTERM took $(/usr/bin/python3 -c "print($t1 - $t0)") s to end the run (grace 10 s)"
grep -q "^genre train: error: rank 0: .*(SIGTERM came meanwhile)" term.stderr || fail "the line must say SIGTERM ended the wait: $(cat term.stderr)"
[[ -s term/state.pt ]] || fail "state.pt must be kept"
check_cleaned_up term
echo "peer_silent: ok"
