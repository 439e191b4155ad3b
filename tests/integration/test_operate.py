"""stop / restart / status / probe / check-config against a real running clawinit (PID 1 of a
fresh namespace, reached by --pid and its probe port) and as a plain host process (--pid-file)."""
import json
import os
import signal
import subprocess
import tempfile
import unittest

from harness import CHILD, CLAWINIT, GATEWAY, TIME_FACTOR, ClawinitTest, free_port, get, wait_for


def clawinit(*args, timeout=60):
    return subprocess.run([CLAWINIT, *args], capture_output=True, text=True, timeout=timeout)


class Operate(ClawinitTest):
    def start(self, extra, command, **kw):
        self.port = free_port()
        self.probe = f"127.0.0.1:{self.port}"
        run = self.run_clawinit(["--grace", "2s", "--probe-listen", self.probe, *extra], command, **kw)
        wait_for(lambda: self._up(), what="probe server")
        return run

    def _up(self):
        try:
            return get(self.port, "/health")[0] == 200
        except OSError:
            return False

    def target(self, run):
        return ["--pid", str(run.pid), "--probe", self.probe]

    def test_stop_wait_graceful(self):
        run = self.start([], self.child("sleep"))
        run.wait_events("start")
        done = clawinit("stop", "--wait", *self.target(run))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful")
        self.assertExit(run, 0)

    def test_stop_wait_from_inside_the_namespace_prints_the_outcome(self):
        # As `docker exec NAME clawinit stop --wait`: the client lives in clawinit's PID
        # namespace, so clawinit's exit kills it. clawinit must wait for the client to have
        # printed (it closes its socket after that), and a fast stop is the hard case. Five
        # rounds: one lost outcome is a failure.
        for round_no in range(5):
            run = self.start([], self.child("sleep"))
            run.wait_events("start")
            done = subprocess.run(["nsenter", "--target", str(run.pid), "--pid", "--mount", "--",
                                   CLAWINIT, "stop", "--wait", "--pid", "1", "--probe", self.probe],
                                  capture_output=True, text=True, timeout=60)
            self.assertRegex(done.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful",
                             f"round {round_no}: rc {done.returncode} {done.stderr!r}")
            self.assertEqual(done.returncode, 0)
            self.assertExit(run, 0)

    def test_stop_wait_reports_escalation(self):
        run = self.start(["--grace", "1s"], self.child("sleep", "--ignore-term"))
        run.wait_events("start")
        done = clawinit("stop", "--wait", *self.target(run))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("exit code 137", done.stdout)
        self.assertIn("SIGKILL was needed", done.stdout)
        self.assertExit(run, 137)

    def test_stop_wait_times_out(self):
        run = self.start(["--grace", "30s"], self.child("sleep", "--ignore-term"))
        run.wait_events("start")
        done = clawinit("stop", "--wait", "--timeout", "500ms", *self.target(run))
        self.assertEqual(done.returncode, 3, done.stdout + done.stderr)
        self.assertTrue(run.alive())

    def test_restart_wait_until_ready(self):
        gw_port = free_port()
        state = tempfile.mkdtemp(prefix="clawinit-gw-")
        run = self.start(["--ready-check", f"http://127.0.0.1:{gw_port}/ready",
                          "--check-interval", "100ms", "--check-timeout", "100ms"],
                         [GATEWAY, "--port", str(gw_port), "--ready-after", "500ms",
                          "--state-dir", state])
        wait_for(lambda: get(self.port, "/ready")[0] == 200, what="ready")
        done = clawinit("restart", "--wait", *self.target(run))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        st = json.loads(get(self.port, "/status")[1])
        self.assertEqual((st["status"], st["child"]["restarts"]), ("running", 1))
        with open(os.path.join(state, "gateway-state.json")) as f:
            self.assertEqual(json.load(f)["restarts"], 1)

    def test_restart_wait_child_never_ready(self):
        gw_port = free_port()
        run = self.start(["--ready-check", f"tcp://127.0.0.1:{gw_port}",
                          "--check-interval", "100ms", "--check-timeout", "100ms"],
                         ["/bin/sh", "-c", f"exec {CHILD} sleep --usr1-exit 1"])
        run.wait_events("start")
        # The verdict comes at the timeout: long enough for the restart itself to be seen on a
        # loaded machine ("timed out" otherwise, exit 3).
        done = clawinit("restart", "--wait", "--timeout", f"{5 * TIME_FACTOR}s",
                        *self.target(run), timeout=60 + 5 * TIME_FACTOR)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("never became ready", done.stderr)

    def test_restart_wait_non_restart_exit_code(self):
        run = self.start([], self.child("sleep", "--usr1-exit", "7"))
        run.wait_events("start")
        done = clawinit("restart", "--wait", *self.target(run))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("exited with code 7, not a restart code", done.stderr)
        self.assertExit(run, 7)

    def test_restart_wait_child_ignores_the_signal(self):
        run = self.start(["--restart-timeout", "500ms", "--restart-signal", "SIGHUP"],
                         self.child("sleep"))
        run.wait_events("start")
        done = clawinit("restart", "--wait", "--timeout", "20s", *self.target(run),
                        "-c", self._config("restart-signal: SIGHUP\n"))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("did not exit within the restart timeout", done.stderr)
        self.assertTrue(run.alive())

    def _config(self, text):
        fd, path = tempfile.mkstemp(suffix=".yaml")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.remove, path)
        return path

    def test_status_and_probe(self):
        run = self.start([], self.child("sleep"))
        run.wait_events("start")
        table = clawinit("status", "--probe", self.probe)
        self.assertEqual(table.returncode, 0)
        self.assertRegex(table.stdout, r"status\s+running")
        self.assertRegex(table.stdout, r"ready\s+yes")
        raw = clawinit("status", "--json", "--probe", self.probe)
        self.assertEqual(json.loads(raw.stdout)["status"], "running")
        for which in ["live", "ready", "startup"]:
            self.assertEqual(clawinit("probe", which, "--probe", self.probe).returncode, 0)
        self.assertEqual(clawinit("probe", "bogus", "--probe", self.probe).returncode, 2)
        run.signal(signal.SIGSTOP)  # a frozen clawinit answers nothing: the probe must fail
        try:
            self.assertEqual(clawinit("probe", "ready", "--probe", self.probe).returncode, 1)
        finally:
            run.signal(signal.SIGCONT)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assertEqual(clawinit("probe", "live", "--probe", self.probe).returncode, 1)
        self.assertEqual(clawinit("status", "--probe", self.probe).returncode, 4)

    def test_missing_target_and_not_clawinit(self):
        missing = clawinit("stop", "--pid", "999999999")
        self.assertEqual(missing.returncode, 4)
        self.assertIn("no process", missing.stderr)
        other = subprocess.Popen(["sleep", "60"])
        self.addCleanup(other.wait)
        self.addCleanup(other.kill)
        wrong = clawinit("restart", "--pid", str(other.pid))
        self.assertEqual(wrong.returncode, 4)
        self.assertIn("is not clawinit", wrong.stderr)
        self.assertIsNone(other.poll(), "a process that is not clawinit got a signal")

    def test_pid_file_on_a_plain_host(self):
        pid_file = os.path.join(tempfile.mkdtemp(), "clawinit.pid")
        run = self.start(["--pid-file", pid_file], self.child("sleep"), pid1=False)
        run.wait_events("start")
        with open(pid_file) as f:
            self.assertEqual(int(f.read()), run.pid)
        done = clawinit("stop", "--wait", "--pid-file", pid_file, "--probe", self.probe)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertExit(run, 0)
        self.assertFalse(os.path.exists(pid_file))

    def test_check_config(self):
        good = self._config("grace: 20s\nrestart-signal: [SIGUSR2]\ncommand: [node, gw.js]\n")
        out = clawinit("check-config", good)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("grace: 20s", out.stdout)
        self.assertIn("SIGUSR2", out.stdout)
        bad = self._config("grace: 20s\nrestart-signal: SIGNOPE\n")
        out = clawinit("check-config", bad)
        self.assertEqual(out.returncode, 2)
        self.assertRegex(out.stderr, rf"{bad}:2:\d+: key 'restart-signal'")


if __name__ == "__main__":
    unittest.main()
