"""sd_notify: clawinit as PID 1 with NOTIFY_SOCKET pointing at a real AF_UNIX datagram socket,
read in order as systemd would: READY=1 when the child is ready, RELOADING=1 + MONOTONIC_USEC on
a requested restart then READY=1 again, STOPPING=1 on a stop, STATUS= on each change, and
WATCHDOG=1 at WATCHDOG_USEC/2 only while clawinit's live view holds."""
import os
import signal
import socket
import tempfile
import time

from harness import CHILD, ClawinitTest, free_port, get, wait_for


class Listener:
    """The socket systemd (or Podman) would listen on; messages() keeps every datagram seen."""

    def __init__(self, test):
        self.dir = tempfile.TemporaryDirectory(prefix="clawinit-notify-")
        test.addCleanup(self.dir.cleanup)
        self.path = os.path.join(self.dir.name, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        test.addCleanup(self.sock.close)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.seen = []

    def messages(self):
        while True:
            try:
                self.seen.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return self.seen

    def without_watchdog(self):
        return [m for m in self.messages() if m != "WATCHDOG=1"]

    def wait_for_line(self, line, count=1):
        return wait_for(lambda: sum(line in m.split("\n") for m in self.messages()) >= count,
                        what=f"{count} datagram(s) with {line!r}; seen {self.seen}")


def fields(message):
    return dict(line.split("=", 1) for line in message.split("\n"))


class SdNotify(ClawinitTest):
    def test_start_restart_stop_in_order(self):
        listener = Listener(self)
        run = self.run_clawinit(["--grace", "2s", "--probe-listen", "off"],
                                self.child("sleep", "--usr1-exit", "1"),
                                env={"NOTIFY_SOCKET": listener.path})
        listener.wait_for_line("READY=1")
        before = time.monotonic()
        run.signal(signal.SIGUSR1)
        listener.wait_for_line("READY=1", count=2)
        after = time.monotonic()
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        sent = listener.without_watchdog()
        # The lifecycle lines, in order; STATUS= rides along with each change.
        lifecycle = [line for m in sent for line in m.split("\n")
                     if line in ("READY=1", "RELOADING=1", "STOPPING=1")]
        self.assertEqual(lifecycle, ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"], sent)
        self.assertTrue(all("STATUS" in fields(m) for m in sent), sent)
        reload = next(fields(m) for m in sent if "RELOADING" in fields(m))
        # CLOCK_MONOTONIC microseconds of the request, as Type=notify-reload wants.
        self.assertLessEqual(before * 1e6, int(reload["MONOTONIC_USEC"]))
        self.assertLessEqual(int(reload["MONOTONIC_USEC"]), after * 1e6)
        self.assertTrue(reload["STATUS"].startswith("restarting"), reload)
        self.assertEqual(fields(sent[0])["STATUS"], "running")
        self.assertTrue(fields(sent[-1])["STATUS"].startswith("stopping"), sent)
        self.assertEqual(listener.messages().count("WATCHDOG=1"), 0, "no WATCHDOG_USEC, no ping")

    def test_abstract_socket(self):
        name = f"clawinit-test-{os.getpid()}-{time.monotonic_ns()}"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.bind("\0" + name)
        sock.settimeout(30)
        run = self.run_clawinit(["--probe-listen", "off"], self.child("sleep"),
                                env={"NOTIFY_SOCKET": "@" + name})
        self.assertEqual(sock.recv(4096).decode(), "READY=1\nSTATUS=running")
        # READY=1 comes as the child is spawned (no ready check); its SIGTERM handler may not
        # be there yet (under ASan it takes a while), and then it dies of the signal: 143.
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assertIn("STOPPING=1", sock.recv(4096).decode())

    def test_watchdog_pings_while_live_and_stops_while_hung(self):
        listener = Listener(self)
        port = free_port()
        flag = os.path.join(listener.dir.name, "hung")
        # The live check fails once the flag exists: a gateway that hangs.
        check = os.path.join(listener.dir.name, "live")
        with open(check, "w") as f:
            f.write(f"#!/bin/sh\n! test -e {flag}\n")
        os.chmod(check, 0o755)
        run = self.run_clawinit(["--probe-listen", f"127.0.0.1:{port}",
                                 "--live-check", f"exec:{check}",
                                 "--check-interval", "1s", "--check-timeout", "900ms",
                                 "--live-failures", "1"],
                                self.child("sleep"),
                                env={"NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "200000"})
        wait_for(lambda: listener.messages().count("WATCHDOG=1") >= 3, what="watchdog pings")
        open(flag, "w").close()
        wait_for(lambda: get(port, "/health")[0] == 503, what="/health 503")
        listener.messages()
        listener.seen.clear()
        time.sleep(1)  # five ping periods: a clawinit still pinging would have sent some
        self.assertEqual(listener.messages().count("WATCHDOG=1"), 0, listener.seen)
        os.unlink(flag)
        wait_for(lambda: listener.messages().count("WATCHDOG=1") >= 1, what="pings again")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_child_does_not_inherit_the_notify_variables(self):
        listener = Listener(self)
        run = self.run_clawinit(["--probe-listen", "off"], self.child("env"),
                                env={"NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "9000000",
                                     "KEPT": "1"})
        self.assertExit(run, 0)
        env = [line[1] for line in run.events("env")]
        self.assertIn("KEPT=1", env)
        self.assertFalse([e for e in env if e.startswith(("NOTIFY_SOCKET=", "WATCHDOG_"))], env)

    def test_missing_socket_is_one_warning(self):
        missing = os.path.join(tempfile.gettempdir(), f"clawinit-no-such-{os.getpid()}.sock")
        run = self.run_clawinit(["--probe-listen", "off", "--log-format", "json"],
                                self.child("sleep"),
                                env={"NOTIFY_SOCKET": missing, "WATCHDOG_USEC": "20000"})
        run.wait_events("start")
        wait_for(lambda: "notify_failed" in run.stderr(), what="the warning")
        time.sleep(0.5)  # 50 failed pings
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        warnings = [l for l in self.json_lines(run.stderr()) if l.get("event") == "notify_failed"]
        self.assertEqual(len(warnings), 1, run.stderr())
        self.assertEqual(warnings[0]["level"], "warn")
