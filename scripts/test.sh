#!/usr/bin/env bash
# The whole test suite: unit tests (doctest) and integration tests (the real binary as PID 1 of a
# fresh PID namespace and as a subreaper). Integration tests need root for unshare --pid.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j2 "$@"
# The README's other command, as written: clawinit supervising the example gateway on
# :8888/:8899, restarted in place, then stopped with Ctrl-C.
bash tests/readme/first_command.sh
