#!/bin/sh
# CMAKE_CROSSCOMPILING_EMULATOR for cmake/toolchain-aarch64.cmake: qemu-user with the cross
# toolchain's sysroot as its loader prefix, so the dynamic arm64 test binaries find their
# loader, libc and libstdc++ (/usr/aarch64-linux-gnu, from g++-aarch64-linux-gnu) on a machine
# with no libc6:arm64. A script, not a list in the variable: a list would be split by the shell
# in custom commands (the man page's).
exec qemu-aarch64-static -L /usr/aarch64-linux-gnu "$@"
