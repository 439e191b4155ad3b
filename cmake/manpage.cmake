# clawinit.1, made from `clawinit --help` at build time so the man page can never disagree with
# the binary. A cross build runs the target binary through CMAKE_CROSSCOMPILING_EMULATOR (qemu);
# with no way to run it the man page is skipped, and said so.
if(CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
  message(STATUS "clawinit.1: skipped (cross build without CMAKE_CROSSCOMPILING_EMULATOR)")
  return()
endif()
set(CLAWINIT_MANPAGE ${PROJECT_BINARY_DIR}/clawinit.1)
add_custom_command(
  OUTPUT ${CLAWINIT_MANPAGE}
  COMMAND ${CMAKE_COMMAND} "-DEMULATOR=${CMAKE_CROSSCOMPILING_EMULATOR}" -DCLAWINIT=$<TARGET_FILE:clawinit>
          -DVERSION=${PROJECT_VERSION} -DDOCDIR=${CMAKE_INSTALL_FULL_DOCDIR}
          -DOUT=${CLAWINIT_MANPAGE}
          -P ${PROJECT_SOURCE_DIR}/cmake/manpage-from-help.cmake
  DEPENDS clawinit ${PROJECT_SOURCE_DIR}/cmake/manpage-from-help.cmake
  COMMENT "Writing clawinit.1 from clawinit --help")
add_custom_target(manpage ALL DEPENDS ${CLAWINIT_MANPAGE})
install(FILES ${CLAWINIT_MANPAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
