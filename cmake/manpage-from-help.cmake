# cmake -DEMULATOR=[qemu] -DCLAWINIT=clawinit -DVERSION=X -DDOCDIR=D -DOUT=clawinit.1 -P manpage-from-help.cmake
# The --help text, verbatim (.nf), under the sections man(7) expects. roff escapes: a backslash
# becomes \e, and a line starting with . or ' is shielded with \& so it is not a request.
execute_process(COMMAND ${EMULATOR} ${CLAWINIT} --help OUTPUT_VARIABLE help RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "clawinit --help failed (${result}); cannot write the man page")
endif()
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
file(WRITE ${OUT} ".TH CLAWINIT 1 \"\" \"clawinit ${VERSION}\" \"User Commands\"
.SH NAME
clawinit \\- PID-1 supervisor for one long-running network process in a container
.SH DESCRIPTION
.nf
${help}.fi
.SH EXIT STATUS
Running a command: the child's exit code; 128+N if signal N ended it; then --remap-exit.
127: the command was not found; 126: it could not be run (not executable, a directory, a
script without #!); 2: a usage or configuration error (nothing was spawned).
.PP
stop, restart, status, probe, check-config: 0 done as asked; 1 done, but badly (SIGKILL was
needed, the restart failed, the probe fails); 2 usage or configuration error; 3 timed out
(--timeout); 4 no clawinit to talk to.
.SH SEE ALSO
${DOCDIR}/README.md and the example configurations in
${DOCDIR}/examples/.
")
