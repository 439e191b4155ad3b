#!/usr/bin/env bash
# Memory and undefined-behaviour checks of the whole suite, as root (unshare --pid):
#
#  1. ASan + UBSan (-DCLAWINIT_SANITIZE=ON) into build-asan/: unit, integration and fault
#     tests, every binary instrumented (clawinit as PID 1 included). Any report aborts the
#     process, so the test that drove it fails. LeakSanitizer reports leaks at exit.
#  2. valgrind memcheck of a plain -O1 -g build (build-valgrind/) under a representative
#     subset of the integration tests: TEST_CLAWINIT points at a wrapper that runs clawinit
#     under valgrind (as PID 1 of the namespace: valgrind is the same process). Leaks or
#     errors make clawinit exit 99, and every log is scanned afterwards as well. Not
#     test_operate: `clawinit stop` refuses a target whose comm is valgrind's, not clawinit.
#
#   bash tests/sanitize.sh            # both
#   bash tests/sanitize.sh asan       # one of them
#   bash tests/sanitize.sh valgrind [TEST_MODULE...]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
[ $# -gt 0 ] && shift
jobs=${SANITIZE_JOBS:-$(nproc)}

run_asan() {
  cmake -S . -B build-asan -DCLAWINIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build-asan -j"$jobs"
  # halt_on_error: a report must fail the test, not scroll past. detect_leaks: at exit.
  export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=98:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=97
  # Sanitized binaries are slower: stretch the deadlines, never the assertions. TEST_SANITIZED
  # scales the few bounds about speed or memory that ASan itself inflates (harness.py says
  # which and why).
  TEST_SANITIZED=asan TEST_PATIENCE=${TEST_PATIENCE:-90} \
    ctest --test-dir build-asan --output-on-failure -j2
}

run_valgrind() {
  command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
  cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1 -g" >/dev/null
  cmake --build build-valgrind -j"$jobs" --target clawinit testchild example-gateway state_torture
  local dir logs wrapper
  dir=$(pwd)/build-valgrind
  logs=$dir/valgrind-logs
  wrapper=$dir/clawinit-under-valgrind
  rm -rf "$logs"
  mkdir -p "$logs"
  # One log per run: as PID 1 every %p is 1, so a random tag tells the runs apart. Forked
  # children are silent until they exec the real child.
  cat >"$wrapper" <<EOF
#!/bin/sh
VG_RUN=\$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
export VG_RUN
exec valgrind --quiet --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \\
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --child-silent-after-fork=yes \\
  --log-file=$logs/vg.%q{VG_RUN}.%p.log "$dir/clawinit" "\$@"
EOF
  chmod +x "$wrapper"
  local modules=("$@")
  [ ${#modules[@]} -gt 0 ] || modules=(test_pid1 test_probe test_state test_reaping)
  local status=0
  (cd tests/integration &&
    TEST_SANITIZED=valgrind TEST_CLAWINIT=$wrapper TEST_CHILD=$dir/testchild \
    TEST_GATEWAY=$dir/example-gateway TEST_STATE_TORTURE=$dir/state_torture \
    TEST_PATIENCE=${TEST_PATIENCE:-120} \
    python3 -m unittest "${modules[@]}") || status=1
  local runs bad
  runs=$(ls "$logs" | wc -l)
  # --quiet leaves a log empty unless valgrind found something.
  bad=$(find "$logs" -type f -size +0 | sort)
  echo "valgrind: $runs clawinit runs, $(echo -n "$bad" | grep -c . || true) with findings"
  for log in $bad; do
    echo "== $log"
    cat "$log"
    status=1
  done
  return $status
}

case $what in
  asan) run_asan ;;
  valgrind) run_valgrind "$@" ;;
  all) run_asan && run_valgrind "$@" ;;
  *) echo "usage: $0 [all|asan|valgrind [TEST_MODULE...]]" >&2; exit 2 ;;
esac
