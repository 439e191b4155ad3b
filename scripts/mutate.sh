#!/usr/bin/env bash
# Mutation check: every promise is backed by a test that fails when the promise breaks.
#
#   bash scripts/mutate.sh [NAME_REGEX]
#
# Reads every tests/mutations/*.txt: blocks separated by a blank line, each
#   name:    short-kebab-name
#   promise: the README promise it breaks
#   file:    src/path/file.cpp
#   find:    an exact snippet that occurs EXACTLY ONCE in that file
#   replace: the broken replacement
#   tests:   a ctest -R regex that must go red with the break
#   only:    (optional) blank-separated substrings of Python test ids: within the ctest tests,
#            only these run (tests/run_unittest.py, CLAWINIT_TEST_ONLY)
# For each break (NAME_REGEX picks some): applies it to a scratch copy of the tree (never the
# working tree), rebuilds (only the changed file recompiles: the copy has its own build
# directory, built once before the first break), runs the tests, and restores the file.
#   killed   the tests failed: the promise is backed
#   survived the tests passed with the break: FAILURE
#   stale    `find` does not occur exactly once, or the break does not compile, or `tests`
#            matches no test: FAILURE (the list must follow the code)
# Exits 1 if any break survived or is stale. docs/testing.md says more.
#
# MUTATE_WORK=DIR keeps the scratch tree and build there (default: a temp dir, removed);
# MUTATE_TEST_TIMEOUT=S is ctest's per-test timeout (default 300); MUTATE_CMAKE_ARGS adds to the
# configure line.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
pick=${1:-.}
timeout=${MUTATE_TEST_TIMEOUT:-300}
t_start=$(date +%s)

work=${MUTATE_WORK:-}
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/clawinit-mutate.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
tree=$work/tree
build=$tree/build-mutate

# The scratch tree: what the build and the tests read. A file is copied (with a fresh time
# stamp) only when its content differs, so a kept MUTATE_WORK rebuilds only what changed, and
# never trusts an object built from a broken copy.
mkdir -p "$tree"
python3 - "$tree" CMakeLists.txt cmake src tests examples <<'PY'
import os, shutil, sys
tree = sys.argv[1]
for part in sys.argv[2:]:
    paths = [part] if os.path.isfile(part) else [
        os.path.join(d, f) for d, _, files in os.walk(part) for f in files]
    for path in paths:
        dest = os.path.join(tree, path)
        with open(path, "rb") as f:
            data = f.read()
        if os.path.exists(dest):
            with open(dest, "rb") as f:
                if f.read() == data:
                    continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy(path, dest)  # content and mode; the time stamp is now
PY

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$work
fi
echo "mutate: building the scratch tree in $build" >&2
cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" ${MUTATE_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log" >&2; echo "mutate: the unbroken tree does not build" >&2; exit 1; }

# The breaks, as NUL-separated records: name promise file find replace tests only origin.
python3 - "$pick" tests/mutations/*.txt >"$work/breaks" <<'PY'
import re, sys
pick = re.compile(sys.argv[1])
keys = ["name", "promise", "file", "find", "replace", "tests"]
for path in sys.argv[2:]:
    text = open(path).read()
    for block in [b for b in re.split(r"\n\s*\n", text) if b.strip()]:
        fields = {}
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            key, sep, value = line.partition(":")
            if not sep:
                sys.exit(f"{path}: not `key: value`: {line!r}")
            fields[key.strip()] = value[1:] if value.startswith(" ") else value
        missing = [k for k in keys if k not in fields]
        if missing:
            sys.exit(f"{path}: block without {missing}: {block!r}")
        if not pick.search(fields["name"]):
            continue
        record = [fields[k] for k in keys] + [fields.get("only", ""), path]
        sys.stdout.write("\0".join(record) + "\0")
PY

killed=0 survived=0 stale=0 report=()
restore=""
while IFS= read -r -d '' name && IFS= read -r -d '' promise && IFS= read -r -d '' file &&
      IFS= read -r -d '' find && IFS= read -r -d '' replace && IFS= read -r -d '' tests &&
      IFS= read -r -d '' only && IFS= read -r -d '' origin; do
  t0=$(date +%s)
  target=$tree/$file
  # The previous break's file back to the original (a fresh time stamp: it recompiles).
  [ -z "$restore" ] || { cp "$repo/$restore" "$tree/$restore"; touch "$tree/$restore"; }
  restore=""
  outcome=""
  if [ ! -f "$target" ]; then
    outcome="stale (no file $file)"
  elif ! FIND=$find REPLACE=$replace python3 - "$target" <<'PY'
import os, sys
path = sys.argv[1]
text = open(path).read()
find, replace = os.environ["FIND"], os.environ["REPLACE"]
if text.count(find) != 1:
    sys.exit(f"`find` occurs {text.count(find)} times in {path}")
open(path, "w").write(text.replace(find, replace))
PY
  then
    outcome="stale (find does not occur exactly once)"
  else
    restore=$file
    if ! cmake --build "$build" -j"$(nproc)" >"$work/break.log" 2>&1; then
      tail -20 "$work/break.log" >&2
      outcome="stale (does not compile)"
    else
      count=$(ctest --test-dir "$build" -N -R "$tests" | awk '/^Total Tests:/ {print $3}')
      if [ "${count:-0}" -eq 0 ]; then
        outcome="stale (tests '$tests' match no test)"
      elif CLAWINIT_TEST_ONLY=$only ctest --test-dir "$build" -R "$tests" --timeout "$timeout" \
           >"$work/test.log" 2>&1; then
        outcome="SURVIVED"
      else
        outcome="killed"
      fi
    fi
  fi
  case $outcome in
    killed) killed=$((killed + 1)) ;;
    SURVIVED) survived=$((survived + 1)); tail -30 "$work/test.log" >&2 ;;
    *) stale=$((stale + 1)) ;;
  esac
  line=$(printf '%-36s %-10s %4ss  %s' "$name" "${outcome%% *}" $(( $(date +%s) - t0 )) "$promise")
  [ "${outcome%% *}" = "$outcome" ] || line="$line [${outcome#* }]"
  echo "mutate: $line" >&2
  report+=("$line   (${origin#tests/mutations/})")
done <"$work/breaks"
[ -z "$restore" ] || { cp "$repo/$restore" "$tree/$restore"; touch "$tree/$restore"; }

echo
echo "Mutation check ($(( $(date +%s) - t_start ))s):"
printf '  %s\n' "${report[@]}"
total=$((killed + survived + stale))
echo "mutate: $total breaks: $killed killed, $survived survived, $stale stale"
[ "$total" -gt 0 ] || { echo "mutate: no break selected" >&2; exit 1; }
[ $((survived + stale)) -eq 0 ]
