#!/usr/bin/env bash
# The systemd units of examples/systemd/ (run by tests/container/run.sh), without running
# systemd (PID 1 of this machine is not systemd):
# 1. `systemd-analyze verify` on each unit. verify insists that every ExecStart/ExecReload/
#    ExecStop binary exists and is executable, so each unit is checked as a copy whose
#    /usr/local/bin/ paths point at stand-ins in a temp dir.
# 2. `systemd-analyze security --offline=true`: the exposure level must be at or below
#    MAX_EXPOSURE and equal to the figure the unit's comment states.
# 3. Each OpenClaw unit runs the foreground command of its version, `openclaw gateway run` for
#    2026.9.x and 2026.3.11 alike: in both, `gateway start` asks the host's service manager to
#    start a service and returns at once (`openclaw gateway --help`; for 2026.3.11 read in the
#    npm package's dist/daemon-cli-*.js and dist/gateway-cli-*.js).
# 4. The units' user: openclaw.sysusers.conf creates `openclaw` (systemd-sysusers --root into a
#    scratch root), and the units run as it.
# 5. With CLAWINIT_BIN and GATEWAY_BIN (tests/container/run.sh passes the static ones): the
#    syscalls clawinit and the example gateway make through a start, `clawinit restart --wait`,
#    /metrics and `clawinit stop --wait` (strace -f) are all allowed by the units'
#    SystemCallFilter: the sandbox does not break clawinit.
set -euo pipefail
cd "$(dirname "$0")/../.."
MAX_EXPOSURE=4.0
if ! command -v systemd-analyze >/dev/null; then
  packages=($(bash scripts/packages.sh systemd))
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
for b in clawinit openclaw; do printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/$b"; chmod +x "$tmp/bin/$b"; done
status=0
fail() { echo "FAIL  $*"; status=1; }

# A syscall group as systemd-analyze lists it, nested groups expanded.
expand() {
  systemd-analyze syscall-filter "$1" | sed -n '2,$p' | grep -vE '^\s*#' | tr -d ' ' | grep -v '^$' |
    while read -r x; do case "$x" in @*) expand "$x" ;; *) echo "$x" ;; esac; done
}

for unit in examples/systemd/*.service; do
  name=$(basename "$unit")
  sed "s#/usr/local/bin/#$tmp/bin/#g" "$unit" >"$tmp/$name"
  if out=$(systemd-analyze verify "$tmp/$name" 2>&1) && [ -z "$out" ]; then
    echo "   ok  systemd-analyze verify $unit"
  else
    fail "systemd-analyze verify $unit:"; echo "$out" | sed 's/^/      /'
  fi
  level=$(cd "$tmp" && systemd-analyze security --offline=true "$name" 2>&1 |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
  stated=$(sed -n 's/.*`systemd-analyze security` exposure \([0-9.]*\).*/\1/p' "$unit")
  if [ -z "$level" ]; then
    fail "$unit: systemd-analyze security gave no exposure level"
  elif ! awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l <= m) }'; then
    fail "$unit: exposure $level is above $MAX_EXPOSURE"
  elif [ "$level" != "$stated" ]; then
    fail "$unit: exposure is $level, the unit's comment says ${stated:-nothing}"
  else
    echo "   ok  systemd-analyze security $unit: exposure $level (<= $MAX_EXPOSURE)"
  fi
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | tr -d '\\\n')
  case "$name" in
    *2026.9*) want="openclaw gateway run" ;;
    *2026.3.11*) want="openclaw gateway run" ;;
    *) want="" ;;
  esac
  if [ -n "$want" ] && [[ "$exec_start" != *"-- /usr/local/bin/$want"* ]]; then
    fail "$unit: ExecStart must end with '-- .../$want'"
  fi
  # Type=notify with the watchdog (README "sd_notify"): systemd learns readiness from READY=1,
  # a hung gateway (no WATCHDOG=1) gets clawinit's normal stop (SIGTERM) and a restart, and the
  # watchdog is at least twice the time clawinit needs to call the gateway hung, from the
  # profile the unit loads (its check-interval x live-failures + check-timeout).
  profile=examples/openclaw/$(sed -n 's#^ExecStart=.* -c /etc/clawinit/\([^ ]*\) .*#\1#p' "$unit")
  if out=$(python3 - "$unit" "$profile" <<'PY'
import re, sys, yaml
unit, profile = open(sys.argv[1]).read(), yaml.safe_load(open(sys.argv[2]))
def seconds(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|min|h)?", str(text).strip())
    return float(m[1]) * {"ms": 0.001, "s": 1, None: 1, "m": 60, "min": 60, "h": 3600}[m[2]]
keys = dict(re.findall(r"^(\w+)=(.*)$", unit, re.M))
need = 2 * (seconds(profile.get("check-interval", "2s")) * int(profile.get("live-failures", 3))
            + seconds(profile.get("check-timeout", "1s")))
wrong = [f"{k}={keys.get(k)} (want {v})" for k, v in
         {"Type": "notify", "NotifyAccess": "main", "WatchdogSignal": "SIGTERM",
          "Restart": "on-failure"}.items() if keys.get(k) != v]
if "WatchdogSec" not in keys or seconds(keys["WatchdogSec"]) < need:
    wrong.append(f"WatchdogSec={keys.get('WatchdogSec')} (want >= {need:g}s)")
if seconds(keys.get("TimeoutStartSec", "90s")) < 120:
    wrong.append(f"TimeoutStartSec={keys.get('TimeoutStartSec')} (the gateway needs 40-50 s)")
print("; ".join(wrong) if wrong else f"WatchdogSec={keys['WatchdogSec']} >= {need:g}s")
sys.exit(1 if wrong else 0)
PY
  ); then
    echo "   ok  $unit: Type=notify, NotifyAccess=main, $out, WatchdogSignal=SIGTERM, Restart=on-failure"
  else
    fail "$unit: $out"
  fi
  user=$(sed -n 's/^User=//p' "$unit")
  if [ "$user" != openclaw ] || ! grep -q '^StateDirectory=openclaw$' "$unit"; then
    fail "$unit: must run as User=openclaw with StateDirectory=openclaw"
  fi
done

mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" - <examples/systemd/openclaw.sysusers.conf >/dev/null 2>&1 || true
if grep -q '^openclaw:x:[0-9]*:[0-9]*:.*:/var/lib/openclaw:' "$tmp/root/etc/passwd" 2>/dev/null &&
   grep -q '^openclaw:x:' "$tmp/root/etc/group"; then
  echo "   ok  openclaw.sysusers.conf creates the openclaw user and group (systemd-sysusers)"
else
  fail "examples/systemd/openclaw.sysusers.conf does not create openclaw (systemd-sysusers --root)"
fi

if [ -n "${CLAWINIT_BIN:-}" ] && [ -n "${GATEWAY_BIN:-}" ] && command -v strace >/dev/null; then
  unit=examples/systemd/openclaw-gateway-2026.9.service
  allow=$(sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$unit")
  deny=$(sed -n 's/^SystemCallFilter=~//p' "$unit")
  for g in $allow; do expand "$g"; done | sort -u >"$tmp/allowed"
  for g in $deny; do expand "$g"; done | sort -u >"$tmp/denied"
  port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  probe=$(port) gw=$(port)
  strace -f -qq -o "$tmp/trace" env -u CLAWINIT_CONFIG "$CLAWINIT_BIN" \
    --probe-listen "127.0.0.1:$probe" --ready-check "http://127.0.0.1:$gw/readyz" \
    --live-check "http://127.0.0.1:$gw/healthz" --state-dir "$tmp/state" --grace 10s \
    -- "$GATEWAY_BIN" --port "$gw" --state-dir "$tmp/state/gw" >"$tmp/run.log" 2>&1 &
  spid=$!
  pid=""
  for _ in $(seq 100); do
    pid=$(python3 -c 'import json, sys, urllib.request
try: print(json.load(urllib.request.urlopen("http://127.0.0.1:%s/status" % sys.argv[1], timeout=2))["child"]["pid"])
except Exception: pass' "$probe")
    [ -n "$pid" ] && break; sleep 0.2
  done
  cpid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || true)
  if [ -z "$cpid" ] || ! "$CLAWINIT_BIN" restart --wait --pid "$cpid" --probe "127.0.0.1:$probe" >/dev/null ||
     ! python3 -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5)' "$probe" ||
     ! "$CLAWINIT_BIN" stop --wait --pid "$cpid" --probe "127.0.0.1:$probe" >/dev/null; then
    fail "clawinit under strace did not start, restart and stop:"; sed 's/^/      /' "$tmp/run.log"
    kill "$spid" 2>/dev/null || true
  fi
  wait "$spid" || true
  sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$tmp/trace" | sort -u >"$tmp/used"
  blocked=$( { comm -23 "$tmp/used" "$tmp/allowed"; comm -12 "$tmp/used" "$tmp/denied"; } | sort -u | tr '\n' ' ')
  if [ "$(wc -l <"$tmp/used")" -lt 20 ]; then
    fail "strace saw only $(wc -l <"$tmp/used") syscalls: the trace did not work"
  elif [ -n "$blocked" ]; then
    fail "$unit: SystemCallFilter blocks syscalls clawinit or the gateway use: $blocked"
  else
    echo "   ok  the $(wc -l <"$tmp/used") syscalls clawinit and the example gateway use are all allowed by SystemCallFilter"
  fi
fi
exit $status
