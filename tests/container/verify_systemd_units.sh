#!/usr/bin/env bash
# `systemd-analyze verify` for every unit in examples/systemd/ (run by tests/container/run.sh).
# verify insists that every ExecStart/ExecReload/ExecStop binary exists and is executable, so
# each unit is checked as a copy whose /usr/local/bin/ paths point at stand-ins in a temp dir.
# Also checks that each OpenClaw unit runs the foreground command of its version,
# `openclaw gateway run` for 2026.9.x and 2026.3.11 alike: in both, `gateway start` asks the
# host's service manager to start a service and returns at once (`openclaw gateway --help`;
# for 2026.3.11 read in the npm package's dist/daemon-cli-*.js and dist/gateway-cli-*.js).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v systemd-analyze >/dev/null || { apt-get install -y -qq --no-install-recommends systemd >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
for b in clawinit openclaw; do printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/$b"; chmod +x "$tmp/bin/$b"; done
status=0
for unit in examples/systemd/*.service; do
  name=$(basename "$unit")
  sed "s#/usr/local/bin/#$tmp/bin/#g" "$unit" >"$tmp/$name"
  if out=$(systemd-analyze verify "$tmp/$name" 2>&1) && [ -z "$out" ]; then
    echo "   ok  systemd-analyze verify $unit"
  else
    echo "FAIL  systemd-analyze verify $unit:"; echo "$out" | sed 's/^/      /'; status=1
  fi
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | tr -d '\\\n')
  case "$name" in
    *2026.9*) want="openclaw gateway run" ;;
    *2026.3.11*) want="openclaw gateway run" ;;
    *) want="" ;;
  esac
  if [ -n "$want" ] && [[ "$exec_start" != *"-- /usr/local/bin/$want"* ]]; then
    echo "FAIL  $unit: ExecStart must end with '-- .../$want'"; status=1
  fi
done
exit $status
