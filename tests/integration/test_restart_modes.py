"""Restarts as a real gateway does them (issue 20), with the real binary as PID 1: a restart the
gateway does in place (same pid), a child killed by the restart signal it was sent, the ready
check following readiness closely, and the container health answer through a restart."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from harness import CHILD, CLAWINIT, ProbeTest, free_port, get, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
GATEWAY_PY = os.path.join(HERE, "..", "helpers", "restart_gateway.py")


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


class RestartModes(ProbeTest):
    GRACE = "3s"

    def gateway(self, extra=(), down=3):
        """restart_gateway.py on a free port; returns (clawinit args, command, its state dir)."""
        state = tempfile.mkdtemp(prefix="clawinit-gw-")
        self.addCleanup(subprocess.run, ["rm", "-rf", state])
        gw_port = free_port()
        args = ["--restart-signal", "SIGUSR2", "--restart-exit-code", "0",
                "--restart-timeout", "60s",
                "--ready-check", f"http://127.0.0.1:{gw_port}/readyz", *extra]
        return args, [sys.executable, GATEWAY_PY, str(gw_port), state, "--down", str(down)], state

    def client(self, *args):
        return subprocess.run([CLAWINIT, *args, "--probe", f"127.0.0.1:{self.port}"],
                              capture_output=True, text=True, timeout=120)

    def test_in_place_restart_is_a_restart(self):
        args, command, state = self.gateway()
        run = self.start(args, command)
        wait_for(lambda: self.answers("/ready")[0] == 200, what="the gateway ready")
        pid = self.status()["child"]["pid"]
        out = subprocess.Popen([CLAWINIT, "restart", "--wait", "--pid", str(run.pid),
                                "--probe", f"127.0.0.1:{self.port}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Pending until the same process has been seen not ready and ready again: /ready 503
        # meanwhile, while the container health stays 200 (a requested restart is no fault).
        wait_for(lambda: self.answers("/ready")[0] == 503, what="/ready 503 during the restart")
        self.assertEqual(self.answers("/healthcheck")[0], 200)
        self.assertEqual(self.client("probe", "healthcheck").returncode, 0)
        stdout, stderr = out.communicate(timeout=120)
        self.assertEqual(out.returncode, 0, stdout + stderr)
        self.assertRegex(stdout, rf"restarted: child pid {pid} -> {pid}, ready after")
        self.assertEqual(read(os.path.join(state, "restarted")), "in place\n")
        status = self.status()
        self.assertEqual((status["status"], status["child"]["pid"], status["child"]["restarts"]),
                         ("running", pid, 1))
        metrics = get(self.port, "/metrics")[1]
        self.assertIn('clawinit_restarts_total{reason="in_place"} 1', metrics)
        self.assertIn('clawinit_restarts_total{reason="signal"} 0', metrics)
        self.assertIn("restarted in place", run.stderr())
        # A second request is a new restart, not "already pending".
        again = self.client("restart", "--wait", "--pid", str(run.pid))
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertEqual(self.status()["child"]["restarts"], 2)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assert_gone(run)

    def test_death_by_the_restart_signal_is_a_restart_not_a_crash(self):
        # No handler for SIGUSR2 (coreutils sleep dies of it), and --on-crash never: a crash
        # would end clawinit with 140.
        run = self.start(["--restart-signal", "SIGUSR2", "--restart-exit-code", "0",
                          "--on-crash", "never"], ["sleep", "1000"])
        first = self.status()["child"]["pid"]
        self.assertIsNotNone(first)
        run.signal(signal.SIGUSR2)
        wait_for(lambda: self.status()["child"]["restarts"] == 1 and
                 self.status()["child"]["pid"] not in (None, first),
                 what="the respawn: " + run.stderr())
        self.assertTrue(run.alive())
        self.assertIn("the child died of SIGUSR2, the restart signal it was sent", run.stderr())
        metrics = get(self.port, "/metrics")[1]
        self.assertIn('clawinit_restarts_total{reason="signal"} 1', metrics)
        self.assertIn('clawinit_restarts_total{reason="crash"} 0', metrics)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 128 + signal.SIGTERM)  # sleep dies of the SIGTERM too
        self.assert_gone(run)

    def test_ready_check_keeps_up_while_not_ready_not_only_after_a_spawn(self):
        # A 60 s interval: only the short not-ready interval can make these deadlines. (The old
        # pace doubled from 100 ms after a spawn and was steady once ready.)
        args, command, state = self.gateway(["--check-interval", "60s",
                                             "--not-ready-interval", "100ms"])
        open(os.path.join(state, "unready"), "w").close()
        run = self.start(args, command)
        wait_for(lambda: int(read(os.path.join(state, "hits"), "0")) >= 25,
                 what="25 ready checks of a child not ready yet")
        os.unlink(os.path.join(state, "unready"))
        wait_for(lambda: self.answers("/ready")[0] == 200, what="/ready 200")
        # Ready, then not ready again: seen at the next round (<= 60 s) and then followed at
        # the short interval again.
        open(os.path.join(state, "unready"), "w").close()
        hits = int(read(os.path.join(state, "hits"), "0"))
        wait_for(lambda: self.answers("/ready")[0] == 503, timeout=90, what="/ready 503")
        wait_for(lambda: int(read(os.path.join(state, "hits"), "0")) >= hits + 25,
                 what="25 more ready checks while not ready")
        self.assertEqual(self.status()["status"], "unready")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_readiness_debounce(self):
        args, command, state = self.gateway(["--ready-failures", "1000000",
                                             "--not-ready-interval", "50ms"])
        run = self.start(args, command)
        wait_for(lambda: self.answers("/ready")[0] == 200, what="the gateway ready")
        open(os.path.join(state, "unready"), "w").close()
        hits = int(read(os.path.join(state, "hits"), "0"))
        wait_for(lambda: int(read(os.path.join(state, "hits"), "0")) >= hits + 10,
                 what="10 failed ready checks")
        self.assertEqual(self.answers("/ready")[0], 200)  # debounced: far from a million
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_healthcheck_fails_in_a_crash_backoff(self):
        run = self.start(["--on-crash", "always", "--backoff", "60s", "--backoff-max", "60s"],
                         [CHILD, "exit", "3"])
        wait_for(lambda: self.status()["status"] == "backoff", what="the backoff")
        code, body, _ = get(self.port, "/healthcheck")
        self.assertEqual((code, json.loads(body)),
                         (503, {"healthy": False, "reason": "child crashed, restart pending"}))
        probe = self.client("probe", "healthcheck")
        self.assertEqual(probe.returncode, 1, probe.stdout + probe.stderr)
        self.assertIn("child crashed", probe.stderr)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 3)


if __name__ == "__main__":
    unittest.main()
