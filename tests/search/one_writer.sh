# One writer per run folder (issue #13.1): a second `genre search --out R`
# while one runs there is refused with one line naming the holder (exit 75),
# alone and under mpiexec, and touches nothing; the first ends as if alone,
# and its journal stays readable by `genre leaderboard` and --resume. A run
# killed with SIGKILL leaves its lock file, which the next run takes over.
source "$(dirname "$0")/common.sh"
make_dataset
cat > sweep.yaml <<'YAML'
method: grid
base:
  model: {name: cnn, filters: [8, 8, 8], dense: 16}
  data: {batch_size: 4}
  train: {epochs: 3, seed: 1, threads: 1}
parameters:
  optim.lr: {values: [0.003, 0.001]}
YAML
search() { "$GENRE" search --spec sweep.yaml --data ds/dataset.json --quiet "$@"; }

search --out runs/a > first.out 2>&1 &
first=$!
# Held still as soon as it holds the folder, so the second run surely meets
# it running (no timing luck).
until grep -qs '^command=' runs/a/.genre.lock; do :; done
holder=$(sed -n 's/^pid=//p' runs/a/.genre.lock)
kill -STOP $holder
[[ -e runs/a/.genre.lock ]] || fail "the first run ended before it could be held still"
for launch in alone mpi; do
  set +e
  if [[ $launch == alone ]]; then search --out runs/a --resume > second.out 2> second.err
  else mpirun_n 3 "$GENRE" search --spec sweep.yaml --data ds/dataset.json --quiet --out runs/a --resume > second.out 2> second.err; fi
  rc=$?
  set -e
  [[ $rc == 75 ]] || { kill -CONT $holder; fail "$launch: a second run on a busy folder must exit 75, got $rc: $(cat second.err)"; }
  # One line from genre (mpiexec adds its own notice of the exit code).
  [[ $(grep -c "genre search: error:" second.err) == 1 ]] || { kill -CONT $holder; fail "$launch: want one line, got: $(cat second.err)"; }
  grep -q "runs/a: in use by another run: pid $holder on host $(hostname) since .*: genre search --spec sweep.yaml .*--out runs/a" second.err ||
    { kill -CONT $holder; fail "$launch: the line must name the holder: $(cat second.err)"; }
  echo "ok ($launch): $(cat second.err)"
done
kill -CONT $holder
wait $first || fail "the first run must end as if alone: $(cat first.out)"
expect runs/a 's["counts"]["sweep_started"] == 1' "the refused runs journaled nothing"
expect runs/a 'all(v == "finished" for v in s["status"].values()) and len(s["status"]) == 2' "both trials finished"
[[ ! -e runs/a/.genre.lock ]] || fail "a clean end removes the lock file"
"$GENRE" leaderboard runs/a > board.out || fail "the leaderboard must read the journal: $(cat board.out)"
search --out runs/a --resume > resumed.out 2>&1 || fail "--resume must accept the journal: $(cat resumed.out)"
expect runs/a 'all(n == 1 for n in s["starts"].values())' "nothing finished ran again"

# SIGKILL: the lock file stays; the kernel dropped the lock, so --resume takes it over.
search --out runs/b > killed.out 2>&1 &
wait_for runs/b 'epochs>=1'
victim=$(sed -n 's/^pid=//p' runs/b/.genre.lock)
kill -KILL $victim
wait || true
[[ -e runs/b/.genre.lock ]] || fail "a killed run leaves its lock file"
"$GENRE" search --spec sweep.yaml --data ds/dataset.json --out runs/b --resume > taken.out 2>&1 ||
  fail "--resume after a SIGKILL must take the dead run's lock over: $(cat taken.out)"
grep -q "taking over the lock of a run that ended without releasing it (pid $victim " taken.out ||
  fail "the take-over is logged: $(cat taken.out)"
expect runs/b 'all(v == "finished" for v in s["status"].values())' "the resumed sweep finished"
