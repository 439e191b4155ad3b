#!/usr/bin/env bash
# The C and C++ sources follow .clang-format (clang-format 14, Debian bookworm's): a line that
# does not fails here, with the diff that fixes it. `scripts/check-format.sh --fix` applies it.
# Run by CTest as `clang_format`, so the README's test command enforces it.
set -euo pipefail
cd "$(dirname "$0")/.."
formatter=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$formatter" >/dev/null; then
  echo "check-format: $formatter is not installed (apt-get install clang-format-14)" >&2
  exit 1
fi
mapfile -t files < <(find src tests examples fuzz bench \
  \( -name '*.cpp' -o -name '*.hpp' -o -name '*.c' -o -name '*.h' \) -type f | sort)
if [ "${1:-}" = "--fix" ]; then
  "$formatter" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$formatter" "$f" | diff -u --label "$f" --label "$f (clang-format)" "$f" - ; then
    bad=$((bad + 1))
  fi
done
if [ "$bad" -gt 0 ]; then
  echo "check-format: $bad of ${#files[@]} files differ from .clang-format;" \
       "run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files follow .clang-format"
