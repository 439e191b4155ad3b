#!/usr/bin/env bash
# Container tests: clawinit as PID 1 of real Podman containers (run as root, by CI).
#
#   bash tests/container/run.sh                      # everything
#   bash tests/container/run.sh TestKubePlay         # arguments go to unittest (one class, -k ...)
#
# 1. installs podman, runc, python3-yaml if missing; writes a private containers.conf (runc,
#    ulimits within this machine's hard limits) and points CONTAINERS_CONF at it;
# 2. builds the static binaries (or takes CLAWINIT_STATIC_BIN / GATEWAY_STATIC_BIN);
# 3. checks every clawinit config in examples/ with `clawinit check-config` and every manifest
#    with tests/container/validate_manifests.py (these run even if no container can start);
# 4. builds the FROM-scratch image from the host-built binaries (docker/Dockerfile.scratch-from-host,
#    `podman build --format docker` so HEALTHCHECK is kept) and runs tests/container/test_podman.py.
#
# 5. starts a private Docker engine (docker.io) and runs tests/container/test_docker.py against
#    the same image built with `docker build` (CLAWINIT_CT_DOCKER=0 leaves it out).
#
# CLAWINIT_CT_FULL=1 also builds docker/Dockerfile (multi-stage, debian:bookworm-slim made
# locally by tests/container/build-base.sh; slow: debootstrap, apt and a compile inside a
# container) and runs the same tests against that image.
#
# Exit: 0 all passed, 1 failure. When no container can run here at all (no runtime, dockerd
# will not start), scripts/skip.sh's skip_suite logs the SKIP and fails, unless
# CLAWINIT_ALLOW_SKIP names `container` (Podman) or `docker` (the Docker engine).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
export DEBIAN_FRONTEND=noninteractive
t_start=$(date +%s)

say() { printf '== container tests: %s\n' "$*"; }
. scripts/skip.sh
skip() {
  printf '== (the manifests and configs above were still validated)\n' >&2
  skip_suite container "$*"
}
[ "$(id -u)" -eq 0 ] || { echo "tests/container/run.sh must run as root (rootful Podman)" >&2; exit 1; }

# --- packages ---------------------------------------------------------------------------------
# scripts/packages.txt's containers group (which says why each is there); without recommends,
# so no Docker engine comes with docker-compose.
packages=($(bash scripts/packages.sh containers))
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
install_failed=""
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    install_failed="apt-get install ${missing[*]} failed"
  fi
fi

# --- static binaries --------------------------------------------------------------------------
if [ -n "${CLAWINIT_STATIC_BIN:-}" ] && [ -n "${GATEWAY_STATIC_BIN:-}" ]; then
  clawinit_bin=$CLAWINIT_STATIC_BIN
  gateway_bin=$GATEWAY_STATIC_BIN
else
  bdir=${CLAWINIT_STATIC_BUILD_DIR:-$repo/build-static}
  say "building static clawinit and example-gateway in $bdir"
  cmake -S "$repo" -B "$bdir" -DCLAWINIT_STATIC=ON -DCLAWINIT_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
  cmake --build "$bdir" -j"$(nproc)" --target clawinit example-gateway
  clawinit_bin=$bdir/clawinit
  gateway_bin=$bdir/example-gateway
fi
for b in "$clawinit_bin" "$gateway_bin"; do
  [ -x "$b" ] || { echo "missing binary: $b" >&2; exit 1; }
  if file_out=$(LC_ALL=C ldd "$b" 2>&1); then
    echo "$b is dynamically linked; a FROM-scratch image needs the static build:" >&2
    echo "$file_out" >&2
    exit 1
  fi
done

# --- configs and manifests (no runtime needed) ------------------------------------------------
say "clawinit check-config on every clawinit configuration in the repository"
configs=(docker/rootfs/etc/clawinit/clawinit.yaml examples/openclaw/openclaw-*.yaml)
tmpcfg=$(mktemp -d /tmp/clawinit-ct-cfg.XXXXXX)
# The clawinit YAML embedded in ConfigMaps, extracted by the validator.
/usr/bin/python3 tests/container/validate_manifests.py --extract-clawinit-configs "$tmpcfg"
configs+=("$tmpcfg"/*.yaml)
# check-config resolves `user:` on the machine it runs on (README: Decisions), and these files
# name the users of their images (gateway: docker/rootfs; node: OpenClaw's node image), so they
# are checked in a mount namespace whose /etc/passwd and /etc/group have those users.
etc_dir=$tmpcfg/etc; mkdir -p "$etc_dir"
{ cat docker/rootfs/etc/passwd; echo 'node:x:1000:1000::/home/node:/bin/sh'; } >"$etc_dir/passwd"
{ cat docker/rootfs/etc/group; echo 'node:x:1000:'; } >"$etc_dir/group"
check_config() {
  env -u CLAWINIT_CONFIG unshare --mount sh -c 'mount --bind "$1/passwd" /etc/passwd &&
    mount --bind "$1/group" /etc/group && exec "$2" check-config "$3"' sh "$etc_dir" "$clawinit_bin" "$1"
}
for c in "${configs[@]}"; do
  [ -e "$c" ] || continue
  if ! out=$(check_config "$c" 2>&1); then
    echo "check-config $c failed:" >&2; echo "$out" >&2; exit 1
  fi
  echo "   ok  $c"
done
rm -rf "$tmpcfg"
say "validating manifests"
/usr/bin/python3 tests/container/validate_manifests.py
say "systemd-analyze verify on examples/systemd"
bash tests/container/verify_systemd_units.sh

# --- runtime ----------------------------------------------------------------------------------
[ -z "$install_failed" ] || skip "$install_failed: no container runtime on this machine"
command -v podman >/dev/null || skip "podman is not installed"

work=$(mktemp -d /tmp/clawinit-ct.XXXXXX)
run_id="ct$$$(date +%s | tail -c 5)"
image="localhost/clawinit-ct-$run_id:test"
label="clawinit-ct=$run_id"

cleanup() {
  set +e
  for c in $(podman ps -a -q --filter "label=$label" 2>/dev/null) \
           $(podman ps -a -q --filter "name=clawinit-ct-$run_id" 2>/dev/null); do
    podman rm -f -t 0 "$c" >/dev/null 2>&1
  done
  for p in $(podman pod ps -q --filter "name=clawinit-ct-$run_id" 2>/dev/null); do podman pod rm -f "$p" >/dev/null 2>&1; done
  for v in $(podman volume ls -q --filter "name=clawinit-ct-$run_id" 2>/dev/null); do podman volume rm -f "$v" >/dev/null 2>&1; done
  podman rmi -f "$image" >/dev/null 2>&1
  [ -z "${full_image:-}" ] || podman rmi -f "$full_image" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# crun fails on this machine's hybrid cgroups, and the default ulimits exceed the hard limits
# (root has no CAP_SYS_RESOURCE here): runc, and limits no higher than `ulimit -H`.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
if [ "$nofile" = unlimited ]; then nofile=1048576; fi
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "runc"\n' \
  "$nofile" "$nofile" "$nproc" "$nproc" > "$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf

if ip link show cni-podman0 >/dev/null 2>&1 && [ "$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null)" = netavark ]; then
  echo "warning: a leftover CNI bridge cni-podman0 exists next to netavark; container traffic may" \
       "fail until it is deleted (ip link delete cni-podman0)" >&2
fi

say "building $image from host-built static binaries (docker/Dockerfile.scratch-from-host)"
ctx=$work/ctx
bash docker/stage-rootfs.sh "$ctx" "$clawinit_bin" "$gateway_bin"
podman build -q --no-cache --format docker -f docker/Dockerfile.scratch-from-host -t "$image" "$ctx" >/dev/null

# Can this machine run a container at all? Only this decides a SKIP; later failures are failures.
if ! smoke=$(timeout 60 podman run --rm --label "$label" --entrypoint /clawinit "$image" --version 2>"$work/smoke.err"); then
  skip "podman cannot start a container here: $(grep -v systemd "$work/smoke.err" | tail -n 3 | tr '\n' ' ')"
fi
say "runtime works (podman $(podman version --format '{{.Client.Version}}'), runc; clawinit: $smoke)"

rc=0
CT_IMAGE=$image CT_RUN_ID=$run_id CT_REPO=$repo /usr/bin/python3 tests/container/test_podman.py "$@" || rc=1

if [ "${CLAWINIT_CT_FULL:-0}" = 1 ]; then
  say "CLAWINIT_CT_FULL=1: building docker/Dockerfile (multi-stage) on a local debian:bookworm-slim"
  bash tests/container/build-base.sh
  full_image="localhost/clawinit-ct-$run_id:full"
  podman build --format docker --ignorefile docker/Dockerfile.dockerignore -f docker/Dockerfile \
    -t "$full_image" "$repo"
  CT_IMAGE=$full_image CT_RUN_ID=${run_id}f CT_REPO=$repo /usr/bin/python3 tests/container/test_podman.py "$@" || rc=1
fi

# --- Docker engine ----------------------------------------------------------------------------
# A private dockerd (own data, exec root and socket under $work; Debian's docker.io), the same
# image built with `docker build`, tests/container/test_docker.py. After the Podman tests, and
# torn down before we exit: dockerd sets the FORWARD policy to DROP and leaves a docker0 bridge,
# both put back here. CLAWINIT_CT_DOCKER=0 leaves it out.
docker_tests() {
  local dwork=$work/docker dimage=clawinit-ct-$run_id:docker policy
  mkdir -p "$dwork"
  local docker_packages p docker_missing=()
  # Called with || (set -e is off here): a list that cannot be read fails the suite.
  docker_packages=($(bash scripts/packages.sh docker)) || return 1
  for p in "${docker_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || docker_missing+=("$p")
  done
  if [ ${#docker_missing[@]} -gt 0 ]; then
    say "installing ${docker_missing[*]}"
    { apt-get install -y -qq --no-install-recommends "${docker_missing[@]}" >/dev/null ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${docker_missing[@]}" >/dev/null; }; } ||
      { (skip_suite docker "apt-get install ${docker_missing[*]} failed"); return; }
  fi
  policy=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}')
  dockerd --data-root "$dwork/data" --exec-root "$dwork/exec" --pidfile "$dwork/dockerd.pid" \
    -H "unix://$dwork/docker.sock" >"$dwork/dockerd.log" 2>&1 &
  local dockerd_pid=$!
  export DOCKER_HOST=unix://$dwork/docker.sock
  local up=0
  for _ in $(seq 100); do /usr/bin/docker version >/dev/null 2>&1 && { up=1; break; }; sleep 0.2; done
  local drc=0
  if [ $up = 0 ]; then
    tail -n 5 "$dwork/dockerd.log"; (skip_suite docker "dockerd did not come up") || drc=1
  else
    say "Docker engine $(/usr/bin/docker version --format '{{.Server.Version}}'): building $dimage"
    if ! DOCKER_BUILDKIT=0 /usr/bin/docker build -q -f docker/Dockerfile.scratch-from-host \
         -t "$dimage" "$ctx" >/dev/null; then
      echo "== Docker engine: docker build of $dimage failed (see above)"; drc=1
    elif ! /usr/bin/docker run --rm --entrypoint /clawinit "$dimage" --version >/dev/null 2>"$dwork/smoke.err"; then
      tail -n 3 "$dwork/smoke.err"; (skip_suite docker "dockerd cannot start a container here") || drc=1
    else
      PODMAN=/usr/bin/docker CT_IMAGE=$dimage CT_RUN_ID=${run_id}d CT_REPO=$repo \
        /usr/bin/python3 tests/container/test_docker.py || drc=1
    fi
    for c in $(/usr/bin/docker ps -a -q --filter "name=clawinit-ct-${run_id}d" 2>/dev/null); do
      /usr/bin/docker rm -f "$c" >/dev/null 2>&1
    done
    for v in $(/usr/bin/docker volume ls -q --filter "name=clawinit-ct-${run_id}d" 2>/dev/null); do
      /usr/bin/docker volume rm -f "$v" >/dev/null 2>&1
    done
  fi
  kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null
  unset DOCKER_HOST
  ip link delete docker0 2>/dev/null
  [ -z "$policy" ] || iptables -P FORWARD "$policy" 2>/dev/null
  rm -rf "$dwork" 2>/dev/null || true  # overlay mounts may linger a moment; $work cleanup retries
  return $drc
}
if [ "${CLAWINIT_CT_DOCKER:-1}" = 1 ]; then
  docker_tests || rc=1
fi

# --- documented builds and commands (issue 13) --------------------------------------------------
# docker/Dockerfile and Dockerfile.add-to-existing built exactly as documented, with Podman and
# a private Docker engine, from `git archive`; then the README's and examples' container
# commands as written (tests/container/documented.sh). CLAWINIT_CT_DOCUMENTED=0 leaves it out.
if [ "${CLAWINIT_CT_DOCUMENTED:-1}" = 1 ]; then
  say "documented image builds and commands (tests/container/documented.sh)"
  bash tests/container/documented.sh || rc=1
fi

say "done in $(( $(date +%s) - t_start ))s: $([ $rc -eq 0 ] && echo PASSED || echo FAILED)"
exit $rc
