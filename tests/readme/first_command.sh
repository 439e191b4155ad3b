#!/usr/bin/env bash
# The README's first command, exactly as the README writes it (read from its first ```sh block,
# so an edit there is what runs), used as its text says: the gateway answers
# `curl localhost:8888/status`, `kill -USR1 <clawinit pid>` restarts it in place with clawinit
# staying, Ctrl-C (SIGINT to the foreground job) stops it gracefully, exit 0.
# Run by scripts/test.sh after the suite (the build is done, nothing else uses 8888/8899).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
line=$(awk '/^```sh$/ {inside=1; next} inside {print; exit}' README.md)
command=${line%%#*}
command=${command%"${command##*[![:space:]]}"}
[ "$command" = "bash scripts/run-example.sh" ] ||
  { echo "tests/readme/first_command.sh: the README's first command is now '$command'; update this test" >&2; exit 1; }

log=$(mktemp)
state=$(mktemp -d)
trap 'kill -KILL $pid 2>/dev/null || true; rm -rf "$log" "$state"' EXIT
# In its own process group, as an interactive shell runs a job; Ctrl-C = SIGINT to that group.
GATEWAY_STATE_DIR=$state setsid bash -c "$command" >"$log" 2>&1 &
pid=$!
fail() { echo "tests/readme/first_command.sh: $*" >&2; sed 's/^/   | /' "$log" >&2; exit 1; }
wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local tenths=$(($1 * 10)) what=$2; shift 2
  for _ in $(seq $tenths); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 $pid 2>/dev/null || fail "the command ended while waiting for $what"
    sleep 0.1
  done
  fail "timed out waiting for $what"
}
status() { curl -fsS --max-time 2 localhost:8888/status; }
# The command builds first (a no-op after scripts/test.sh's build, a full one otherwise).
wait_for 1200 "curl localhost:8888/status" status
# bash execs setup.sh's build, then execs clawinit: the job's leader is clawinit itself.
clawinit=$(cat /proc/$pid/comm)
[ "$clawinit" = clawinit ] || fail "the job's process is '$clawinit', not clawinit"
gateway=$(pgrep -P $pid)
kill -USR1 $pid
wait_for 60 "a new gateway after kill -USR1" bash -c "p=\$(pgrep -P $pid) && [ \"\$p\" != $gateway ] && curl -fsS --max-time 2 localhost:8888/status"
kill -0 $pid || fail "clawinit did not stay through the restart"
# Its first log line names its pid and the commands, so nobody signals the gateway instead.
grep -q "started as pid $pid: restart the gateway with kill -USR1 $pid, stop with kill -TERM $pid" "$log" ||
  fail "clawinit's log does not name its pid ($pid) and the kill commands"
grep -q "restart" "$log" || fail "no restart in clawinit's log"
kill -INT -- -$pid
for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && fail "still running 30 s after Ctrl-C"
wait $pid && code=0 || code=$?
[ $code -eq 0 ] || fail "exit $code after Ctrl-C, not 0"
grep -q "Graceful shutdown initiated (SIGINT)" "$log" || fail "no graceful stop in the log"
echo "README first command: ran as written; status 200, in-place restart, Ctrl-C -> exit 0"
