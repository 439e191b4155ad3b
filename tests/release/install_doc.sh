#!/usr/bin/env bash
# The README's "Install" section, run as written against what scripts/release.sh left in dist/:
# the sh block line by line (sum check, install, dpkg -i, --version, podman load), then the
# Dockerfile snippet as a real build FROM the loaded image. The blocks are read from the
# README itself, so a README edit is what runs; a block that goes missing fails.
#
#   bash tests/release/install_doc.sh [DIST_DIR]       (root: it installs into /usr)
#
# Run by .ci/run right after scripts/release.sh. It installs the amd64 files on this machine
# (a CI machine is thrown away afterwards) and removes them again at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:-$repo/dist}" && pwd)
version=$(sed -n 's/^project(clawinit VERSION \([0-9][0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
[ "$(id -u)" -eq 0 ] || { echo "tests/release/install_doc.sh: run as root" >&2; exit 1; }

# The first ```sh and ```dockerfile blocks after "## Install", up to the next section.
blocks=$(mktemp -d)
tag=localhost/clawinit-install-doc:test
cleanup() {
  podman rmi -f "$tag" "localhost/clawinit:$version-amd64" >/dev/null 2>&1 || true
  dpkg -r clawinit >/dev/null 2>&1 || true
  rm -f /usr/local/bin/clawinit
  rm -rf "$blocks"
}
trap cleanup EXIT
python3 - "$repo/README.md" "$blocks" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
start = text.index("\n## Install\n")
end = text.index("\n## ", start + 1)
section = text[start:end]
shell = re.findall(r"```sh\n(.*?)```", section, re.S)
docker = re.findall(r"```dockerfile\n(.*?)```", section, re.S)
assert len(shell) >= 2 and docker, "README Install: expected two sh blocks and a dockerfile block"
open(f"{sys.argv[2]}/install.sh", "w").write(shell[0] + shell[1])
open(f"{sys.argv[2]}/Dockerfile", "w").write("FROM scratch\n" + docker[0])
PY

grep -q "^v=$version " "$blocks/install.sh" ||
  { echo "README Install: v= is not the version in CMakeLists.txt ($version)" >&2; exit 1; }

echo "== README Install block, in $dist:"
sed 's/^/   /' "$blocks/install.sh"
(cd "$dist" && bash -euxo pipefail "$blocks/install.sh") | tee "$blocks/out"
grep -q "^clawinit $version (commit [0-9a-f]*, linux-amd64)$" "$blocks/out" ||
  { echo "README Install: --version did not print the version, commit and arch" >&2; exit 1; }
[ -x /usr/local/bin/clawinit ] && [ -x /usr/bin/clawinit ] && [ -f /usr/share/man/man1/clawinit.1.gz ] ||
  { echo "README Install: the binary, the .deb's binary or its man page is missing" >&2; exit 1; }
# Debian policy's copyright file, and the man page's exit codes (issue 23).
[ -s /usr/share/doc/clawinit/copyright ] ||
  { echo "README Install: the .deb has no /usr/share/doc/clawinit/copyright" >&2; exit 1; }
zcat /usr/share/man/man1/clawinit.1.gz | grep '^\.SH EXIT STATUS' >/dev/null ||
  { echo "README Install: the man page has no EXIT STATUS section" >&2; exit 1; }
# The .deb's example configs (issue 16: under /usr/share/doc/clawinit/).
for f in image/clawinit.yaml openclaw/openclaw-2026.9.yaml openclaw/openclaw-2026.3.11.yaml \
         k8s/base/deployment.yaml k8s/base/kustomization.yaml podman/pod.yaml \
         systemd/openclaw-gateway-2026.9.service systemd/openclaw.sysusers.conf; do
  [ -f "/usr/share/doc/clawinit/examples/$f" ] ||
    { echo "README Install: the .deb has no /usr/share/doc/clawinit/examples/$f" >&2; exit 1; }
done

echo "== README Install Dockerfile snippet, FROM scratch:"
sed 's/^/   /' "$blocks/Dockerfile"
podman build -q --format docker -f "$blocks/Dockerfile" -t "$tag" "$blocks" >/dev/null
# runc, and limits within the machine's hard ones (on these CI machines crun and podman's
# default ulimits fail), as tests/container/run.sh sets them and explains.
n=$(ulimit -Hn); p=$(ulimit -Hu)
{ [ "$p" = unlimited ] || [ "$p" -gt 32768 ]; } && p=32768
out=$(podman run --rm --runtime runc --ulimit "nofile=$n:$n" --ulimit "nproc=$p:$p" \
        --entrypoint /usr/local/bin/clawinit "$tag" --version)
echo "$out"
case $out in "clawinit $version (commit "*", linux-amd64)") ;; *)
  echo "README Install: the image's clawinit did not print its version" >&2; exit 1 ;; esac

echo "tests/release/install_doc.sh: the README's Install section works as written"
