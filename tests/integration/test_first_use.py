"""What a new user meets in the first hour (issue 13): a nested clawinit (`docker run IMAGE
clawinit -- cmd` when the ENTRYPOINT is clawinit already), a probe port taken by something else,
a user switch that cannot work (clawinit not root), and readiness seen at once after a spawn
rather than one check interval later."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import (CLAWINIT, GATEWAY, PATIENCE, TIME_FACTOR, children_of, ClawinitTest,
                     free_port, get, wait_for)


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:-1]
    except OSError:
        return None


class Nested(ClawinitTest):
    def test_inner_clawinit_steps_aside_for_the_command(self):
        # Both read the same probe address, as both read the image's config file: two
        # supervisors would collide on it (the inner one exiting 2, the outer one crash-looping).
        port = free_port()
        env = {"CLAWINIT_PROBE_LISTEN": f"127.0.0.1:{port}", "CLAWINIT_ON_CRASH": "on-failure"}
        run = self.run_clawinit([], [CLAWINIT, "--env", "NESTED_FOO=bar", "--", "sleep", "100"],
                                env=env)
        # The outer clawinit's one child becomes `sleep` itself: the inner one exec'd it.
        child = wait_for(lambda: (lambda c: c if c and cmdline(c) == [b"sleep", b"100"] else None)(
                         run.main_child()), what=f"sleep as clawinit's child\n{run.stderr()}")
        with open(f"/proc/{child}/environ", "rb") as f:
            self.assertIn(b"NESTED_FOO=bar", f.read().split(b"\0"))  # the inner --env applies
        self.assertIn("is clawinit: running 'sleep' in place", run.stderr())
        status, body = get(port, "/status")[:2]
        self.assertEqual(status, 200)
        self.assertIn('"restarts":0', body)
        run.signal(15)
        self.assertExit(run, 143)  # sleep's own SIGTERM death, no crash loop in between
        self.assertNotIn("already in use", run.stderr())

    def test_probe_address_in_use_names_it_and_the_option(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            address = f"127.0.0.1:{taken.getsockname()[1]}"
            run = self.run_clawinit(["--probe-listen", address], ["sleep", "100"])
            code = run.wait()
        self.assertEqual(code, 2)
        lines = run.stderr().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(address, lines[0])
        self.assertIn("--probe-listen", lines[0])
        self.assertIn("CLAWINIT_PROBE_LISTEN", lines[0])


@unittest.skipUnless(shutil.which("setpriv"), "util-linux setpriv missing")
class UserSwitch(unittest.TestCase):
    def test_non_root_clawinit_says_the_user_switch_failed_and_why(self):
        # clawinit as nobody (65534), asked to start the child as 10001: only root can.
        out = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                              CLAWINIT, "--probe-listen", "off", "--user", "10001", "--", "/bin/true"],
                             capture_output=True, text=True, timeout=PATIENCE)
        self.assertEqual(out.returncode, 126, out.stderr)
        self.assertIn("cannot switch to user '10001'", out.stderr)
        self.assertIn("clawinit runs as uid 65534", out.stderr)
        self.assertIn("run clawinit as root, or drop `user:`", out.stderr)
        self.assertNotIn("cannot run", out.stderr)


class ReadyAtOnce(ClawinitTest):
    def start(self, ready_after):
        self.port, gw_port = free_port(), free_port()
        self.probe = f"127.0.0.1:{self.port}"
        state = tempfile.mkdtemp(prefix="clawinit-gw-")
        self.addCleanup(shutil.rmtree, state, True)
        # A 10 s interval: before the fix the first pass came one interval after the spawn.
        run = self.run_clawinit(["--probe-listen", self.probe, "--check-interval", "10s",
                                 "--ready-check", f"http://127.0.0.1:{gw_port}/ready"],
                                [GATEWAY, "--port", str(gw_port), "--ready-after", ready_after,
                                 "--state-dir", state])
        return run

    def ready(self):
        try:
            return get(self.port, "/ready")[0] == 200
        except OSError:
            return False

    def test_ready_well_before_one_check_interval(self):
        run = self.start("300ms")
        started = time.monotonic()
        wait_for(self.ready, what=f"/ready 200\n{run.stderr()}")
        # Ready at +0.3 s, checked at 0, 0.1, 0.3, 0.7 s...: well under the 10 s interval.
        self.assertLess(time.monotonic() - started, 5 * TIME_FACTOR)

    def test_restart_wait_reports_readiness_soon_after_it(self):
        run = self.start("300ms")
        wait_for(self.ready, what="first readiness")
        done = subprocess.run([CLAWINIT, "restart", "--wait", "--pid", str(run.pid), "--probe",
                               self.probe], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        seconds = float(re.search(r"ready after ([0-9.]+)s", done.stdout).group(1))
        self.assertLess(seconds, 5 * TIME_FACTOR, done.stdout)


if __name__ == "__main__":
    unittest.main()
