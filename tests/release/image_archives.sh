#!/usr/bin/env bash
# The release image archives keep what the image promises (README "The image"): each
# dist/clawinit-VERSION-linux-ARCH.docker.tar is loaded with `podman load` into a private image
# store (the machine's images are untouched), then
#   - the image's HEALTHCHECK (`podman image inspect .HealthCheck`) is the one in
#     docker/Dockerfile.scratch-from-host, command and timings;
#   - a container created from it (`podman create`, nothing runs, so arm64 needs no emulation)
#     has it as `.Config.Healthcheck`, and the image's entrypoint, stop signal and architecture.
# An OCI archive (`podman save --format oci-archive`) fails this: the OCI image config has no
# healthcheck field, so the HEALTHCHECK is dropped on save. That is why the release ships the
# docker-archive format, which `podman load` and `docker load` both read.
#
#   bash tests/release/image_archives.sh [DIST_DIR]     (run by scripts/release.sh; root)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:-$repo/dist}" && pwd)
version=$(sed -n 's/^project(clawinit VERSION \([0-9][0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
store=$(mktemp -d /tmp/clawinit-image-archives.XXXXXX)
trap 'podman --root "$store/root" --runroot "$store/run" rm -af >/dev/null 2>&1 || true
      podman --root "$store/root" --runroot "$store/run" rmi -af >/dev/null 2>&1 || true
      rm -rf "$store" 2>/dev/null || true' EXIT
p() { podman --root "$store/root" --runroot "$store/run" --storage-driver vfs "$@"; }

# What the Dockerfile says: the exec form's argv and the four timings, in nanoseconds.
want=$(python3 - "$repo/docker/Dockerfile.scratch-from-host" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
m = re.search(r"^HEALTHCHECK\s+(.*?)\s+CMD\s+(\[.*\])\s*$", text, re.M)
opts = dict(re.findall(r"--([a-z-]+)=(\S+)", m.group(1)))
ns = lambda v: int(float(v.rstrip("s")) * 1e9)
print(json.dumps({"Test": ["CMD"] + json.loads(m.group(2)), "Interval": ns(opts["interval"]),
                  "Timeout": ns(opts["timeout"]), "StartPeriod": ns(opts["start-period"]),
                  "Retries": int(opts["retries"])}, sort_keys=True))
PY
)
want_test=$(python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["Test"], separators=(",", ":")))' "$want")
status=0
found=0
for arch in amd64 arm64; do
  archive=$dist/clawinit-$version-linux-$arch.docker.tar
  [ -f "$archive" ] || continue
  found=$((found + 1))
  tag=localhost/clawinit:$version-$arch
  p load -q -i "$archive" >/dev/null
  got=$(p image inspect "$tag" --format '{{json .HealthCheck}}' |
        python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')
  cid=$(p create --arch "$arch" "$tag")
  # Podman 4.3 prints the entrypoint as one string: normalised to the exec form's JSON here.
  ctr=$(p inspect "$cid" --format '{{json .Config}}' | python3 -c 'import json, sys
c = json.load(sys.stdin)
ep = c.get("Entrypoint")
ep = ep.split() if isinstance(ep, str) else ep
print(json.dumps((c.get("Healthcheck") or {}).get("Test"), separators=(",", ":")), json.dumps(ep, separators=(",", ":")), c.get("StopSignal"))')
  img_arch=$(p image inspect "$tag" --format '{{.Architecture}}')
  p rm "$cid" >/dev/null 2>&1
  if [ "$got" != "$want" ]; then
    echo "FAIL  $archive: HEALTHCHECK after podman load is $got, the Dockerfile's is $want"; status=1
  elif [ "$ctr" != "$want_test [\"/clawinit\",\"--\"] 15" ] && [ "$ctr" != "$want_test [\"/clawinit\",\"--\"] SIGTERM" ]; then
    echo "FAIL  $archive: a container from it has Healthcheck.Test, Entrypoint, StopSignal = $ctr"; status=1
  elif [ "$img_arch" != "$arch" ]; then
    echo "FAIL  $archive: the image's architecture is $img_arch"; status=1
  else
    echo "   ok  $(basename "$archive"): after podman load, HEALTHCHECK $want_test with its timings, entrypoint, SIGTERM, $arch"
  fi
done
[ $found -gt 0 ] || { echo "FAIL  no image archives in $dist"; status=1; }
exit $status
