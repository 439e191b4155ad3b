#!/usr/bin/env bash
# clawinit supervising the bundled example gateway: gateway on :8888, probes on :8899.
# Try: curl localhost:8888/status; kill -USR1 <clawinit pid> (in-place restart; clawinit logs its
# pid first); kill -TERM <clawinit pid> or Ctrl-C (the gateway, the foreground job, stops).
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what runs here: the unit tests and test helpers are the other ~3 minutes of a fresh build.
bash scripts/setup.sh clawinit example-gateway
exec build/clawinit "$@" -- build/example-gateway --state-dir "${GATEWAY_STATE_DIR:-/tmp/gateway-state}"
