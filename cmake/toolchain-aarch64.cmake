# Cross build for arm64 (aarch64) with Debian's own toolchain and libraries; scripts/release.sh
# does all of this:
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install g++-aarch64-linux-gnu qemu-user-static
#   apt-get download libyaml-dev:arm64 && dpkg-deb -x libyaml-dev_*_arm64.deb ROOT
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel -DCLAWINIT_STATIC=ON \
#         -DYAML_ARCHIVE=ROOT/usr/lib/aarch64-linux-gnu/libyaml.a
# libyaml-dev:arm64 is unpacked, not installed: installing it would bring an arm64 libc onto
# the machine, and only its archive is needed. libyaml is the only compiled library; its
# header, and Boost, spdlog, fmt and doctest (used header-only), are the same for every
# architecture in /usr/include. Targets run (doctest's test discovery,
# ctest, the man page) through qemu-aarch64-static when it is installed. The dynamic test
# binaries load the arm64 loader, libc and libstdc++ of the cross toolchain's own sysroot
# (/usr/aarch64-linux-gnu, packages libc6-arm64-cross and libstdc++6-arm64-cross that
# g++-aarch64-linux-gnu pulls in): cmake/qemu-aarch64.sh runs qemu with -L on that prefix, so
# no libc6:arm64 needs installing (a bare machine has no /lib/ld-linux-aarch64.so.1).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Libraries and packages: only the arm64 multiarch directory (never the host's x86-64 ones),
# headers from /usr/include, programs (python3, git) from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
find_program(CLAWINIT_QEMU_AARCH64 qemu-aarch64-static)
if(CLAWINIT_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/qemu-aarch64.sh)
endif()
