"""Field conditions (issue 12, points 1-4): what a hostile environment does to PID 1 from the
outside: a log reader that stalls or goes away, `ulimit -f`, `ulimit -n`, a FIFO where
state.json should be. Nothing clawinit does to itself may reach the gateway, and nothing
outside may freeze or crash clawinit. Each case failed against the code before the fix.

stderr is a pipe here (the harness's Run writes it to a file, which never stalls), read by a
thread that the test can pause or close.
"""
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from harness import (CHILD, CLAWINIT, PATIENCE, TIME_FACTOR, ClawinitTest,  # noqa: E402
                     children_of, free_port, get, wait_for)


def ubsan_reports_beyond_fd_blindness(text):
    """UBSan reports in `text` other than the false "invalid vptr" a full fd table causes."""
    lines = text.splitlines()
    return [line for i, line in enumerate(lines) if "runtime error:" in line and
            not (i + 1 < len(lines) and lines[i + 1].endswith("note: object has invalid vptr"))]


class PipedRun:
    """clawinit as PID 1 of a fresh PID namespace, its stderr a pipe the test controls."""

    def __init__(self, args, command, limits=None, read_stderr=True):
        self.dir = tempfile.TemporaryDirectory(prefix="clawinit-field-")
        self.log = os.path.join(self.dir.name, "child.log")
        open(self.log, "w").close()
        env = dict(os.environ, TESTCHILD_LOG=self.log)
        if resource.RLIMIT_NOFILE in (limits or {}) and "UBSAN_OPTIONS" in env:
            # UBSan checks a vptr by writing the vtable into a pipe(): with the fd table full on
            # purpose, pipe() fails (EMFILE) and every first use of a polymorphic type reads as
            # "object has invalid vptr" (seen on Boost's error_category). Suppressions do not
            # reach that path, so reports go on instead of halting, and the test fails on any
            # report but that one (ubsan_reports_beyond_fd_blindness).
            env["UBSAN_OPTIONS"] += ":halt_on_error=0"

        def preexec():
            for which, value in (limits or {}).items():
                resource.setrlimit(which, value)

        argv = ["unshare", "--pid", "--fork", "--mount-proc", CLAWINIT, *args, "--", *command]
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=preexec)
        self.text = b""
        self.lock = threading.Lock()
        self.reader = None
        if read_stderr:
            self.resume_reading()
        found = wait_for(lambda: children_of(self.proc.pid) or
                         (self.proc.poll() is not None and [None]),
                         what="clawinit to start in its namespace")
        self.pid = found[0]

    def resume_reading(self):
        def pump():
            while True:
                try:
                    chunk = os.read(self.proc.stderr.fileno(), 65536)
                except (OSError, ValueError):
                    return
                if not chunk:
                    return
                with self.lock:
                    self.text += chunk

        self.reader = threading.Thread(target=pump, daemon=True)
        self.reader.start()

    def stderr(self):
        with self.lock:
            return self.text.decode(errors="replace")

    def close_stderr(self):
        """The reader goes away for good (`| head -n 1`, a log shipper that died)."""
        self.proc.stderr.close()

    def child_lines(self):
        with open(self.log) as f:
            return [line.split() for line in f if line.strip()]

    def signals_seen(self, name):
        return [l for l in self.child_lines() if l[:2] == ["signal", name]]

    def wait(self, timeout=PATIENCE):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"clawinit still running after {timeout}s\n{self.stderr()}")

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        try:
            self.proc.stderr.close()
        except OSError:
            pass
        self.dir.cleanup()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def health(port, timeout):
    try:
        return get(port, "/health", timeout=timeout)[0]
    except OSError:
        return None


class FieldConditions(unittest.TestCase):
    def start(self, args, command, **kw):
        run = PipedRun(args, command, **kw)
        self.addCleanup(run.close)
        return run

    def child(self, *args):
        return [CHILD, *args]

    # -- 1: signals clawinit causes itself ---------------------------------------------------
    def test_closed_stderr_pipe_sigpipe_is_not_forwarded(self):
        # `clawinit ... 2>&1 | head -n 1`: the reader leaves after the first line; the next
        # log line (about a HUP) meets EPIPE and the kernel's SIGPIPE, which once went on to
        # the gateway and killed it (141).
        run = self.start(["--probe-listen", "off"], self.child("sleep", "--term-exit", "7"))
        wait_for(lambda: run.child_lines(), what="the child's start line")
        wait_for(lambda: run.stderr(), what="clawinit's first log line")
        run.close_stderr()
        for _ in range(3):
            os.kill(run.pid, signal.SIGHUP)
            time.sleep(0.05)
        wait_for(lambda: len(run.signals_seen("SIGHUP")) >= 1, what="the HUP at the child")
        time.sleep(0.3 * TIME_FACTOR)  # room for a SIGPIPE to be (wrongly) forwarded
        self.assertEqual(run.signals_seen("SIGPIPE"), [], "clawinit forwarded its own SIGPIPE")
        self.assertIsNone(run.proc.poll(), "clawinit died")
        os.kill(run.pid, signal.SIGTERM)
        self.assertEqual(run.wait(), 7)  # the gateway's own code

    def test_operator_sigpipe_is_still_forwarded(self):
        run = self.start(["--probe-listen", "off"], self.child("sleep"))
        wait_for(lambda: run.child_lines(), what="the child's start line")
        os.kill(run.pid, signal.SIGPIPE)  # sent by another process: the operator's
        wait_for(lambda: run.signals_seen("SIGPIPE"), what="SIGPIPE at the child")
        os.kill(run.pid, signal.SIGTERM)
        self.assertEqual(run.wait(), 0)

    def test_ulimit_f_zero_state_save_sigxfsz_is_not_forwarded(self):
        # Every state save meets EFBIG and the kernel's SIGXFSZ; forwarded, it killed the
        # gateway (153). `sleep` writes no file, so the limit it inherits does not touch it.
        with tempfile.TemporaryDirectory(prefix="clawinit-fsize-") as state:
            run = self.start(["--probe-listen", "off", "--state-dir", state], ["sleep", "1000"],
                             limits={resource.RLIMIT_FSIZE: (0, resource.RLIM_INFINITY)})
            wait_for(lambda: "File too large" in run.stderr(), what="the failed save's warning")
            time.sleep(0.3 * TIME_FACTOR)
            self.assertIsNone(run.proc.poll(), run.stderr())
            self.assertEqual(len(children_of(run.pid)), 1, "the child is gone")
            os.kill(run.pid, signal.SIGTERM)
            self.assertEqual(run.wait(), 128 + signal.SIGTERM, run.stderr())

    # -- 2: a stalled log reader --------------------------------------------------------------
    def test_stalled_stderr_pipe_never_blocks_the_loop(self):
        port = free_port()
        run = self.start(["--probe-listen", f"127.0.0.1:{port}", "--grace", "5s"],
                         self.child("sleep"), read_stderr=False)
        wait_for(lambda: run.child_lines(), what="the child's start line")
        # Thousands of logged forwards into a pipe nobody reads (64 KiB hold ~800 lines).
        deadline = time.monotonic() + 15 * TIME_FACTOR
        for i in range(4000):
            os.kill(run.pid, signal.SIGHUP)
            time.sleep(0.001)
            if i % 500 == 0:
                self.assertEqual(health(port, timeout=5 * TIME_FACTOR), 200, "/health stalled")
            if time.monotonic() > deadline:
                break
        wait_for(lambda: health(port, timeout=5 * TIME_FACTOR) == 200, what="/health")
        metrics = get(port, "/metrics", timeout=5 * TIME_FACTOR)[1]
        forwarded = [l for l in metrics.splitlines()
                     if l.startswith('clawinit_signals_forwarded_total{signal="SIGHUP"}')]
        self.assertTrue(forwarded and int(forwarded[0].split()[-1]) >= 1000, forwarded)
        dropped = [l for l in metrics.splitlines() if l.startswith("clawinit_log_lines_dropped_total")]
        self.assertTrue(dropped and int(dropped[0].split()[-1]) > 0, dropped)

        # The reader comes back: the gap is reported where it is.
        run.resume_reading()
        wait_for(lambda: "log lines dropped" in run.stderr(), what="the dropped-lines notice")
        os.kill(run.pid, signal.SIGUSR2)
        wait_for(lambda: "forwarding SIGUSR2" in run.stderr(), what="a line after the gap")
        # And with the reader stalled again, a stop is still forwarded at once and finished.
        before = len(run.signals_seen("SIGHUP"))
        self.assertGreaterEqual(before, 1000)
        started = time.monotonic()
        os.kill(run.pid, signal.SIGTERM)
        wait_for(lambda: run.signals_seen("SIGTERM"), timeout=5 * TIME_FACTOR,
                 what="SIGTERM at the child")
        self.assertEqual(run.wait(timeout=5 * TIME_FACTOR), 0)
        self.assertLess(time.monotonic() - started, 5 * TIME_FACTOR)

    def test_stalled_reader_then_stop(self):
        # The stop arrives while the pipe is still full and nobody reads.
        run = self.start(["--probe-listen", "off", "--grace", "5s"], self.child("sleep"),
                         read_stderr=False)
        wait_for(lambda: run.child_lines(), what="the child's start line")
        for _ in range(3000):
            os.kill(run.pid, signal.SIGHUP)
            time.sleep(0.001)
        # 64 KiB of pipe hold ~1 000 lines: a clawinit blocked in write() stops short of this.
        wait_for(lambda: len(run.signals_seen("SIGHUP")) >= 1200, timeout=10 * TIME_FACTOR,
                 what="the HUPs at the child (clawinit blocked in a log write?)")
        os.kill(run.pid, signal.SIGTERM)
        wait_for(lambda: run.signals_seen("SIGTERM"), timeout=5 * TIME_FACTOR,
                 what="SIGTERM at the child")
        self.assertEqual(run.wait(timeout=5 * TIME_FACTOR), 0)

    # -- 3: out of file descriptors -----------------------------------------------------------
    def test_fd_exhaustion_no_busy_loop_no_fatal_restart(self):
        port = free_port()
        run = self.start(["--probe-listen", f"127.0.0.1:{port}", "--grace", "5s"],
                         self.child("sleep"), limits={resource.RLIMIT_NOFILE: (1024, 1024)})
        wait_for(lambda: run.child_lines(), what="the child's start line")
        wait_for(lambda: health(port, timeout=5) == 200, what="/health before the flood")
        # The connection cap is set at start from the limit and keeps a reserve (the next
        # test), so a limit clawinit starts with is never met by accepts. One lowered under
        # it (prlimit on the running PID 1; or descriptors taken by a leak, another thread)
        # still is: accepts then meet EMFILE, and so does the restart's spawn.
        resource.prlimit(run.pid, resource.RLIMIT_NOFILE, (32, 32))
        clients = []
        try:
            for _ in range(200):
                clients.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            time.sleep(0.5)
            # At the limit: accepting pauses instead of spinning on EMFILE.
            used = cpu_seconds(run.pid)
            time.sleep(2)
            used = cpu_seconds(run.pid) - used
            self.assertLess(used, 0.25 * TIME_FACTOR, "clawinit spins at the fd limit")
            # A restart now finds no descriptor for its spawn: retried, never fatal.
            os.kill(run.pid, signal.SIGUSR1)
            wait_for(lambda: run.signals_seen("SIGUSR1"), what="SIGUSR1 at the child")
            time.sleep(1.5 * TIME_FACTOR)
            self.assertIsNone(run.proc.poll(), f"clawinit exited {run.proc.poll()}\n{run.stderr()}")
        finally:
            for c in clients:
                c.close()
        wait_for(lambda: health(port, timeout=5) == 200, what="/health after the clients left")
        wait_for(lambda: len([l for l in run.child_lines() if l[:1] == ["start"]]) >= 2,
                 what="the restarted child")
        self.assertIsNone(run.proc.poll(), run.stderr())
        os.kill(run.pid, signal.SIGTERM)
        self.assertEqual(run.wait(), 0, run.stderr())
        self.assertEqual(ubsan_reports_beyond_fd_blindness(run.stderr()), [], run.stderr())

    def test_fd_reserve_restart_spawns_at_once_with_probes_holding_the_limit(self):
        # A hard limit clawinit cannot raise (`--ulimit nofile=32:32`) and 200 probe clients
        # that stay connected: the connection cap follows the limit and keeps a reserve, so the
        # restart's spawn gets its descriptors at once (no 126, no crash counted, no backoff)
        # and a new probe still gets in (the oldest connection is dropped for it).
        port = free_port()
        run = self.start(["--probe-listen", f"127.0.0.1:{port}", "--grace", "5s"],
                         self.child("sleep"), limits={resource.RLIMIT_NOFILE: (32, 32)})
        wait_for(lambda: run.child_lines(), what="the child's start line")
        wait_for(lambda: health(port, timeout=5) == 200, what="/health before the flood")
        self.assertIn("probe: at most", run.stderr())
        clients = []
        try:
            for _ in range(200):
                clients.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            # Accepts are in order: once a new client is answered, all 200 came through; a
            # clawinit without the reserve fills its descriptor table instead.
            wait_for(lambda: len(os.listdir(f"/proc/{run.pid}/fd")) >= 32 or
                     health(port, timeout=5) == 200, what="clawinit to take the flood")
            os.kill(run.pid, signal.SIGUSR1)
            starts = lambda: [l for l in run.child_lines() if l[:1] == ["start"]]  # noqa: E731
            failed = lambda: any(w in run.stderr() for w in ("cannot", "crashed"))  # noqa: E731
            wait_for(lambda: len(starts()) >= 2 or failed(),
                     what="the restarted child, or the spawn's failure")
            self.assertEqual(len(starts()), 2, run.stderr())
            self.assertNotIn("Too many open files", run.stderr())
            self.assertNotIn("crashed", run.stderr())
            self.assertNotIn("cannot", run.stderr())
            status = json.loads(get(port, "/status", timeout=5)[1])
            self.assertNotEqual(status["status"], "backoff", status)
            self.assertEqual(status["child"]["restarts"], 1, status)
            self.assertNotEqual(status["child"].get("last_exit"), 126, status)
            self.assertEqual(health(port, timeout=5), 200, "/health during the flood")
        finally:
            for c in clients:
                c.close()
        self.assertIsNone(run.proc.poll(), run.stderr())
        os.kill(run.pid, signal.SIGTERM)
        self.assertEqual(run.wait(), 0, run.stderr())
        self.assertEqual(ubsan_reports_beyond_fd_blindness(run.stderr()), [], run.stderr())

    def test_fd_limit_raised_for_clawinit_kept_for_the_child(self):
        run = self.start(["--probe-listen", "off"], self.child("sleep"),
                         limits={resource.RLIMIT_NOFILE: (64, 4096)})
        wait_for(lambda: run.child_lines(), what="the child's start line")

        def soft_nofile(pid):
            with open(f"/proc/{pid}/limits") as f:
                for line in f:
                    if line.startswith("Max open files"):
                        return int(line.split()[3])

        self.assertEqual(soft_nofile(run.pid), 4096)
        self.assertEqual(soft_nofile(children_of(run.pid)[0]), 64)
        os.kill(run.pid, signal.SIGTERM)
        self.assertEqual(run.wait(), 0)

    # -- 4: whatever sits at state.json -------------------------------------------------------
    def check_state_not_a_file(self, make, kind):
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="clawinit-notafile-") as state:
            make(os.path.join(state, "state.json"))
            run = self.start(["--probe-listen", f"127.0.0.1:{port}", "--state-dir", state],
                             self.child("sleep"))
            wait_for(lambda: run.child_lines(), timeout=10 * TIME_FACTOR,
                     what="the spawn (clawinit hung on state.json?)")
            wait_for(lambda: health(port, timeout=5) == 200, what="/health")
            wait_for(lambda: kind in run.stderr(), what=f"the warning naming {kind}")
            aside = [n for n in os.listdir(state) if n.startswith("state.json.corrupt-")]
            self.assertEqual(len(aside), 1, os.listdir(state))
            wait_for(lambda: os.path.isfile(os.path.join(state, "state.json")),
                     what="a fresh state.json")
            os.kill(run.pid, signal.SIGTERM)
            self.assertEqual(run.wait(timeout=10 * TIME_FACTOR), 0)

    def test_fifo_at_state_json(self):
        self.check_state_not_a_file(os.mkfifo, "a FIFO")

    def test_directory_at_state_json(self):
        self.check_state_not_a_file(os.mkdir, "a directory")


class ExecSessionSpared(ClawinitTest):
    def test_stop_wait_exec_session_outlives_the_leftover_sweep(self):
        # `docker exec NAME clawinit stop --wait` lives in clawinit's PID namespace but is not
        # below it. Leftovers are found by walking /proc for clawinit's descendants, so the
        # sweep that ends them (SIGTERM, then SIGKILL at the grace) spares the client, which
        # prints the outcome. A kill(-1) would end it too; without a leftover no sweep runs,
        # which is why the plain exec test could not see that.
        port = free_port()
        run = self.run_clawinit(["--grace", "1s", "--probe-listen", f"127.0.0.1:{port}"],
                                [CHILD, "grandchild-ignore-term"])
        run.wait_events("grandchild")
        wait_for(lambda: health(port, timeout=5) == 200, what="the probe server")
        done = subprocess.run(["nsenter", "--target", str(run.pid), "--pid", "--mount", "--",
                               CLAWINIT, "stop", "--wait", "--pid", "1", "--probe",
                               f"127.0.0.1:{port}"],
                              capture_output=True, text=True, timeout=60 * TIME_FACTOR)
        self.assertRegex(done.stdout, r"stopped: exit code \d+ after [0-9.]+s",
                         f"rc {done.returncode} {done.stderr!r}\n{run.stderr()}")
        run.wait()
        self.assert_gone(run)
        self.assertIn("grace period 1s expired", run.stderr())


if __name__ == "__main__":
    unittest.main()
