#!/usr/bin/env bash
# Mutation check: every promise is backed by a test that fails when the promise breaks.
#
#   bash scripts/mutate.sh [--rotate N] [NAME_REGEX]
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
# The scratch tree holds every file git tracks (`git ls-files`), as it is in the working tree
# (uncommitted edits included; untracked files are not copied). It is built once, and the
# tests the selected breaks name are run on it unbroken first: if one fails there, the script
# stops (a test that fails anyway would "kill" every break that names it). Then, for each
# break (NAME_REGEX picks some): applies it to the scratch copy (never the working tree),
# rebuilds (only the changed file recompiles), runs the tests, and restores the file.
#   killed   a test that passed on the unbroken tree failed: the promise is backed
#   survived the tests passed with the break: FAILURE
#   stale    `find` does not occur exactly once, or the break does not compile, or `tests`
#            matches no test: FAILURE (the list must follow the code)
# --rotate N (what CI runs): the breaks NAME_REGEX picks, plus at most N of the others, a
# different share at each commit: the others, in name order, are dealt into as few shares as
# hold at most N each, and the share run is the commit's first-parent count (one more per
# landing on main) modulo the number of shares, or the commit hash modulo it in a shallow
# clone; so every break runs within that many landings.
# Exits 1 if any break survived or is stale. docs/testing.md says more.
#
# MUTATE_WORK=DIR keeps the scratch tree and build there (default: a temp dir, removed);
# MUTATE_TEST_TIMEOUT=S is ctest's per-test timeout (default 300); MUTATE_CMAKE_ARGS adds to the
# configure line.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
rotate=0
if [ "${1:-}" = "--rotate" ]; then
  [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "mutate: --rotate wants a number of breaks, got '${2:-}'" >&2; exit 2; }
  rotate=$2
  shift 2
fi
pick=${1:-.}
share_key=0
if [ "$rotate" -gt 0 ]; then
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = false ]; then
    share_key=$(git rev-list --count --first-parent HEAD)
  else
    share_key=$(( 16#$(git rev-parse HEAD | cut -c1-12) ))
  fi
fi
timeout=${MUTATE_TEST_TIMEOUT:-300}
t_start=$(date +%s)

work=${MUTATE_WORK:-}
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/clawinit-mutate.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
# mktemp makes it 0700: a test that runs its child as another user (--user nobody, as
# test_user_env does) could not reach the scratch build's binaries, and would fail on the
# unbroken tree for that alone. The source tree's own build/ is world-readable; so is this.
mkdir -p "$work" && chmod 755 "$work"
tree=$work/tree
build=$tree/build-mutate

# The scratch tree: what the build and the tests read, every tracked file. A file is copied
# (with a fresh time stamp) only when its content differs, so a kept MUTATE_WORK rebuilds only
# what changed, and never trusts an object built from a broken copy; a file git no longer
# tracks is removed from it.
git rev-parse --git-dir >/dev/null 2>&1 ||
  { echo "mutate: $repo is not a git checkout: the scratch tree is what git tracks" >&2; exit 1; }
mkdir -p "$tree"
git ls-files -z >"$work/tracked"
python3 - "$tree" "$(basename "$build")" "$work/tracked" <<'PY'
import os, shutil, sys
tree, build = sys.argv[1], sys.argv[2]
tracked = [p for p in open(sys.argv[3], "rb").read().decode().split("\0") if p]
keep = set()
for path in tracked:
    if not os.path.lexists(path):
        continue  # deleted in the working tree, not yet committed
    keep.add(path)
    dest = os.path.join(tree, path)
    if os.path.islink(path):
        if not (os.path.islink(dest) and os.readlink(dest) == os.readlink(path)):
            if os.path.lexists(dest):
                os.remove(dest)
            os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
            os.symlink(os.readlink(path), dest)
        continue
    with open(path, "rb") as f:
        data = f.read()
    if os.path.isfile(dest) and not os.path.islink(dest):
        with open(dest, "rb") as f:
            if f.read() == data:
                continue
    os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
    if os.path.lexists(dest):
        os.remove(dest)
    shutil.copy(path, dest)  # content and mode; the time stamp is now
for d, dirs, files in os.walk(tree):
    if d == tree and build in dirs:
        dirs.remove(build)
    for f in files:
        rel = os.path.relpath(os.path.join(d, f), tree)
        if rel not in keep:
            os.remove(os.path.join(tree, rel))
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
python3 - "$pick" "$rotate" "$share_key" tests/mutations/*.txt >"$work/breaks" <<'PY'
import re, sys
pick = re.compile(sys.argv[1])
rotate, share_key = int(sys.argv[2]), int(sys.argv[3])
keys = ["name", "promise", "file", "find", "replace", "tests"]
picked, others = [], []
for path in sys.argv[4:]:
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
        record = [fields[k] for k in keys] + [fields.get("only", ""), path]
        (picked if pick.search(fields["name"]) else others).append(record)
if rotate:
    others.sort(key=lambda r: r[0])
    count = -(-len(others) // rotate)  # as few shares as hold at most N each, evenly filled
    shares = [others[i::count] for i in range(count)]
    if shares:
        n = share_key % len(shares)
        print(f"mutate: rotating share {n + 1} of {len(shares)} ({len(shares[n])} breaks beyond "
              f"the {len(picked)} named): {' '.join(r[0] for r in shares[n])}", file=sys.stderr)
        picked += shares[n]
for record in picked:
    sys.stdout.write("\0".join(record) + "\0")
PY

# The unbroken tree first: every test a selected break names, each with the union of the
# `only` filters its breaks give (all of it if one break gives none). A test that fails here
# would count as killing every break that names it, whatever the break does.
t_base=$(date +%s)
python3 - "$build" "$timeout" "$work" <<'PY' || exit 1
import os, re, subprocess, sys
build, timeout, work = sys.argv[1], sys.argv[2], sys.argv[3]
fields = open(os.path.join(work, "breaks"), "rb").read().decode().split("\0")[:-1]
breaks = [fields[i:i + 8] for i in range(0, len(fields), 8)]

def names(regex):
    out = subprocess.run(["ctest", "--test-dir", build, "-N", "-R", regex],
                         capture_output=True, text=True, check=True).stdout
    return [m.group(1) for m in re.finditer(r"^\s*Test\s+#\d+: (.*)$", out, re.M)]

plan = {}  # test name -> set of `only` substrings, or None for the whole test
for _name, _promise, _file, _find, _replace, tests, only, _origin in breaks:
    for test in names(tests):
        if test in plan and plan[test] is None:
            continue
        plan[test] = None if not only.split() else plan.get(test, set()) | set(only.split())
failed = []
with open(os.path.join(work, "baseline.log"), "w") as log:
    for test, only in plan.items():
        exact = "^" + re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", test) + "$"
        env = dict(os.environ, CLAWINIT_TEST_ONLY=" ".join(sorted(only or ())))
        log.write(f"== {test} (only: {env['CLAWINIT_TEST_ONLY'] or 'all'})\n")
        log.flush()
        rc = subprocess.run(["ctest", "--test-dir", build, "-R", exact, "--timeout", timeout,
                             "--output-on-failure"], stdout=log, stderr=subprocess.STDOUT,
                            env=env).returncode
        if rc != 0:
            failed.append(test)
        print(f"mutate: unbroken tree: {'FAILED' if rc else 'passed'}  {test}", file=sys.stderr)
with open(os.path.join(work, "baseline-passed"), "w") as f:
    f.write("".join(t + "\n" for t in plan if t not in failed))
if failed:
    print("".join(open(os.path.join(work, "baseline.log")).readlines()[-40:]), file=sys.stderr)
    sys.exit(f"mutate: {len(failed)} test(s) fail on the UNBROKEN tree ({work}/baseline.log): "
             f"{', '.join(failed)}; a break cannot be judged by a test that fails anyway: fix "
             f"the tree or the test first (no break was tried)")
PY
echo "mutate: the unbroken tree passes the selected tests ($(( $(date +%s) - t_base ))s)" >&2

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
      elif killed_by=$(python3 - "$work/test.log" "$work/baseline-passed" <<'PY'
import re, sys
log = open(sys.argv[1]).read()
passed = set(open(sys.argv[2]).read().splitlines())
failed = log.split("The following tests FAILED:", 1)[-1] if "tests FAILED:" in log else ""
# `  12 - name (Failed)`; a test that did not run is no kill.
names = [m.group(1) for m in re.finditer(r"^\s*\d+ - (.*) \(([^()]*)\)\s*$", failed, re.M)
         if m.group(2) not in ("Not Run", "Disabled")]
hits = [n for n in names if n in passed]
print(", ".join(hits))
sys.exit(0 if hits else 1)
PY
      ); then
        outcome="killed"
      else
        outcome="SURVIVED (the tests failed, but none that passed on the unbroken tree)"
      fi
    fi
  fi
  case $outcome in
    killed) killed=$((killed + 1)) ;;
    SURVIVED*) survived=$((survived + 1)); tail -30 "$work/test.log" >&2 ;;
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
