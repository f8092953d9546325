#!/usr/bin/env bash
# tracks/s of `genre preprocess` on 1 and 2 ranks over a 200-track synthetic
# corpus (10 classes x 20 tracks x 30 s), 5 alternating runs each; prints the
# medians and the parallel efficiency (tracks/s on 2 ranks / (2 x on 1 rank)).
# Wall time as dataset.json records it: scan, decode, features, shard writing;
# then where the last 2-rank run's time went (dataset.json's rank_timing).
set -euo pipefail
genre=${1:-build/src/cli/genre}
work=${2:-$(mktemp -d)}
runs=${RUNS:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[[ -d $work/corpus ]] || "$genre" synth --output "$work/corpus" --classes 10 --tracks 20 --seconds 30 >/dev/null 2>&1
rate() { /usr/bin/python3 -c "import json; print(json.load(open('$1/dataset.json'))['tracks_per_s'])"; }
one=() two=()
for i in $(seq "$runs"); do
  "$genre" preprocess --input "$work/corpus" --output "$work/one" --force --quiet >/dev/null
  one+=("$(rate "$work/one")")
  mpiexec --oversubscribe -n 2 --bind-to none "$genre" preprocess --input "$work/corpus" --output "$work/two" --force --quiet >/dev/null
  two+=("$(rate "$work/two")")
done
/usr/bin/python3 - "${one[*]}" "${two[*]}" <<'PY'
import statistics, sys
one = [float(x) for x in sys.argv[1].split()]
two = [float(x) for x in sys.argv[2].split()]
m1, m2 = statistics.median(one), statistics.median(two)
print(f"preprocess, 200 tracks x 30 s, MFCC-13: 1 rank {m1:.1f} tracks/s ({1000/m1:.1f} ms/track), "
      f"2 ranks {m2:.1f} tracks/s; parallel efficiency {m2/(2*m1):.2f} (medians of {len(one)} runs)")
PY
/usr/bin/python3 - "$work/two/dataset.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
ranks = "; ".join(f"rank {t['rank']}: {t['files']} files, work {t['work_s']:.3f} s, write {t['write_s']:.3f} s, "
                  f"done at {t['done_s']:.3f} s" for t in m["rank_timing"])
print(f"last 2-rank run: wall {m['wall_s']:.3f} s, planning {m['plan_s']:.3f} s; {ranks}")
PY
