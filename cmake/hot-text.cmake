# The hot-text link order (cmake/hot-text.ld): the code clawinit runs, gathered at the start of
# the static binary's text so that it is all the kernel maps (idle RSS 1.9 -> 1.0 MB at -Os; why
# in that file). Its patterns are mangled names and archive members of one toolchain (recorded
# in its header: GCC 12, x86-64, Debian bookworm's libraries), so it is applied only where it was
# generated to fit, and skipped by design elsewhere (arm64, cross builds, other compilers,
# dynamic builds), said at configure time. Where it applies, the hot_text_patterns test
# (scripts/hot-text/check.py) fails when fewer than 95 % of its patterns still name a section
# of the build: a stale list costs RSS silently otherwise. The release does not depend on the
# committed list: scripts/release.sh regenerates it for its own build and checks it at 100 %.
option(CLAWINIT_HOT_TEXT "Apply cmake/hot-text.ld to the static x86-64 GCC 12 build" ON)
# scripts/release.sh links the shipped binary with a list it has just regenerated for that very
# build (-DCLAWINIT_HOT_TEXT_LD=...); every other build uses the committed one.
set(CLAWINIT_HOT_TEXT_LD ${PROJECT_SOURCE_DIR}/cmake/hot-text.ld CACHE FILEPATH
    "The hot-text linker script (cmake/hot-text.ld or one regenerated for this build)")
set(CLAWINIT_HOT_TEXT_APPLIED OFF)
if(NOT CLAWINIT_STATIC)
  set(why "dynamic build")
elseif(NOT CLAWINIT_HOT_TEXT)
  set(why "CLAWINIT_HOT_TEXT=OFF")
elseif(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR NOT CMAKE_CXX_COMPILER_VERSION MATCHES "^12\\.")
  set(why "generated with GCC 12, this is ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
elseif(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  set(why "generated for x86-64, this is ${CMAKE_SYSTEM_PROCESSOR}")
elseif(NOT EXISTS ${CLAWINIT_HOT_TEXT_LD})
  set(why "${CLAWINIT_HOT_TEXT_LD} does not exist")
else()
  set(CLAWINIT_HOT_TEXT_APPLIED ON)
endif()
if(CLAWINIT_HOT_TEXT_APPLIED)
  message(STATUS "hot-text link order: applied (${CLAWINIT_HOT_TEXT_LD})")
  target_link_options(clawinit PRIVATE -Wl,-T,${CLAWINIT_HOT_TEXT_LD})
  set_property(TARGET clawinit APPEND PROPERTY LINK_DEPENDS ${CLAWINIT_HOT_TEXT_LD})
else()
  message(STATUS "hot-text link order: skipped (${why})")
endif()
