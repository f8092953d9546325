# SIGTERM to every rank mid-run (SLURM's time limit): the ranks commit their
# open shards and exit 143, nothing temporary is left, and the rerun reuses
# every committed track and matches an uninterrupted run.
source "$(dirname "$0")/common.sh"
"$GENRE" synth --output "$SCRATCH/corpus" --classes 3 --tracks 12 --seconds 30 --seed 5
"$GENRE" preprocess --input "$SCRATCH/corpus" --output "$SCRATCH/clean" --quiet

out="$SCRATCH/stopped"
mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --shard-tracks 4 --quiet &
launcher=$!
wait_for_shard "$out"
pids=$(rank_pids "$out")
[[ $(echo "$pids" | wc -w) == 2 ]] || fail "expected 2 ranks, found: $pids"
kill -TERM $pids
rc=0
wait "$launcher" || rc=$?
[[ $rc != 0 ]] || fail "an interrupted run must not report success"
[[ -e "$out/dataset.json" ]] && fail "an interrupted run must not leave a manifest"
ls "$out/shards" | grep -q '\.tmp$' && fail "temporary files left behind"
committed=$(/usr/bin/python3 -c "
import h5py, glob
print(sum(len(h5py.File(f,'r')['/tracks/id']) for f in glob.glob('$out/shards/*.h5')))")
echo "SIGTERM left $committed committed tracks"
[[ $committed -ge 1 ]] || fail "the open shards must be committed on SIGTERM"

mpirun_n 2 "$GENRE" preprocess --input "$SCRATCH/corpus" --output "$out" --shard-tracks 4 --quiet
[[ $(json "$out/dataset.json" "d['reused_tracks']") == "$committed" ]] || fail "every committed track must be reused"
"$COMPARE" "$SCRATCH/clean" "$out" 0
echo "sigterm_resume: ok"
