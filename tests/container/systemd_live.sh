#!/usr/bin/env bash
# The systemd units of examples/systemd/ run for real: this machine's PID 1 is not systemd, so
# systemd runs as PID 1 of a Podman container (Debian bookworm with systemd, `--systemd=always`)
# and each unit is installed as its header says (the sysusers.d file and systemd-sysusers, the
# profile in /etc/clawinit/, the token file), with the static clawinit and, as
# /usr/local/bin/openclaw, a stand-in that runs the bundled example gateway in the unit's
# version mode on 18789. Per unit:
#   start -> active, clawinit's /status says running; clawinit runs as openclaw with no
#            capability, NoNewPrivs and a seccomp filter, the token reached the gateway's
#            environment, the root filesystem is read-only for it;
#   reload (`clawinit restart --wait`) -> the gateway restarted in place (restarts 1), same
#            clawinit;
#   stop   (`clawinit stop --wait`) -> Result=success, clawinit logged a graceful stop;
#   `systemd-analyze security` of the loaded unit <= 4.0.
#
#   CLAWINIT_STATIC_BIN=... GATEWAY_STATIC_BIN=... bash tests/container/systemd_live.sh
#   (or CLAWINIT_STATIC_BUILD_DIR=build-release-amd64; root, Podman)
#
# Makes debian:bookworm-slim with tests/container/build-base.sh if missing, then an image with
# systemd (apt inside the build: ~40 s). Skips (scripts/skip.sh, suite `systemd`) only when no
# container can run systemd here.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
. scripts/skip.sh
say() { printf '== systemd live: %s\n' "$*"; }
bdir=${CLAWINIT_STATIC_BUILD_DIR:-$repo/build-static}
clawinit_bin=${CLAWINIT_STATIC_BIN:-$bdir/clawinit}
gateway_bin=${GATEWAY_STATIC_BIN:-$bdir/example-gateway}
for b in "$clawinit_bin" "$gateway_bin"; do
  [ -x "$b" ] || { echo "tests/container/systemd_live.sh: missing static binary $b" >&2; exit 1; }
done
command -v podman >/dev/null || skip_suite systemd "podman is not installed"
t_start=$(date +%s)

work=$(mktemp -d /tmp/clawinit-sd.XXXXXX)
name=clawinit-sd-$$
image=localhost/clawinit-systemd-test:bookworm
cleanup() {
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# runc and ulimits within the hard limits, as tests/container/run.sh explains.
nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
{ [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; } && nproc=32768
[ "$nofile" = unlimited ] && nofile=1048576
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "runc"\n' \
  "$nofile" "$nofile" "$nproc" "$nproc" >"$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf

if ! podman image exists "$image"; then
  bash tests/container/build-base.sh >/dev/null
  say "building $image (debian:bookworm-slim + systemd)"
  printf '%s\n' 'FROM docker.io/library/debian:bookworm-slim' \
    'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd systemd-sysv curl >/dev/null && rm -rf /var/lib/apt/lists/*' \
    'STOPSIGNAL SIGRTMIN+3' 'CMD ["/sbin/init"]' >"$work/Containerfile"
  podman build -q -t "$image" -f "$work/Containerfile" "$work" >/dev/null
fi
podman run -d --name "$name" --systemd=always "$image" >/dev/null ||
  skip_suite systemd "podman cannot start a container with systemd as PID 1 here"
state=""
for _ in $(seq 150); do
  state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
  case $state in running|degraded) break ;; esac
  sleep 0.2
done
case $state in running|degraded) ;; *) skip_suite systemd "systemd in the container did not come up ($state)" ;; esac
say "systemd $(podman exec "$name" systemctl --version | head -n 1 | cut -d' ' -f2) is PID 1 of $name ($state)"

# The stand-in for `openclaw gateway run`: the example gateway in the version's mode.
printf '%s\n' '#!/bin/sh' '[ "$1 $2" = "gateway run" ] || exit 2' \
  'exec /usr/local/bin/example-gateway --mode "$STANDIN_MODE" --port 18789 --host 127.0.0.1 --state-dir "$HOME/.openclaw/gw"' \
  >"$work/openclaw"
chmod 0755 "$work/openclaw"
podman cp "$clawinit_bin" "$name:/usr/local/bin/clawinit"
podman cp "$gateway_bin" "$name:/usr/local/bin/example-gateway"
podman cp "$work/openclaw" "$name:/usr/local/bin/openclaw"
podman exec "$name" mkdir -p /etc/clawinit /etc/sysusers.d
podman cp examples/systemd/openclaw.sysusers.conf "$name:/etc/sysusers.d/openclaw.conf"
# As the units' headers say: the user, the root-only token file.
podman exec "$name" sh -c 'systemd-sysusers >/dev/null 2>&1 && install -d -m 0755 /etc/openclaw &&
  (umask 077; printf "OPENCLAW_GATEWAY_TOKEN=%s\n" live-test-token >/etc/openclaw/gateway.env)'

status=0
fail() { echo "FAIL  $*"; status=1; }
in_ct() { podman exec "$name" bash -c "$1"; }
for unit_file in examples/systemd/*.service; do
  unit=$(basename "$unit_file" .service)
  version=${unit#openclaw-gateway-}
  mode=2026.9; [ "$version" = 2026.3.11 ] && mode=2026.3
  podman cp "examples/openclaw/openclaw-$version.yaml" "$name:/etc/clawinit/"
  podman cp "$unit_file" "$name:/etc/systemd/system/"
  in_ct "mkdir -p /etc/systemd/system/$unit.service.d && printf '[Service]\nEnvironment=STANDIN_MODE=$mode\n' >/etc/systemd/system/$unit.service.d/standin.conf && systemctl daemon-reload"
  if ! in_ct "systemctl start $unit"; then
    fail "$unit: systemctl start"; in_ct "journalctl -u $unit --no-pager | tail -n 20"; continue
  fi
  st=""
  for _ in $(seq 100); do
    st=$(in_ct "curl -s 127.0.0.1:8899/status" 2>/dev/null || true)
    [[ $st == *'"status":"running"'* ]] && break
    sleep 0.2
  done
  [[ $st == *'"status":"running"'* ]] || { fail "$unit: not running: $st"; in_ct "journalctl -u $unit --no-pager | tail -n 20"; }
  main=$(in_ct "systemctl show -p MainPID --value $unit")
  child=$(sed -n 's/.*"child":{"pid":\([0-9]*\).*/\1/p' <<<"$st")
  creds=$(in_ct "grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/$main/status | tr -s '\t' ' ' | tr '\n' ' '")
  uid=$(in_ct "id -u openclaw")
  [[ $creds == "Uid: $uid $uid $uid $uid CapEff: 0000000000000000 NoNewPrivs: 1 Seccomp: 2 " ]] ||
    fail "$unit: clawinit's credentials: $creds (openclaw is $uid)"
  in_ct "tr '\0' '\n' </proc/$child/environ" | grep -qx 'OPENCLAW_GATEWAY_TOKEN=live-test-token' ||
    fail "$unit: the token did not reach the gateway's environment"
  in_ct "awk '\$5 == \"/\" {print \$6}' /proc/$child/mountinfo" | grep -q '^ro' ||
    fail "$unit: the gateway's root filesystem is writable (ProtectSystem=strict)"
  if in_ct "systemctl reload $unit"; then
    st=$(in_ct "curl -s 127.0.0.1:8899/status")
    [[ $st == *'"restarts":1'* ]] && [ "$(in_ct "systemctl show -p MainPID --value $unit")" = "$main" ] ||
      fail "$unit: reload did not restart the gateway in place: $st"
  else
    fail "$unit: systemctl reload"
  fi
  level=$(in_ct "systemd-analyze security $unit" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
  awk -v l="${level:-99}" 'BEGIN { exit !(l <= 4.0) }' || fail "$unit: live exposure ${level:-?} above 4.0"
  in_ct "systemctl stop $unit" || fail "$unit: systemctl stop"
  result=$(in_ct "systemctl show -p Result --value $unit")
  log=$(in_ct "journalctl -u $unit --no-pager")
  [ "$result" = success ] && grep -q "stopped: exit code 0 after .*, graceful" <<<"$log" ||
    { fail "$unit: stop: Result=$result"; tail -n 10 <<<"$log"; }
  [ $status = 0 ] && echo "   ok  $unit under systemd: start (uid openclaw, no capabilities, seccomp, read-only /, token), reload in place, graceful stop, exposure $level"
done
say "done in $(( $(date +%s) - t_start ))s"
exit $status
