#!/usr/bin/env bash
# check_layering.py on a small tree made here: clean, it passes; with an
# include cycle, an include of the top folder, or a CMakeLists compiling a
# source of another folder, it fails and names the files.
# Usage: check_finds_faults.sh CHECK_LAYERING_PY SCRATCH
set -euo pipefail
check=$(realpath "$1")
root=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$root" && mkdir -p "$root"/src/{common,low,cli} "$root"/{preprocess,search,slurm}
cd "$root"
echo '#pragma once' >src/common/error.h
printf '#include "common/error.h"\n' >src/low/low.h
printf '#include "low/low.h"\n#include <vector>\n' >preprocess/pipeline.h
printf '#include "preprocess/pipeline.h"\n#include "low/low.h"\n' >src/cli/main.cpp
echo 'add_library(low STATIC low.cpp ${CMAKE_CURRENT_BINARY_DIR}/generated.cpp)' >src/low/CMakeLists.txt
expect() {  # expect RC PATTERN: runs the check, wants exit RC and PATTERN in its output
  set +e; /usr/bin/python3 "$check" "$root" --top cli --print >out 2>&1; rc=$?; set -e
  [[ $rc == "$1" ]] || fail "exit $rc, expected $1: $(cat out)"
  grep -q -- "$2" out || fail "no '$2' in: $(cat out)"
}
expect 0 "6 folders, 4 include edges, no cycle"
expect 0 "^3  cli         -> low preprocess$"

printf '#include "preprocess/pipeline.h"\n' >>src/low/low.h   # low -> preprocess -> low
expect 1 "include cycle among low, preprocess:"
expect 1 "low -> preprocess (src/low/low.h:2)"
sed -i '$d' src/low/low.h

printf '#include "cli/command.h"\n' >>search/x.cpp
expect 1 "search includes the top folder cli (search/x.cpp:1)"
rm search/x.cpp

echo 'add_library(p STATIC ${PROJECT_SOURCE_DIR}/src/low/low.cpp ../slurm/s.cpp)' >preprocess/CMakeLists.txt
expect 1 "outside the CMakeLists' folder: preprocess/CMakeLists.txt:1: \${PROJECT_SOURCE_DIR}/src/low/low.cpp"
expect 1 "outside the CMakeLists' folder: preprocess/CMakeLists.txt:1: ../slurm/s.cpp"
rm preprocess/CMakeLists.txt
expect 0 "no cycle"
echo "ok: the layering check passes a clean tree and names each fault"
