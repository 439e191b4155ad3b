#!/usr/bin/env bash
# The release, from a clean clone on Debian bookworm, as root (it apt-installs what is missing):
#
#   bash scripts/release.sh
#
# writes into dist/, for VERSION from CMakeLists.txt's project() and ARCH in amd64, arm64:
#   clawinit-VERSION-linux-ARCH            static, stripped, MinSizeRel (the shipped build)
#   clawinit_VERSION_ARCH.deb              /usr/bin/clawinit, man page (from --help), README
#                                          and example configs in /usr/share/doc/clawinit/
#   clawinit-VERSION-linux-ARCH.docker.tar the FROM-scratch image (clawinit + example gateway)
#                                          as a docker-archive (`podman load`, `docker load`),
#                                          when Podman is installed (skipped, and said, if not);
#                                          checked by tests/release/image_archives.sh
#   SHA256SUMS
# arm64 is cross-built with Debian's g++-aarch64-linux-gnu (cmake/toolchain-aarch64.cmake), and
# tested by tests/qemu/run.sh, not here. Build trees: build-release-amd64, build-release-arm64.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DEBIAN_FRONTEND=noninteractive CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo}
[ "$(id -u)" -eq 0 ] || { echo "scripts/release.sh: run as root (apt-get, the image's file owners)" >&2; exit 1; }
start=$(date +%s)
say() { printf '== release: %s\n' "$*"; }

# --- packages -----------------------------------------------------------------------------
# scripts/packages.txt's build and release groups.
packages=($(bash scripts/packages.sh build release))
# The arm64 libyaml archive comes from Debian's arm64 package lists: this adds the arm64
# architecture to THIS machine's dpkg (`dpkg --remove-architecture arm64` undoes it once no arm64
# package is installed; the release installs none, it only downloads and unpacks one).
dpkg --print-foreign-architectures | grep -qx arm64 || { say "adding the arm64 architecture to this machine's dpkg (dpkg --add-architecture arm64)"; dpkg --add-architecture arm64; }
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || ! apt-cache show libyaml-dev:arm64 >/dev/null 2>&1; then
  say "apt-get install ${missing[*]:-(arm64 package lists only)}"
  apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# libyaml for arm64, unpacked beside the build: only its static archive is needed, and
# installing libyaml-dev:arm64 would install an arm64 libc on this machine with it.
arm64_root=$repo/build-release-arm64-root
if [ ! -f "$arm64_root/usr/lib/aarch64-linux-gnu/libyaml.a" ]; then
  say "unpacking libyaml-dev:arm64 into $arm64_root"
  rm -rf "$arm64_root" && mkdir -p "$arm64_root/deb"
  (cd "$arm64_root/deb" && apt-get download libyaml-dev:arm64 >/dev/null 2>&1)
  dpkg-deb -x "$arm64_root"/deb/libyaml-dev_*_arm64.deb "$arm64_root"
fi

version=$(sed -n 's/^project(clawinit VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "scripts/release.sh: no version in CMakeLists.txt" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# --- build: configure afresh each time, so --version names the commit checked out now ----------
build() {  # ARCH DIR CMAKE_ARGS...
  local arch=$1 dir=$2; shift 2
  say "building $arch in $dir"
  mkdir -p "$dir"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=MinSizeRel -DCLAWINIT_STATIC=ON -DCLAWINIT_WERROR=ON \
    -DCMAKE_INSTALL_PREFIX=/usr "${launcher[@]}" "$@" >"$dir/configure.log" 2>&1 ||
    { cat "$dir/configure.log" >&2; exit 1; }
  grep 'hot-text' "$dir/configure.log" || true
  cmake --build "$dir" -j"$(nproc)" --target clawinit example-gateway manpage
}
mkdir -p dist
rm -f dist/clawinit-* dist/clawinit_* dist/SHA256SUMS
build amd64 build-release-amd64 -DCLAWINIT_TESTS=OFF -DCLAWINIT_HOT_TEXT_LD="$repo/cmake/hot-text.ld"
# The hot-text list (cmake/hot-text.ld) names code by mangled name, and any change to the code
# can rename some: the shipped binary is linked with a list regenerated for this very build
# (~7 min: clawinit single-stepped through its scenarios), which must then match it at 100 %.
# How far the committed list had drifted is printed, not fatal: it serves source builds only.
if grep -q 'hot-text link order: applied' build-release-amd64/configure.log; then
  say "hot-text: the committed list against this build (regenerate and commit it when low)"
  python3 scripts/hot-text/check.py build-release-amd64/clawinit.map --min 0
  say "hot-text: regenerating the list for this build"
  cmake --build build-release-amd64 -j"$(nproc)" --target testchild >/dev/null
  python3 scripts/hot-text/generate.py build-release-amd64 --out build-release-amd64/hot-text.ld
  build amd64 build-release-amd64 -DCLAWINIT_TESTS=OFF \
    -DCLAWINIT_HOT_TEXT_LD="$repo/build-release-amd64/hot-text.ld"
  python3 scripts/hot-text/check.py build-release-amd64/clawinit.map build-release-amd64/hot-text.ld --min 1.0
fi
# Tests ON (not built here): tests/qemu/run.sh builds unit_tests in this tree.
build arm64 build-release-arm64 -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchain-aarch64.cmake" \
  -DYAML_ARCHIVE="$arm64_root/usr/lib/aarch64-linux-gnu/libyaml.a" -DCLAWINIT_TESTS=ON

# --- artifacts ------------------------------------------------------------------------------
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for arch in amd64 arm64; do
  dir=build-release-$arch
  case $arch in amd64) strip=strip; machine='x86-64' ;; arm64) strip=aarch64-linux-gnu-strip; machine='ARM aarch64' ;; esac
  bin=dist/clawinit-$version-linux-$arch
  "$strip" -o "$bin" "$dir/clawinit"
  "$strip" -o "$stage/example-gateway-$arch" "$dir/example-gateway"
  file "$bin" | grep -q "$machine.*statically linked" || { file "$bin" >&2; echo "not a static $arch binary" >&2; exit 1; }

  say "clawinit_${version}_$arch.deb"
  root=$stage/deb-$arch
  DESTDIR=$root cmake --install "$dir" --prefix /usr >/dev/null
  install -m 0755 "$bin" "$root/usr/bin/clawinit"  # the stripped one, byte for byte the download
  gzip -9n "$root/usr/share/man/man1/clawinit.1"
  mkdir -p "$root/DEBIAN"
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" \
      -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$root" | cut -f1)/" packaging/deb/control.in > "$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz --build "$root" "dist/clawinit_${version}_$arch.deb" >/dev/null
  # Debian policy: every package carries /usr/share/doc/PACKAGE/copyright.
  # grep reads the whole listing (no -q): an early exit would SIGPIPE dpkg-deb under pipefail.
  dpkg-deb -c "dist/clawinit_${version}_$arch.deb" | grep ' ./usr/share/doc/clawinit/copyright$' >/dev/null ||
    { echo "scripts/release.sh: the .deb has no /usr/share/doc/clawinit/copyright" >&2; exit 1; }
done

# The FROM-scratch image per architecture: FROM scratch + ADD of the static binaries runs no
# command inside the image, so `--platform linux/arm64` needs no emulation. Saved as a
# docker-archive, not an OCI archive: the OCI image config has no healthcheck, so
# `podman save --format oci-archive` drops the HEALTHCHECK and a loaded image has none.
if command -v podman >/dev/null; then
  for arch in amd64 arm64; do
    say "clawinit-$version-linux-$arch.docker.tar"
    ctx=$stage/ctx-$arch
    bash docker/stage-rootfs.sh "$ctx" "dist/clawinit-$version-linux-$arch" "$stage/example-gateway-$arch"
    tag=localhost/clawinit:$version-$arch
    rm -f "dist/clawinit-$version-linux-$arch.docker.tar"  # podman cannot save over an archive
    if ! { podman build -q --platform "linux/$arch" --format docker -f docker/Dockerfile.scratch-from-host \
             -t "$tag" "$ctx" >/dev/null &&
           podman save -q --format docker-archive -o "dist/clawinit-$version-linux-$arch.docker.tar" "$tag"; }; then
      say "podman could not build the $arch image: no image archive for it (the binaries and .debs are made)"
      rm -f "dist/clawinit-$version-linux-$arch.docker.tar"
    fi
  done
  # Loaded back into a scratch store: the HEALTHCHECK, entrypoint and stop signal survived.
  bash tests/release/image_archives.sh dist
else
  say "podman is not installed: no image archives (apt-get install podman to make them)"
fi

(cd dist && sha256sum clawinit-"$version"-linux-* clawinit_"$version"_*.deb > SHA256SUMS)
say "done in $(( $(date +%s) - start )) s:"
ls -l dist/
