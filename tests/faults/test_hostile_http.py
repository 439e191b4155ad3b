"""Hostile HTTP against the probe server of the real binary as PID 1.

While each attack runs, a well-behaved client polls /health and every answer's latency is
recorded; a signal sent meanwhile must still reach the child. Afterwards clawinit's memory
(VmRSS) has grown by less than 8 MB, its fd count is back to the baseline, and it is alive.
The issue asks for probes within 100 ms; the figures are printed, and the assertion is the
looser 1 s (times harness.TIME_FACTOR) so that a loaded CI machine does not turn this red.
Each test ends with SIGTERM and a clean exit 0 (not SIGKILL), so that under ASan the leak
check at clawinit's exit runs after every attack.
"""
import errno
import os
import resource
import select
import signal
import socket
import statistics
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from harness import MEMORY_FACTOR, TIME_FACTOR, ClawinitTest, free_port, get, wait_for  # noqa: E402
from test_faults import fd_count, probe_up, steady_fd_count  # noqa: E402

# Under ASan, VmRSS also holds the freed blocks of the quarantine (harness.MEMORY_FACTOR).
RSS_GROWTH_LIMIT_KB = 8 * 1024 * MEMORY_FACTOR
LATENCY_LIMIT_S = 1.0 * TIME_FACTOR

# 1000 slowloris sockets plus the rest need more than the common soft limit of 1024.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _hard == resource.RLIM_INFINITY or _hard >= 4096:
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, _hard))


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class WellBehavedClient:
    """Polls /health every 20 ms in a thread; records (status, seconds) for every request."""

    def __init__(self, port):
        self.port, self.samples, self.failures = port, [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self):
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                status = get(self.port, "/health", timeout=10)[0]
                self.samples.append((status, time.monotonic() - began))
            except OSError as error:
                self.failures.append(repr(error))
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def figures(self):
        times = sorted(t for _, t in self.samples)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        return statistics.median(times), p99, times[-1]


def read_all(sock, timeout=10, how=None):
    """Everything until the server closes. `how`, a list, gets "eof", "reset" or "timeout"."""
    sock.settimeout(timeout)
    chunks, ended = [], "eof"
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            ended = "reset"
            break
        except socket.timeout:
            ended = "timeout"
            break
        if not chunk:
            break
        chunks.append(chunk)
    if how is not None:
        how.append(ended)
    return b"".join(chunks)


def is_open(sock):
    """True while the server has not closed the connection (nothing to read, no EOF)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return True
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


class HostileHttp(ClawinitTest):
    def setUp(self):
        self.port = free_port()
        self.run_ = self.run_clawinit(["--grace", "2s", "--probe-listen", f"127.0.0.1:{self.port}"],
                                      self.child("sleep"))
        self.run_.wait_events("start")
        wait_for(lambda: probe_up(self.port), what="probe server")
        for _ in range(20):  # warm up the allocator's arenas before the baseline
            get(self.port, "/metrics")
        self.fds = steady_fd_count(self.run_.pid)
        self.rss = vm_rss_kb(self.run_.pid)

    def attack(self, name, body):
        """Runs body() while a good client polls and a signal is sent; checks the aftermath."""
        hups = len([e for e in self.run_.events("signal") if e[1] == "SIGHUP"])
        with WellBehavedClient(self.port) as client:
            body()
            self.run_.signal(signal.SIGHUP)
            wait_for(lambda: len([e for e in self.run_.events("signal") if e[1] == "SIGHUP"]) > hups,
                     what="SIGHUP forwarded during the attack")
            time.sleep(0.2)
        self.assertTrue(self.run_.alive())
        self.assertEqual(client.failures, [])
        self.assertTrue(client.samples)
        self.assertEqual({s for s, _ in client.samples}, {200})
        p50, p99, worst = client.figures()
        growth = vm_rss_kb(self.run_.pid) - self.rss
        print(f"\n  {name}: {len(client.samples)} probes p50 {p50 * 1000:.1f} ms "
              f"p99 {p99 * 1000:.1f} ms max {worst * 1000:.1f} ms; VmRSS +{growth} kB",
              file=sys.stderr)
        self.assertLess(worst, LATENCY_LIMIT_S)
        self.assertLess(growth, RSS_GROWTH_LIMIT_KB)
        wait_for(lambda: fd_count(self.run_.pid) <= self.fds, what="every connection closed")
        self.assertEqual(len(self.run_.processes()), 1)
        self.stop_cleanly()

    def stop_cleanly(self):
        # SIGTERM and exit 0: an ASan clawinit runs its leak check on this way out.
        self.run_.signal(signal.SIGTERM)
        self.assertExit(self.run_, 0)
        self.assert_gone(self.run_)

    def test_slowloris_thousand_connections_a_byte_a_second(self):
        prefix = b"GET /health HTTP/1.1\r\nX-Slow: "
        socks = {}  # socket -> bytes sent

        def connect():
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            socks[s] = 0

        def body():
            for _ in range(1000):
                connect()
            evicted = 0
            for _ in range(8):  # longer than the 5 s request deadline
                for s in list(socks):
                    n = socks[s]
                    byte = prefix[n:n + 1] or b"a"
                    try:
                        s.send(byte)
                        socks[s] = n + 1
                    except (BlockingIOError, InterruptedError):
                        pass  # still connecting
                    except OSError:
                        evicted += 1  # dropped by the server: come back, like an attacker
                        del socks[s]
                        s.close()
                        connect()
                time.sleep(1)
            self.evicted = evicted

        try:
            self.attack("slowloris 1000 conns", body)
        finally:
            for s in socks:
                s.close()
        self.assertGreater(self.evicted, 0, "the cap never dropped a connection")

    def test_at_the_connection_cap_the_oldest_is_dropped(self):
        # 256 connections, opened in order, each with its 5 s request deadline running. The
        # two oldest then finish a keep-alive request each (the second oldest first), which
        # restarts their deadlines: the OLDEST now has the LATEST deadline, so the request
        # deadline would close it last, while the cap must close it first. One more
        # connection must be answered, and the oldest closed while the second oldest is open.
        request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"

        def answered(s):
            s.sendall(request)
            got = b""
            while b"\r\n\r\n" not in got or not got.endswith(b"}\n"):
                chunk = s.recv(4096)
                if not chunk:
                    raise AssertionError(f"closed instead of answered: {got!r}")
                got += chunk
            return got.split(b"\r\n", 1)[0]

        conns = []
        self.addCleanup(lambda: [s.close() for s in conns])
        opened = time.monotonic()
        for _ in range(256):
            conns.append(socket.create_connection(("127.0.0.1", self.port), timeout=10))
        wait_for(lambda: fd_count(self.run_.pid) >= self.fds + 256,
                 what="the server to hold all 256 connections")
        self.assertEqual(answered(conns[1]), b"HTTP/1.1 200 OK")
        renewed = time.monotonic()
        self.assertEqual(answered(conns[0]), b"HTTP/1.1 200 OK")
        closed = [i for i, s in enumerate(conns) if not is_open(s)]
        self.assertEqual(closed, [], "closed while setting up (a deadline passed?)")
        newest = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        conns.append(newest)
        self.assertEqual(answered(newest), b"HTTP/1.1 200 OK")
        wait_for(lambda: not is_open(conns[0]), what="the oldest connection dropped")
        second_oldest_open = is_open(conns[1])
        took = time.monotonic() - renewed
        print(f"\n  connection cap: 256 open in {renewed - opened:.2f}s, the oldest dropped "
              f"{took * 1000:.0f} ms after the renewal", file=sys.stderr)
        # The second oldest's deadline is 5 s after its renewal: before that, only the cap
        # can have closed anything, and it must have closed the oldest alone.
        self.assertLess(took, 4.5, "too slow to tell the cap from the request deadline")
        self.assertTrue(second_oldest_open, "more than the oldest was dropped")
        for s in conns:
            s.close()
        conns.clear()
        wait_for(lambda: fd_count(self.run_.pid) <= self.fds, what="every connection closed")
        self.stop_cleanly()

    def test_oversized_headers_and_invalid_methods(self):
        answers = {}

        def body():
            for i in range(200):
                for name, request in [
                    ("huge header", b"GET /health HTTP/1.1\r\nX: " + b"a" * 65536 + b"\r\n\r\n"),
                    ("many headers", b"GET /health HTTP/1.1\r\n" + b"X: y\r\n" * 3000 + b"\r\n"),
                    ("huge target", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n"),
                    ("unknown method", b"BREW /health HTTP/1.1\r\nConnection: close\r\n\r\n"),
                    ("invalid method", b"G\x00T /health HTTP/1.1\r\n\r\n"),
                    ("binary", bytes(range(256)) * 4),
                    ("bad version", b"GET /health HTTP/9.9\r\n\r\n"),
                    ("body", b"POST /health HTTP/1.1\r\nContent-Length: 999999\r\n\r\nxx"),
                    ("chunked", b"POST /health HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n"),
                ]:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                        try:
                            s.sendall(request)
                        except OSError:
                            pass  # the server may close before the whole request is sent
                        how = []
                        head = read_all(s, how=how).split(b"\r\n", 1)[0]
                        answers.setdefault(name, set()).add((head, how[0]))

        self.attack("oversized headers / invalid methods", body)
        # Requests larger than what the server reads before it answers leave bytes unread in
        # its socket, and closing such a socket sends a reset, which may overtake the 400 on
        # the client's side: only there is "reset, nothing read" an answer. A clean close
        # with nothing said, or a timeout, is never one.
        oversized = {"huge header", "many headers", "huge target"}
        for name, heads in answers.items():
            for head, how in heads:
                if head == b"" and how == "reset" and name in oversized:
                    continue
                self.assertNotEqual(head, b"", f"{name}: closed ({how}) without an answer")
                self.assertIn(head.split(b" ")[1], (b"400", b"405"), f"{name}: {head!r}")
            self.assertTrue(any(head for head, _ in heads), f"{name}: never answered")
        self.assertEqual({head for head, _ in answers["unknown method"]},
                         {b"HTTP/1.1 405 Method Not Allowed"})

    def test_pipelined_flood(self):
        counted = []

        def body():
            request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
            # Read: every one of 2000 pipelined requests is answered, in order.
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                s.sendall(request * 1999 + b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")
                counted.append(read_all(s).count(b"HTTP/1.1 200 OK"))
            # Never read: 20 clients push 1 MB of requests each and stop reading; the server
            # must not buffer the answers without bound.
            floods = []
            for _ in range(20):
                s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
                s.setblocking(False)
                floods.append(s)
            blob = request * (1024 * 1024 // len(request))
            for s in floods:
                sent = 0
                deadline = time.monotonic() + 2
                while sent < len(blob) and time.monotonic() < deadline:
                    try:
                        sent += s.send(blob[sent:])
                    except BlockingIOError:
                        time.sleep(0.01)
                    except OSError:
                        break
            time.sleep(1)
            for s in floods:
                s.close()

        self.attack("pipelined flood", body)
        self.assertEqual(counted, [2000])

    def test_half_closed_sockets(self):
        heads = []

        def body():
            for _ in range(300):
                # Request then FIN: still answered.
                with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                    s.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
                    s.shutdown(socket.SHUT_WR)
                    heads.append(read_all(s).split(b"\r\n", 1)[0])
                # FIN at once, or half a request then FIN: closed without an answer or a 400.
                for data in (b"", b"GET /rea"):
                    with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                        s.sendall(data)
                        s.shutdown(socket.SHUT_WR)
                        read_all(s)
            # Half-closed and never read: the server answers into the void and closes.
            idle = []
            for _ in range(200):
                s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
                s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
                s.shutdown(socket.SHUT_WR)
                idle.append(s)
            time.sleep(1)
            for s in idle:
                s.close()

        self.attack("half-closed sockets", body)
        self.assertEqual(set(heads), {b"HTTP/1.1 200 OK"})

    def test_an_exit_waiter_that_never_closes_holds_the_exit_only_briefly(self):
        # `stop --wait` asks for the outcome (GET /status?wait=exit) and clawinit holds its
        # exit until that client has closed, because a `docker exec` client dies with the PID
        # namespace. A client that never reads and never closes must not hold PID 1 (README:
        # at most 1 s); the bound here is generous, a clawinit that waits for ever fails it.
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.addCleanup(s.close)
        s.sendall(b"GET /status?wait=exit HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            self.assertTrue(chunk, f"closed before the head: {head!r}")
            head += chunk
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        started = time.monotonic()
        self.run_.signal(signal.SIGTERM)
        self.assertExit(self.run_, 0)
        self.assertLess(time.monotonic() - started, 10 * TIME_FACTOR)
        self.assert_gone(self.run_)
        self.assertIn(b'"status":"exited"', head.split(b"\r\n\r\n", 1)[1] + read_all(s))


if __name__ == "__main__":
    unittest.main()
