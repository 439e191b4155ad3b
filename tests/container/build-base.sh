#!/usr/bin/env bash
# Makes the `debian:bookworm-slim` base image locally, for docker/Dockerfile's build stage on a
# machine that cannot reach a registry (optional; CI's fast path builds the final image from
# host-built binaries instead, see tests/container/run.sh).
#
#   bash tests/container/build-base.sh                # for podman (default)
#   ENGINE=docker bash tests/container/build-base.sh  # for a Docker engine
#
# debootstrap --variant=minbase takes about 30 s and 200 MB; the import a few seconds. The full
# name docker.io/library/debian:bookworm-slim makes `FROM debian:bookworm-slim` find it locally.
# Run as root. Does nothing if the image exists already.
#   BASE_TAR=/tmp/base.tar bash tests/container/build-base.sh   # debootstrap once, keep the tree
set -euo pipefail
engine=${ENGINE:-podman}
name=docker.io/library/debian:bookworm-slim
[ "$engine" = docker ] && name=debian:bookworm-slim
if "$engine" image inspect "$name" >/dev/null 2>&1; then
  echo "build-base: $name exists"
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  packages=($(bash "$(dirname "$0")/../../scripts/packages.sh" base-image))
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
# BASE_TAR=FILE keeps the debootstrap tree as a tarball, so that one CI run debootstraps once
# and imports the same base into Podman and the Docker engine (tests/container/documented.sh).
if [ -n "${BASE_TAR:-}" ] && [ -s "$BASE_TAR" ]; then
  "$engine" import - "$name" < "$BASE_TAR" >/dev/null
  echo "build-base: imported $name from $BASE_TAR"
  exit 0
fi
dir=$(mktemp -d /tmp/clawinit-bookworm.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "build-base: debootstrap bookworm into $dir"
debootstrap --variant=minbase bookworm "$dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
if [ -n "${BASE_TAR:-}" ]; then
  tar --numeric-owner -C "$dir" -cf "$BASE_TAR" .
  "$engine" import - "$name" < "$BASE_TAR" >/dev/null
else
  tar --numeric-owner -C "$dir" -c . | "$engine" import - "$name" >/dev/null
fi
echo "build-base: imported $name"
