#!/usr/bin/env bash
# Installs what clawinit needs to build and test on Debian bookworm (only what is missing), then
# builds it into build/ (everything, or only the targets named: `setup.sh clawinit`). Safe to run
# again; the README's two commands start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

# scripts/packages.txt's build and test groups (a list that cannot be read stops the script).
packages=($(bash scripts/packages.sh build test))
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${CLAWINIT_CMAKE_ARGS:-} >/dev/null
cmake --build build -j"$(nproc)" ${1:+--target "$@"}
