#!/usr/bin/env bash
# `genre submit --dry-run` without a cluster: the scripts it prints parse, a
# pipeline is chained, and a spec full of shell syntax neither gets past the
# checks (#SBATCH values) nor runs anything (everything else is quoted): the
# rendered scripts are executed with stand-ins for srun/scontrol/scancel and
# genre, which record the arguments they receive.
# Usage: dry_run.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
if ! "$genre" submit --help >/dev/null 2>&1; then
  echo "SKIP: this genre has no 'submit' command (genre::slurm::submit_main is not registered in src/cli/main.cpp)" >&2
  exit 77
fi
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- a pipeline spec renders two chained scripts that bash accepts
mkdir -p corpus jobs
echo "method: grid" >jobs/sweep.yaml
cat >pipeline.yaml <<'YAML'
name: dry
resources: {time: "00:20:00", output: logs}
preprocess: {input: corpus, output: dataset, resources: {ntasks-per-node: 2}}
search: {spec: jobs/sweep.yaml, out: runs/dry, resources: {ntasks-per-node: 2}, requeue: {signal_seconds: 90}}
YAML
"$genre" submit pipeline.yaml --dry-run >dry.txt
[[ $(grep -c '^# ==== ' dry.txt) == 2 ]] || fail "expected two scripts in the dry run"
grep -q '^# ==== dry-search: sbatch --parsable --dependency=afterok:<job id of dry-preprocess> --kill-on-invalid-dep=yes ' dry.txt \
  || fail "search is not chained after preprocess"
grep -q '^#SBATCH --signal=B:USR1@90$' dry.txt || fail "no requeue signal in the sweep's header"
[[ ! -e logs ]] || fail "a dry run wrote files"
awk '/^# ==== /{n++; next} {print > ("script" n ".sh")}' dry.txt
for s in script1.sh script2.sh; do bash -n "$s" || fail "$s does not parse"; done
echo "ok: pipeline dry run"

# --- the repository's jobs/pipeline-demo.yaml renders (from a folder laid
# out like the repository root, where its relative paths start)
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [[ -f $repo/jobs/demo-sweep.yaml ]]; then
  mkdir -p demo-root/demo/corpus
  ln -s "$repo/jobs" demo-root/jobs
  (cd demo-root && "$genre" submit jobs/pipeline-demo.yaml --dry-run >../demo.txt) \
    || fail "jobs/pipeline-demo.yaml does not render"
  [[ $(grep -c '^# ==== genre-demo-' demo.txt) == 3 ]] || fail "jobs/pipeline-demo.yaml should give three jobs"
  echo "ok: jobs/pipeline-demo.yaml renders"
else
  echo "note: jobs/demo-sweep.yaml (the demo sweep, issue 5) is not there yet: jobs/pipeline-demo.yaml not rendered"
fi

# --- GPU nodes: each rank keeps the one GPU at its node-local index
cat >gpu.yaml <<'YAML'
resources: {gpus-per-node: 3, nodes: 2}
search: {spec: jobs/sweep.yaml, data: jobs/sweep.yaml, out: runs/gpu}
YAML
"$genre" submit gpu.yaml --dry-run >gpu.txt
grep -q '^#SBATCH --ntasks-per-node=3$' gpu.txt || fail "GPU nodes do not get one rank per GPU"
grep '^bind_gpu=' gpu.txt >bind.sh
gpu_of() {  # LOCAL_RANK_VARIABLE=VALUE CUDA_VISIBLE_DEVICES
  env -u SLURM_LOCALID -u OMPI_COMM_WORLD_LOCAL_RANK "$1" CUDA_VISIBLE_DEVICES="$2" \
    bash -c 'source ./bind.sh; "${bind_gpu[@]}" bash -c "echo \$CUDA_VISIBLE_DEVICES"'
}
[[ $(gpu_of SLURM_LOCALID=0 2,5,7) == 2 ]] || fail "local rank 0 should keep GPU 2"
[[ $(gpu_of SLURM_LOCALID=2 2,5,7) == 7 ]] || fail "local rank 2 should keep GPU 7"
[[ $(gpu_of SLURM_LOCALID=3 2,5,7) == 2 ]] || fail "local rank 3 (the coordinator's node) should wrap to GPU 2"
[[ $(gpu_of OMPI_COMM_WORLD_LOCAL_RANK=1 0,1,2) == 1 ]] || fail "mpirun's local rank is not used"
[[ $(gpu_of SLURM_LOCALID=1 GPU-aa,GPU-bb) == GPU-bb ]] || fail "GPU UUIDs are not kept"
[[ -z $(gpu_of SLURM_LOCALID=1 '') ]] || fail "no GPUs should stay no GPUs"
echo "ok: GPU binding by local rank"

# --- values for #SBATCH lines are checked: the spec is refused, naming the key
check_refused() {  # YAML KEY
  printf '%s\n' "$1" >bad.yaml
  set +e
  msg=$("$genre" submit bad.yaml --dry-run 2>&1 >/dev/null)
  rc=$?
  set -e
  [[ $rc == 2 ]] || fail "expected exit 2 for $1, got $rc ($msg)"
  [[ $(printf '%s\n' "$msg" | wc -l) == 1 ]] || fail "expected one line, got: $msg"
  [[ $msg == *"bad.yaml: $2"* ]] || fail "message does not name $2: $msg"
}
check_refused 'preprocess: {input: corpus, output: d, resources: {partition: "debug\n#SBATCH --wrap=touch pwned"}}' \
  "preprocess.resources.partition"
check_refused 'resources: {account: "$(touch pwned)"}
preprocess: {input: corpus, output: d}' "resources.account"
check_refused 'preprocess: {input: corpus, output: d, resources: {time: "1:00:00 --wrap=id"}}' "preprocess.resources.time"
check_refused 'resources: {output: "logs;touch pwned"}
preprocess: {input: corpus, output: d}' "resources.output"
check_refused 'name: "x`touch pwned`"
preprocess: {input: corpus, output: d}' "name"
check_refused 'env: {"A;touch pwned": 1}
preprocess: {input: corpus, output: d}' "env.A;touch pwned"
check_refused 'env: {BASH_ENV: pwned.sh}
preprocess: {input: corpus, output: d}' "env.BASH_ENV"
check_refused 'modules: ["gcc && touch pwned"]
preprocess: {input: corpus, output: d}' "modules[0]"
echo "ok: hostile #SBATCH values refused"

# --- everything else is quoted: run the scripts against stand-ins
mkdir -p stub 'corpus $(touch pwned-input)' 'jobs'
cat >stub/srun <<'SH'
#!/bin/bash
while [[ $# -gt 0 && $1 == -* ]]; do shift; done
exec "$@"
SH
cat >stub/scontrol <<'SH'
#!/bin/bash
[[ "$1 $2" == "show hostnames" ]] && echo node1
SH
printf '#!/bin/bash\nexit 0\n' >stub/scancel
cat >stub/genre <<'SH'
#!/bin/bash
{ for a in "$@"; do printf '[%s]\n' "$a"; done; printf 'X=[%s]\nY=[%s]\n' "${X-}" "${Y-}"; } >>"$GENRE_STUB_OUT"
echo stub-output
SH
chmod +x stub/*
echo "method: grid" >'jobs/sweep `touch pwned-spec`.yaml'
cat >nasty.yaml <<'YAML'
name: nasty
genre: stub/genre
env: {X: "`touch pwned-env`'", Y: "$(touch pwned-env); echo"}
preprocess:
  input: "corpus $(touch pwned-input)"
  output: "out'; touch pwned-output; echo '"
  args: ["--feature", "mfcc; touch pwned-args", "$HOME", "@ARGS@"]
search:
  spec: "jobs/sweep `touch pwned-spec`.yaml"
  out: "runs/a\"b$(touch pwned-out)"
  args: ["--x=$(touch pwned-sargs)"]
classify:
  model: "corpus $(touch pwned-input)"
  inputs: ["corpus $(touch pwned-input)"]
  output: "pred;touch pwned-pred"
YAML
"$genre" submit nasty.yaml --dry-run >nasty.txt
rm -f script*.sh
awk '/^# ==== /{n++; next} {print > ("script" n ".sh")}' nasty.txt
[[ -f script3.sh ]] || fail "expected three scripts"
for s in script1.sh script2.sh script3.sh; do
  : >args.txt
  PATH="$PWD/stub:$PATH" GENRE_STUB_OUT="$PWD/args.txt" SLURM_JOB_ID=1 SLURM_NTASKS=1 SLURM_JOB_NODELIST=node1 \
    bash "$s" >"$s.log" 2>&1 || fail "$s failed: $(cat "$s.log")"
  cp args.txt "$s.args"
done
expect_args() {  # SCRIPT LINE...
  local s=$1; shift
  printf '%s\n' "$@" >expected.txt
  diff expected.txt "$s.args" >/dev/null || { diff expected.txt "$s.args" >&2; fail "$s passed other arguments"; }
}
d=$PWD
expect_args script1.sh '[preprocess]' '[--input]' "[$d/corpus \$(touch pwned-input)]" '[--output]' \
  "[$d/out'; touch pwned-output; echo ']" '[--feature]' '[mfcc; touch pwned-args]' '[$HOME]' '[@ARGS@]' \
  "X=[\`touch pwned-env\`']" 'Y=[$(touch pwned-env); echo]'
expect_args script2.sh '[search]' '[--spec]' "[$d/jobs/sweep \`touch pwned-spec\`.yaml]" '[--data]' \
  "[$d/out'; touch pwned-output; echo '/dataset.json]" '[--out]' "[$d/runs/a\"b\$(touch pwned-out)]" \
  '[--x=$(touch pwned-sargs)]' "X=[\`touch pwned-env\`']" 'Y=[$(touch pwned-env); echo]'
expect_args script3.sh '[classify]' '[--model]' "[$d/corpus \$(touch pwned-input)]" '[--format]' '[csv]' \
  '[--output]' "[$d/pred;touch pwned-pred]" \
  "[$d/corpus \$(touch pwned-input)]" "X=[\`touch pwned-env\`']" 'Y=[$(touch pwned-env); echo]'
pwned=$(find "$d" -name "pwned*" | head -5)
[[ -z $pwned ]] || fail "a spec value ran as a command: $pwned"
echo "ok: hostile values reach genre as literal arguments, nothing ran"

# --- no sbatch here: one clear line, exit 1
set +e
msg=$(PATH=/nonexistent "$genre" submit pipeline.yaml 2>&1)
rc=$?
set -e
[[ $rc == 1 && $(printf '%s\n' "$msg" | wc -l) == 1 && $msg == *"dry-preprocess not submitted"*"sbatch"* ]] \
  || fail "without sbatch: rc=$rc, message: $msg"
echo "ok: missing sbatch reported as: $msg"
echo "dry_run: all passed"
