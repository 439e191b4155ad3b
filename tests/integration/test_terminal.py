"""Interactive use (`docker run -it IMAGE clawinit -- bash`), in a real pseudo-terminal.

The init is PID 1 of a fresh PID namespace, the session leader and the terminal's owner
(util-linux `setsid --ctty`, as runc sets up an `-it` container), and bash is its child. The
same steps run against tini (Debian's /usr/bin/tini) to show that clawinit behaves like it:
bash has job control, Ctrl-C / Ctrl-Z / Ctrl-\\ reach the job in the foreground and never
start the init's stop, `exit 7` ends the init with 7. clawinit also logs to the terminal while
the child owns it, with `stty tostop` set, without being stopped by SIGTTOU.
"""
import os
import re
import select
import shutil
import subprocess
import time
import unittest

from harness import CLAWINIT, PATIENCE, descendants_of, wait_for

TINI = os.environ.get("TEST_TINI", "/usr/bin/tini")
PROMPT = "PROMPT> "


class Terminal:
    """`init -- bash` in a new pty; reads everything it prints into one transcript."""

    def __init__(self, init_argv):
        self.master, slave = os.openpty()
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "PS1": PROMPT, "TERM": "dumb", "HOME": "/tmp"}
        argv = ["unshare", "--pid", "--fork", "--mount-proc", "setsid", "--ctty", *init_argv,
                "--", "bash", "--norc", "--noprofile", "--noediting", "-i"]
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.text = ""
        self.seen = 0  # expect() looks only after what an earlier expect() matched

    def read_some(self, timeout):
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every process holding the slave is gone
            return False
        self.text += data.decode(errors="replace")
        return bool(data)

    def expect(self, pattern, timeout=PATIENCE):
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.text, self.seen)
            if match:
                self.seen = match.end()
                return match
            left = deadline - time.monotonic()
            if left <= 0 or (not self.read_some(min(left, 0.2)) and self.proc.poll() is not None):
                raise AssertionError(f"no {pattern!r} within {timeout}s; terminal so far:\n{self.text}")

    def send(self, text):
        os.write(self.master, text.encode())

    def wait_for_sleep(self):
        """The `sleep 100` bash started, once it runs and owns the terminal's foreground (so a
        key press reaches it, not bash). An earlier sleep that was stopped and killed can still
        be in /proc for a moment: only a running one that leads the foreground group counts."""
        def running():
            self.read_some(0)
            for pid in descendants_of(self.proc.pid):
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        if f.read() != b"sleep\x00100\x00":
                            continue
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    state, pgrp, tpgid = fields[0], int(fields[2]), int(fields[5])
                    if state in "RS" and pgrp == tpgid:
                        return pid
                except (OSError, IndexError, ValueError):
                    pass
            return None
        return wait_for(running, what="sleep 100 to run")

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            for pid in descendants_of(self.proc.pid):
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            self.proc.wait()
        os.close(self.master)


class InteractiveParity:
    """The steps; subclasses say which init runs them."""

    init_argv = None
    logs_forwards = False  # clawinit logs every forwarded signal; tini says nothing

    def start(self):
        term = Terminal(self.init_argv)
        self.addCleanup(term.close)
        term.expect(re.escape(PROMPT))
        return term

    def test_job_control_keys_reach_the_job_and_exit_code_passes(self):
        term = self.start()
        # bash got the terminal's foreground: no "cannot set terminal process group".
        self.assertNotIn("no job control", term.text)
        self.assertNotIn("cannot set terminal process group", term.text)

        # Ctrl-C interrupts the foreground job only: bash and the init live on.
        term.send("sleep 100\n")
        term.wait_for_sleep()
        term.send("\x03")
        term.expect(re.escape(PROMPT))
        term.send("echo alive-$((6*7))\n")
        term.expect("alive-42")
        term.expect(re.escape(PROMPT))

        # Ctrl-Z suspends the job and bash shows its prompt (job control works).
        term.send("sleep 100\n")
        term.wait_for_sleep()
        term.send("\x1a")
        term.expect("Stopped")
        term.expect(re.escape(PROMPT))
        term.send("kill -KILL %1; wait; echo killed-$((6*7))\n")
        term.expect("killed-42")
        term.expect(re.escape(PROMPT))

        # Ctrl-\ quits the job, not the init.
        term.send("sleep 100\n")
        term.wait_for_sleep()
        term.send("\x1c")
        term.expect("Quit")
        term.expect(re.escape(PROMPT))

        # The init writes to the terminal while bash's group owns it, with tostop set: a
        # background write that the kernel would answer with SIGTTOU. The init must not stop.
        term.send("stty tostop; kill -WINCH 1; echo sent-$((6*7))\n")
        term.expect("sent-42")
        term.expect(re.escape(PROMPT))
        if self.logs_forwards:  # its line may come before or after bash's
            wait_for(lambda: (term.read_some(0.05), "forwarding SIGWINCH" in term.text)[1],
                     what=f"clawinit's log line on the terminal:\n{term.text}")
            self.assertIn("forwarding SIGWINCH", term.text)

        term.send("exit 7\n")
        try:
            code = term.proc.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"init still running after `exit 7`:\n{term.text}")
        while term.read_some(0.1):
            pass
        self.assertEqual(code, 7, term.text)
        self.assertNotIn("Graceful shutdown", term.text)


class TestClawinitTerminal(InteractiveParity, unittest.TestCase):
    init_argv = [CLAWINIT, "--probe-listen", "off"]
    logs_forwards = True


@unittest.skipUnless(os.access(TINI, os.X_OK), f"{TINI} missing (apt-get install tini)")
class TestTiniTerminal(InteractiveParity, unittest.TestCase):
    init_argv = [TINI]


@unittest.skipUnless(shutil.which("setsid"), "util-linux setsid missing")
class TestNoTerminal(unittest.TestCase):
    def test_without_a_terminal_the_child_gets_its_own_session(self):
        # stdin is not a terminal: as before, the child is a session leader (setsid), so
        # --kill-scope group reaches its whole group and never clawinit.
        out = subprocess.run(
            ["unshare", "--pid", "--fork", "--mount-proc", CLAWINIT, "--probe-listen", "off", "--",
             "sh", "-c", "ps -o pid=,sid=,pgid= -p $$"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PATIENCE)
        self.assertEqual(out.returncode, 0, out.stderr)
        pid, sid, pgid = out.stdout.split()
        self.assertEqual(pid, sid)
        self.assertEqual(pid, pgid)


if __name__ == "__main__":
    unittest.main()
