#!/usr/bin/env bash
# The real OpenClaw gateway's figures in docs/benchmarks.md ("Real gateway"): builds the
# documented image with Podman if it is missing, then runs bench/openclaw.py (prints; asserts
# nothing). Root (rootful Podman); ~12 min for 3 runs per mode on 2 busy cores.
#
#   bash bench/openclaw.sh                  # 3 runs per mode
#   bash bench/openclaw.sh --runs 5         # arguments go to bench/openclaw.py
#
# The image: debian:bookworm-slim (tests/container/build-base.sh), the node:24-bookworm-slim
# stand-in with the real node 24 and npm (tests/container/node-standin.sh), clawinit-gateway
# from a static clawinit (build-static/, or CLAWINIT_STATIC_BUILD_DIR; built if missing,
# docker/Dockerfile.scratch-from-host), then docker/Dockerfile.add-to-existing as documented,
# which installs openclaw@2026.9.6 from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/openclaw.sh must run as root" >&2; exit 1; }
work=$(mktemp -d /tmp/clawinit-bench-oc.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "${CONTAINERS_CONF:-}" ]; then  # runc, ulimits within the hard limits (as run.sh)
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
  if [ "$nofile" = unlimited ]; then nofile=1048576; fi
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "runc"\n' \
    "$nofile" "$nofile" "$nproc" "$nproc" >"$work/containers.conf"
  export CONTAINERS_CONF=$work/containers.conf
fi
image=localhost/openclaw-clawinit:2026.9
if ! podman image exists "$image"; then
  bash tests/container/build-base.sh
  podman image exists docker.io/library/node:24-bookworm-slim || ENGINE=podman bash tests/container/node-standin.sh
  bdir=${CLAWINIT_STATIC_BUILD_DIR:-build-static}
  if [ ! -x "$bdir/clawinit" ]; then
    cmake -S . -B "$bdir" -DCLAWINIT_STATIC=ON -DCLAWINIT_TESTS=OFF -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
    cmake --build "$bdir" -j"$(nproc)" --target clawinit example-gateway
  fi
  bash docker/stage-rootfs.sh "$work/ctx" "$bdir/clawinit" "$bdir/example-gateway"
  podman build -q --format docker -f docker/Dockerfile.scratch-from-host -t clawinit-gateway "$work/ctx" >/dev/null
  podman build -q --format docker -f docker/Dockerfile.add-to-existing \
    --build-arg OPENCLAW_VERSION=2026.9.6 --build-arg CLAWINIT_CONFIG_FILE=openclaw-2026.9.yaml \
    -t openclaw-clawinit:2026.9 . >/dev/null
fi
echo "# clawinit $(podman run --rm --entrypoint /usr/local/bin/clawinit "$image" --version 2>/dev/null | head -1)"
exec python3 bench/openclaw.py --image "$image" "$@"
