#!/usr/bin/env bash
# The genre front (src/cli): it loads no LibTorch, every command of
# `genre --help` answers through it (train, classify and search by exec'ing
# genre-torch beside it, also under mpiexec), and without genre-torch those
# three fail with one line naming the file and the reason.
# Usage: front.sh GENRE SCRATCH
set -euo pipefail
genre=$1
scratch=$2
torch=$(dirname "$genre")/genre-torch
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- no LibTorch in the front; the same check finds it in genre-torch
[[ $(ldd "$genre" | grep -c torch) == 0 ]] || fail "genre links LibTorch: $(ldd "$genre" | grep torch)"
[[ $(ldd "$genre" | grep -c libc10) == 0 ]] || fail "genre links libc10"
[[ $(ldd "$torch" | grep -c torch) -gt 0 ]] || fail "genre-torch shows no LibTorch in ldd: the check above proves nothing"
echo "ok: genre loads no LibTorch, genre-torch does"

# --- every listed command answers --help through the front
"$genre" --help >help.txt
mapfile -t commands < <(awk '/^commands:/{on=1; next} on && NF {print $1} !NF && on {exit}' help.txt)
[[ ${#commands[@]} == 8 ]] || fail "expected 8 commands in genre --help, got ${#commands[*]}"
for c in "${commands[@]}"; do
  "$genre" "$c" --help >"$c.txt" 2>&1 || fail "genre $c --help exited $?: $(cat "$c.txt")"
  head -1 "$c.txt" | grep -Eq "^usage: (.* )?genre $c( |$)" || fail "genre $c --help: $(head -1 "$c.txt")"
done
echo "ok: ${commands[*]} answer --help through genre"

# --- the torch commands really run in genre-torch, with the same arguments
# (a usage error names the command and the option, as the command itself does)
for c in train classify search; do
  set +e; "$genre" "$c" --no-such-option 2>err; rc=$?; set -e
  [[ $rc == 2 ]] || fail "genre $c --no-such-option must exit 2, got $rc"
  [[ $(wc -l <err) == 1 ]] && grep -q "^genre $c: error: .*no-such-option" err || fail "genre $c: $(cat err)"
done
# under mpiexec: each rank execs genre-torch before MPI starts; rank 0 alone reports the usage error
set +e; "$MPIEXEC" --oversubscribe -n 2 "$genre" train --no-such-option 2>err; rc=$?; set -e
[[ $rc == 2 ]] || fail "mpiexec -n 2 genre train --no-such-option must exit 2, got $rc: $(cat err)"
[[ $(grep -c "^genre train: error: .*no-such-option" err) == 1 ]] || fail "expected one error line from 2 ranks: $(cat err)"
echo "ok: train, classify, search run in genre-torch, alone and under mpiexec"

# --- without genre-torch beside it: one line, exit 1; the other commands still work
mkdir alone && cp "$genre" alone/genre
set +e; alone/genre train --help >out 2>err; rc=$?; set -e
[[ $rc == 1 ]] || fail "genre train without genre-torch must exit 1, got $rc"
[[ $(wc -l <err) == 1 ]] && grep -q "^genre train: error: cannot run $scratch/alone/genre-torch .*: No such file or directory$" err \
  || fail "genre train without genre-torch: $(cat err)"
alone/genre inspect --help >/dev/null || fail "genre inspect must not need genre-torch"
echo "ok: a missing genre-torch is one line naming it"

# --- genre-torch alone refuses the commands it does not hold
set +e; "$torch" inspect 2>err; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "unknown command 'inspect'" err || fail "genre-torch inspect: exit $rc, $(cat err)"
"$torch" --help | grep -q "train" || fail "genre-torch --help must name its commands"
echo "ok: genre-torch holds train, classify, search only"
