"""Clients find clawinit when it is not PID 1: `docker run --init` / `podman run --init` put
docker-init, podman-init or catatonit at PID 1, and a pod sharing its process namespace puts
the pause process there. Here catatonit (and tini) is PID 1 of a fresh PID namespace with
clawinit below it, and `clawinit restart --wait` / `stop --wait` run inside that namespace with
no --pid, as `exec ... clawinit restart --wait` does: through the pid /status publishes, or
through a /proc scan when the probe server is off."""
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import CHILD, CLAWINIT, PATIENCE, children_of, free_port, wait_for

# The client's own config says the probe server is off, as in the container it runs in.
PROBE_OFF = {"CLAWINIT_PROBE_LISTEN": "off"}


class BehindAnInit(unittest.TestCase):
    def start(self, init, probe_listen):
        if not shutil.which(init[0]):
            self.skipTest(f"{init[0]} is not installed (.ci/run installs it)")
        self.log = os.path.join(self.tmp(), "child.log")
        env = dict(os.environ, TESTCHILD_LOG=self.log)
        self.proc = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--mount-proc", *init, CLAWINIT, "--grace", "2s",
             "--probe-listen", probe_listen, "--", CHILD, "sleep"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        self.addCleanup(self.kill)
        self.init_pid = wait_for(lambda: children_of(self.proc.pid), what="PID 1")[0]
        wait_for(lambda: self.starts() >= 1, what="the child's start")

    def tmp(self):
        d = tempfile.mkdtemp(prefix="clawinit-notpid1-")
        os.chmod(d, 0o777)
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def starts(self):
        try:
            with open(self.log) as f:
                return sum(1 for line in f if line.split()[:1] == ["start"])
        except FileNotFoundError:
            return 0

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc.stderr.close()

    def client(self, *args, env=None):
        """`clawinit ARGS` inside the namespace, as `podman exec` runs it: no --pid."""
        return subprocess.run(["nsenter", "--target", str(self.init_pid), "--pid", "--mount", "--",
                               CLAWINIT, *args], capture_output=True, text=True,
                              env=dict(os.environ, **(env or {})), timeout=PATIENCE + 60)

    def exit_code(self):
        return self.proc.wait(timeout=PATIENCE)

    def test_restart_and_stop_wait_through_the_published_pid(self):
        port = free_port()
        self.start(["catatonit", "--"], f"127.0.0.1:{port}")
        probe = f"127.0.0.1:{port}"
        done = self.client("restart", "--wait", "--probe", probe)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertRegex(done.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        # restart --wait returns once clawinit has the new child (no ready check: running is
        # ready); the child writes its start line after its exec, maybe a moment later.
        wait_for(lambda: self.starts() >= 2, what="the new child's start line")
        self.assertEqual(self.starts(), 2)
        done = self.client("stop", "--wait", "--probe", probe)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertRegex(done.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful")
        self.assertEqual(self.exit_code(), 0)

    def test_a_pod_with_two_clawinits_the_probe_says_which(self):
        # A pod sharing its process namespace: a pause process at PID 1 (here a shell) and two
        # containers, each with its clawinit. The scan alone cannot choose; the probe can.
        if not shutil.which("catatonit"):
            self.skipTest("catatonit is not installed (.ci/run installs it)")
        ports = free_port(), free_port()
        logs = [os.path.join(self.tmp(), "child.log") for _ in ports]
        run = " & ".join(
            f"TESTCHILD_LOG={log} {CLAWINIT} --probe-listen 127.0.0.1:{port} -- {CHILD} sleep"
            for port, log in zip(ports, logs))
        self.proc = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", f"{run} & wait"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        self.addCleanup(self.kill)
        self.init_pid = wait_for(lambda: children_of(self.proc.pid), what="PID 1")[0]
        self.log = logs[1]
        wait_for(lambda: self.starts() >= 1, what="the second pod member's child")
        self.log = logs[0]
        wait_for(lambda: self.starts() >= 1, what="the first pod member's child")
        done = self.client("restart", "--wait", "--probe", f"127.0.0.1:{ports[0]}")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        # restart --wait returns once clawinit has the new child (no ready check: running is
        # ready); the child writes its start line after its exec, maybe a moment later.
        wait_for(lambda: self.starts() >= 2, what="the new child's start line")
        self.assertEqual(self.starts(), 2)
        self.log = logs[1]
        self.assertEqual(self.starts(), 1, "the other clawinit was left alone")
        done = self.client("restart", env=PROBE_OFF)
        self.assertEqual(done.returncode, 4, done.stdout + done.stderr)
        self.assertIn("several clawinit processes", done.stderr)

    def test_probe_off_finds_clawinit_by_scanning(self):
        self.start(["tini", "--"], "off")
        done = self.client("restart", env=PROBE_OFF)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        wait_for(lambda: self.starts() >= 2, what="the restarted child")
        # Without a probe server the client can only signal and watch the pid, and the
        # namespace ends as the init follows clawinit out, killing the client (as `podman exec`
        # would be): its own code may be lost, clawinit's is not (tini passes it on).
        done = self.client("stop", env=PROBE_OFF)
        self.assertIn(done.returncode, (0, -signal.SIGKILL), done.stdout + done.stderr)
        self.assertEqual(self.exit_code(), 0)
        self.assertIn("Graceful shutdown initiated (SIGTERM)", self.proc.stderr.read().decode())

    def test_an_init_without_clawinit_is_still_refused(self):
        if not shutil.which("catatonit"):
            self.skipTest("catatonit is not installed (.ci/run installs it)")
        proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "catatonit", "--",
                                 CHILD, "sleep"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True,
                                env=dict(os.environ, TESTCHILD_LOG="/dev/null"))
        self.proc = proc
        proc.stderr = open(os.devnull)
        self.addCleanup(self.kill)
        self.init_pid = wait_for(lambda: children_of(proc.pid), what="PID 1")[0]
        wait_for(lambda: children_of(self.init_pid), what="the child")
        done = self.client("stop", env=PROBE_OFF)
        self.assertEqual(done.returncode, 4, done.stdout + done.stderr)
        self.assertIn("pid 1 is not clawinit (it is 'catatonit') and no clawinit process found",
                      done.stderr)
        self.assertIsNone(proc.poll(), "nothing was signalled")
