#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (libFuzzer + ASan + UBSan) against the clawinit
# sources they exercise, then runs each for a bounded time on a copy of its checked-in corpus.
#
#   bash fuzz/run.sh            # 30 s per target (what CI runs)
#   bash fuzz/run.sh 3600       # an hour per target, by hand
#   bash fuzz/run.sh 60 http    # one target
#
# New inputs are written to build-fuzz/corpus-<target>/ and never to fuzz/corpus/: merge the
# interesting ones by hand (-merge=1) so the checked-in corpus stays small. A crash leaves
# build-fuzz/crash-* and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
targets=${2:-"answer http yaml json"}
out=${FUZZ_BUILD_DIR:-build-fuzz}
cxx=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}
mkdir -p "$out/obj"

flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=all -Isrc -DSPDLOG_HEADER_ONLY -DFMT_HEADER_ONLY
       -DBOOST_ENABLE_ASSERT_HANDLER -DBOOST_ASIO_NO_DEPRECATED -DBOOST_BEAST_USE_STD_STRING_VIEW)
# The pure parts only: no process, socket, signal or logging code is linked into a fuzz target.
sources=(src/probe/answer.cpp src/probe/metrics.cpp src/probe/response.cpp src/probe/status_document.cpp
         src/core/build_info.cpp src/json/*.cpp
         src/state/state.cpp src/runtime/final_status.cpp src/sys/user.cpp src/sys/regular_file.cpp
         src/config/*.cpp fuzz/boost_assert.cpp)

objects=()
for src in "${sources[@]}"; do objects+=("$out/obj/$(echo "$src" | tr / _).o"); done
for i in "${!sources[@]}"; do
  if [ ! -e "${objects[$i]}" ] || [ "${sources[$i]}" -nt "${objects[$i]}" ]; then
    echo "${sources[$i]} ${objects[$i]}"
  fi
done | xargs -r -P"$(nproc)" -n2 sh -c "$cxx ${flags[*]} -c \"\$0\" -o \"\$1\""

for target in $targets; do
  "$cxx" "${flags[@]}" -fsanitize=fuzzer "fuzz/fuzz_$target.cpp" "${objects[@]}" -lyaml \
    -o "$out/fuzz_$target"
done

status=0
root=$(pwd)
for target in $targets; do
  work="$root/$out/corpus-$target"
  mkdir -p "$work"
  echo "== fuzz_$target for ${seconds}s"
  dict=()
  [ -e "fuzz/$target.dict" ] && dict=(-dict="$root/fuzz/$target.dict")
  # rss_limit: a probe request or a 1 MiB config must never need more than this. New inputs
  # go to the first directory only.
  if ! "$out/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=1024 -max_len=65536 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$root/$out/" "${dict[@]}" \
        "$work" "$root/fuzz/corpus/$target"; then
    status=1
  fi
done
exit $status
