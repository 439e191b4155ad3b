#!/usr/bin/env bash
# clawinit supervising the bundled example gateway: gateway on :8888, probes on :8899.
# Try: curl localhost:8888/status; kill -USR1 <clawinit pid> (in-place restart); Ctrl-C (stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec build/clawinit "$@" -- build/example-gateway --state-dir "${GATEWAY_STATE_DIR:-/tmp/gateway-state}"
