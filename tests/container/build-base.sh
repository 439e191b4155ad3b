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
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
dir=$(mktemp -d /tmp/clawinit-bookworm.XXXXXX)
trap 'rm -rf "$dir"' EXIT
echo "build-base: debootstrap bookworm into $dir"
debootstrap --variant=minbase bookworm "$dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
tar --numeric-owner -C "$dir" -c . | "$engine" import - "$name" >/dev/null
echo "build-base: imported $name"
