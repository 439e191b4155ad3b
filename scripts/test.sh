#!/usr/bin/env bash
# The whole test suite: unit tests (doctest) and integration tests (the real binary as PID 1 of a
# fresh PID namespace and as a subreaper). Integration tests need root for unshare --pid.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j2 "$@"
# The Python suites' own counts (tests/run_unittest.py), which CTest keeps only in its log: a
# skipped test shows here, not only in LastTest.log.
awk '/: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ {p += $(NF-5); f += $(NF-3); s += $(NF-1)}
     END {printf "python suites: %d passed, %d failed, %d skipped\n", p, f, s}' \
  build/Testing/Temporary/LastTest.log
grep -h ': [0-9]* passed, [0-9]* failed, [1-9][0-9]* skipped$' build/Testing/Temporary/LastTest.log || true
# The README's other command, as written: clawinit supervising the example gateway on
# :8888/:8899, restarted in place, then stopped with Ctrl-C.
bash tests/readme/first_command.sh
