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
.SH SEE ALSO
${DOCDIR}/README.md and the example configurations in
${DOCDIR}/examples/.
")
