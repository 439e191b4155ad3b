# Sourced by the test scripts (tests/container/run.sh, tests/sanitize.sh, tests/qemu/run.sh,
# ...): the one way a suite may skip. docs/testing.md "Skips" explains the convention.
#
#   skip_suite SUITE REASON...
#
# prints `SKIP: SUITE: REASON` to stderr and appends it to the file named by $CLAWINIT_SKIP_LOG
# (if set: .ci/run prints that file as the run's skip summary). Then, if $CLAWINIT_ALLOW_SKIP
# names SUITE (a comma or blank separated list; `all` allows every skip), the script exits 0;
# otherwise it exits 1: a suite CI is meant to run that cannot run is a failure, not a pass.
skip_suite() {
  local suite=$1
  shift
  local line="SKIP: $suite: $*"
  echo "$line" >&2
  [ -z "${CLAWINIT_SKIP_LOG:-}" ] || echo "$line" >>"$CLAWINIT_SKIP_LOG"
  local allowed
  for allowed in ${CLAWINIT_ALLOW_SKIP//,/ }; do
    if [ "$allowed" = "$suite" ] || [ "$allowed" = all ]; then
      echo "   (allowed by CLAWINIT_ALLOW_SKIP=$CLAWINIT_ALLOW_SKIP)" >&2
      exit 0
    fi
  done
  echo "   not allowed: a suite that cannot run fails; CLAWINIT_ALLOW_SKIP=$suite allows it" >&2
  exit 1
}
