#!/usr/bin/env bash
# The documented image builds and container commands, as a new user runs them (issue 13).
# Called by tests/container/run.sh on every run; alone: `bash tests/container/documented.sh`
# (root; podman, docker.io, docker-compose installed, as .ci/run does).
#
# 1. `git archive` of the commit under test (HEAD plus uncommitted changes to tracked files):
#    the build context holds only what the repository holds, as in a fresh clone.
# 2. debian:bookworm-slim made once (debootstrap, tests/container/build-base.sh with BASE_TAR)
#    and imported into both engines; a stand-in for node:24-bookworm-slim built on it
#    (tests/container/node-standin.sh: the real node 24 and npm).
# 3. Podman: the README's `podman build ... -f docker/Dockerfile -t clawinit-gateway .`, the
#    build of docker/Dockerfile.add-to-existing from its header, then documented.py (the
#    README's run / exec / kill / stop lines with `podman`, and `-it` through a pty).
# 4. A private Docker engine: the README's `docker build -f docker/Dockerfile -t
#    clawinit-gateway .`, add-to-existing, then documented.py (the same lines, the Compose
#    blocks of the README and examples/compose/README.md with docker-compose v1, `-it`).
# With both engines, documented.py's OpenClaw class runs the real openclaw@2026.9.6 gateway
# (installed by add-to-existing's own `npm install -g` line) as examples/openclaw/README.md
# says: 1-1.2 min per engine (and ~1 min for its Compose block with Docker) on 2 busy cores,
# plus 1.5-1.7 min per add-to-existing build for the real npm install (docs/testing.md).
# Prints how long each build took. Exit 0 when everything passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "documented.sh must run as root" >&2; exit 1; }
say() { printf '== documented: %s\n' "$*"; }
t_all=$(date +%s)
since() { echo "$(( $(date +%s) - $1 ))s"; }

work=$(mktemp -d /tmp/clawinit-doc.XXXXXX)
dockerd_pid=""
cleanup() {
  set +e
  podman rm -f gw openclaw >/dev/null 2>&1
  podman volume rm -f gw-data openclaw-home clawinit-state >/dev/null 2>&1
  podman rmi -f localhost/clawinit-gateway:latest localhost/openclaw-clawinit:2026.9 >/dev/null 2>&1
  [ -z "${standin:-}" ] || podman rmi -f docker.io/library/node:24-bookworm-slim >/dev/null 2>&1
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null
    ip link delete docker0 2>/dev/null
    [ -z "${policy:-}" ] || iptables -P FORWARD "$policy" 2>/dev/null
  fi
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

rev=$(git stash create 2>/dev/null || true)
src=$work/src
mkdir -p "$src"
git archive "${rev:-HEAD}" | tar -x -C "$src"
say "context: git archive of ${rev:-HEAD} ($(du -sh "$src" | cut -f1))"
export BASE_TAR=${BASE_TAR:-$work/bookworm-minbase.tar}
rc=0

# --- Podman -----------------------------------------------------------------------------------
# The same private settings as run.sh (runc; ulimits within the hard limits).
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
if [ "$nofile" = unlimited ]; then nofile=1048576; fi
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "runc"\n' \
  "$nofile" "$nofile" "$nproc" "$nproc" > "$work/containers.conf"
export CONTAINERS_CONF=$work/containers.conf

t=$(date +%s)
bash tests/container/build-base.sh
# Podman had the base already (an earlier run): its tree is the tarball Docker imports.
if [ ! -s "$BASE_TAR" ]; then
  cid=$(podman create docker.io/library/debian:bookworm-slim true)
  podman export -o "$BASE_TAR" "$cid" && podman rm "$cid" >/dev/null
fi
say "podman: base image ready in $(since "$t")"
# The stand-in only where no real node image is; removed again at the end. It carries the real
# node 24 and npm (fetched once into /var/cache/clawinit-ct, tests/container/node-standin.sh),
# so add-to-existing's `npm install -g openclaw@...` installs the real gateway from the registry.
standin=""
if ! podman image exists docker.io/library/node:24-bookworm-slim; then
  ENGINE=podman bash tests/container/node-standin.sh
  standin=1
fi
# `|| exit 1` after each build: set -e does not act inside a subshell that is the left side
# of `||`, and a failed build must not be reported as built.
(
  cd "$src"
  t=$(date +%s)
  # README "The image", as written.
  podman build --format docker --ignorefile docker/Dockerfile.dockerignore \
    -f docker/Dockerfile -t clawinit-gateway . || exit 1
  say "podman: docker/Dockerfile built in $(since "$t"); image $(podman image inspect clawinit-gateway --format '{{.Size}}') bytes"
  t=$(date +%s)
  # docker/Dockerfile.add-to-existing's header, with podman (--format docker keeps HEALTHCHECK).
  podman build --format docker -f docker/Dockerfile.add-to-existing \
    --build-arg OPENCLAW_VERSION=2026.9.6 --build-arg CLAWINIT_CONFIG_FILE=openclaw-2026.9.yaml \
    -t openclaw-clawinit:2026.9 . || exit 1
  say "podman: Dockerfile.add-to-existing built in $(since "$t")"
) || { echo "== documented: podman builds FAILED"; rc=1; }
if [ $rc = 0 ]; then
  ENGINE=podman CT_REPO=$src /usr/bin/python3 tests/container/documented.py || rc=1
fi

# --- Docker engine ----------------------------------------------------------------------------
dwork=$work/docker
mkdir -p "$dwork"
policy=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}')
dockerd --data-root "$dwork/data" --exec-root "$dwork/exec" --pidfile "$dwork/dockerd.pid" \
  -H "unix://$dwork/docker.sock" >"$dwork/dockerd.log" 2>&1 &
dockerd_pid=$!
export DOCKER_HOST=unix://$dwork/docker.sock
for _ in $(seq 100); do /usr/bin/docker version >/dev/null 2>&1 && break; sleep 0.2; done
t=$(date +%s)
ENGINE=docker bash tests/container/build-base.sh
ENGINE=docker bash tests/container/node-standin.sh
say "docker: base images ready in $(since "$t")"
(
  cd "$src"
  t=$(date +%s)
  # README "The image", as written (Debian's docker.io 20.10: the legacy builder, which reads
  # the root .dockerignore).
  docker build -f docker/Dockerfile -t clawinit-gateway . || exit 1
  say "docker: docker/Dockerfile built in $(since "$t"); image $(docker image inspect clawinit-gateway --format '{{.Size}}') bytes"
  t=$(date +%s)
  docker build -f docker/Dockerfile.add-to-existing \
    --build-arg OPENCLAW_VERSION=2026.9.6 --build-arg CLAWINIT_CONFIG_FILE=openclaw-2026.9.yaml \
    -t openclaw-clawinit:2026.9 . || exit 1
  say "docker: Dockerfile.add-to-existing built in $(since "$t")"
) || { echo "== documented: docker builds FAILED"; rc=1; }
if [ $rc = 0 ]; then
  ENGINE=docker CT_REPO=$src /usr/bin/python3 tests/container/documented.py || rc=1
fi
unset DOCKER_HOST

say "done in $(since "$t_all"): $([ $rc = 0 ] && echo PASSED || echo FAILED)"
exit $rc
