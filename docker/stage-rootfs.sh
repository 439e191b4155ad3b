#!/usr/bin/env bash
# Assembles the FROM-scratch image's whole filesystem as one tarball, for
# docker/Dockerfile.scratch-from-host (`ADD rootfs.tar /` keeps owners and modes, which COPY from
# the build context would reset to root:root and drop the setgid/sticky bits).
#
#   bash docker/stage-rootfs.sh CONTEXT_DIR CLAWINIT_BIN GATEWAY_BIN
#   podman build --format docker -f docker/Dockerfile.scratch-from-host -t clawinit-gateway CONTEXT_DIR
#
# Run as root (the tarball records uid 0 and gid 10001 numerically).
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 CONTEXT_DIR CLAWINIT_BIN GATEWAY_BIN" >&2; exit 2; }
ctx=$1; clawinit_bin=$2; gateway_bin=$3
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$here/rootfs/." "$stage/"
install -m 0755 "$clawinit_bin" "$stage/clawinit"
install -m 0755 "$gateway_bin" "$stage/example-gateway"
chmod 0644 "$stage/etc/passwd" "$stage/etc/group" "$stage/etc/clawinit/clawinit.yaml"
# /data: clawinit (root) owns it, so it writes state.json without CAP_DAC_OVERRIDE; the gateway
# (gid 10001) creates /data/gateway-state through the group. A volume mounted there starts so.
mkdir "$stage/data" "$stage/tmp"
chown 0:10001 "$stage/data"
chmod 2775 "$stage/data"
chmod 1777 "$stage/tmp"
mkdir -p "$ctx"
tar --numeric-owner -C "$stage" -cf "$ctx/rootfs.tar" .
