"""The probe server with real HTTP against the real binary as PID 1, in every lifecycle state."""
import http.client
import json
import os
import signal
import socket
import threading
import unittest

from harness import CHILD, GATEWAY, PATIENCE, TIME_FACTOR, ProbeTest, free_port, get, wait_for


def raw(port, data, timeout=10):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode(errors="replace")


class Probe(ProbeTest):
    def code(self, path):
        return get(self.port, path)[0]

    def test_running_endpoints(self):
        run = self.start(["--env", "GATEWAY_TOKEN=s3cret-token"], self.child("sleep"))
        run.wait_events("start")
        wait_for(lambda: self.code("/ready") == 200, what="ready")
        for path in ["/health", "/healthz", "/livez", "/ready", "/readyz", "/startup", "/startupz"]:
            status, body, headers = get(self.port, path)
            self.assertEqual(status, 200, path)
            self.assertEqual(headers["Content-Type"], "application/json")
            json.loads(body)
        st = self.status()
        self.assertEqual(st["status"], "running")
        self.assertEqual(list(st)[:2], ["status", "uptime"])
        self.assertEqual(st["child"]["restarts"], 0)
        self.assertIsNone(st["child"]["last_exit"])
        metrics = get(self.port, "/metrics")[1]
        self.assertIn("# TYPE clawinit_restarts_total counter", metrics)
        self.assertIn("clawinit_ready 1", metrics)
        for path in ["/status", "/metrics", "/health", "/ready"]:
            self.assertNotIn("s3cret", get(self.port, path)[1])
            self.assertNotIn(CHILD, get(self.port, path)[1])
        self.assertEqual(self.code("/nope"), 404)
        self.assertEqual(get(self.port, "/health", "POST")[0], 405)
        status, body, headers = get(self.port, "/status", "HEAD")
        self.assertEqual((status, body), (200, ""))
        self.assertGreater(int(headers["Content-Length"]), 0)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        with self.assertRaises(OSError):
            get(self.port, "/health", timeout=2)  # the listener closed with clawinit

    def test_malformed_requests_and_keep_alive(self):
        run = self.start([], self.child("sleep"))
        self.assertIn(" 400 ", raw(self.port, b"GARBAGE\r\n\r\n").split("\r\n")[0] + " ")
        huge = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        self.assertIn("400", raw(self.port, huge).split("\r\n")[0])
        with_body = b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        self.assertIn("400", raw(self.port, with_body).split("\r\n")[0])
        two = (b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
               b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = raw(self.port, two)
        self.assertEqual(answer.count("HTTP/1.1 200"), 2, answer)
        # HTTP/1.0 closes unless both sides say keep-alive: the first answer must say it, and
        # the second (no keep-alive asked) closes the connection, which ends raw().
        old_client = (b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                      b"GET /livez HTTP/1.0\r\n\r\n")
        first, _, second = raw(self.port, old_client).partition('{"status":"ok"}\n')
        self.assertIn("\r\nConnection: keep-alive\r\n", first)
        self.assertTrue(second.startswith("HTTP/1.1 200 OK\r\n"), second)
        self.assertIn("\r\nConnection: close\r\n", second)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for _ in range(3):  # one connection, three requests
            conn.request("GET", "/health")
            self.assertEqual(conn.getresponse().read(), b'{"status":"ok"}\n')
        conn.close()
        self.assertTrue(run.alive())

    def test_ready_check_against_the_example_gateway_and_restart(self):
        gw_port = free_port()
        state = os.path.join(self.id().replace(".", "_"))
        # The gateway turns ready after a window long enough for the first probes below to
        # come before it, on a loaded or sanitized machine too.
        ready_after = 3 * TIME_FACTOR
        run = self.start(["--ready-check", f"http://127.0.0.1:{gw_port}/ready",
                          "--check-interval", f"{TIME_FACTOR}s",
                          "--check-timeout", f"{TIME_FACTOR}s"],
                         [GATEWAY, "--port", str(gw_port), "--ready-after", f"{ready_after}s",
                          "--state-dir", f"/tmp/clawinit-it-{state}"])
        self.assertEqual(self.code("/ready"), 503)
        self.assertEqual(self.code("/startup"), 503)
        self.assertEqual(self.status()["status"], "starting")
        wait_for(lambda: self.code("/ready") == 200, timeout=PATIENCE + ready_after,
                 what="gateway ready")
        self.assertEqual(self.code("/startup"), 200)
        run.signal(signal.SIGUSR1)
        # Between the old gateway's exit and the new one passing its check: 503, restarting.
        wait_for(lambda: self.status()["status"] == "restarting", what="restarting")
        self.assertEqual(self.code("/ready"), 503)
        self.assertEqual(self.code("/health"), 200)
        self.assertEqual(self.code("/startup"), 200)
        wait_for(lambda: self.code("/ready") == 200, timeout=PATIENCE + ready_after,
                 what="new gateway ready")
        st = self.status()
        self.assertEqual((st["status"], st["child"]["restarts"], st["child"]["last_exit"]),
                         ("running", 1, 1))
        self.assertIn('clawinit_restarts_total{reason="signal"} 1', get(self.port, "/metrics")[1])
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_drain_delay(self):
        run = self.start(["--drain-delay", "3s"], self.child("sleep"))
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        wait_for(lambda: self.code("/ready") == 503, what="not ready at once")
        st = self.status()
        self.assertEqual((st["status"], st["reason"]), ("stopping", "graceful shutdown"))
        self.assertEqual(self.code("/health"), 200)
        self.assertEqual(run.events("signal"), [], "forwarded before the drain delay")
        self.assertExit(run, 0)
        self.assertEqual([e[1] for e in run.events("signal")], ["SIGTERM"])

    def test_second_sigterm_during_drain_forwards_at_once(self):
        # An hour: longer than any TEST_PATIENCE (sanitized runs stretch it), so exiting within
        # the deadline proves the second SIGTERM cut the drain short.
        run = self.start(["--drain-delay", "1h"], self.child("sleep"))
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        wait_for(lambda: self.code("/ready") == 503, what="draining")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_hung_check_and_slow_clients_never_stall_signals_or_probes(self):
        hung = socket.socket()
        hung.bind(("127.0.0.1", 0))
        hung.listen(1000)  # accepts (kernel backlog) and never answers
        self.addCleanup(hung.close)
        run = self.start(["--ready-check", f"http://127.0.0.1:{hung.getsockname()[1]}/",
                          "--check-interval", "10s", "--check-timeout", "10s"],
                         self.child("sleep"))
        run.wait_events("start")
        slow = []
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finished
            slow.append(s)
        self.addCleanup(lambda: [s.close() for s in slow])
        run.signal(signal.SIGHUP)
        run.wait_events("signal", what="SIGHUP forwarded while the check hangs")
        self.assertEqual(self.code("/health"), 200)
        self.assertEqual(self.code("/ready"), 503)
        self.assertEqual(self.status()["reason"], "ready check failing")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_tcp_and_exec_checks(self):
        gw_port = free_port()
        # The exec check's timeout includes the check command's start and exit, which ASan
        # makes several times longer (harness.TIME_FACTOR).
        # A generous timeout: the failure must be the exit code, not a timeout. Capped at
        # 10 s: two failed checks must fit in the patience under valgrind too (factor 50).
        period = f"{min(2 * TIME_FACTOR, 10)}s"
        run = self.start(["--ready-check", f"tcp://127.0.0.1:{gw_port}",
                          "--live-check", f"exec:{CHILD} exit 3", "--live-failures", "2",
                          "--check-interval", period, "--check-timeout", period],
                         [GATEWAY, "--port", str(gw_port), "--state-dir", "/tmp/clawinit-it-tcp"])
        wait_for(lambda: self.code("/ready") == 200, what="tcp check passes")
        wait_for(lambda: self.code("/health") == 503, what="exec live check fails twice")
        self.assertIn("live check failing: exit code 3", self.status()["reason"])
        self.assertEqual(run.zombies(), [])
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_port_in_use_is_exit_2_before_spawning(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        self.addCleanup(taken.close)
        run = self.run_clawinit(["--probe-listen", f"127.0.0.1:{taken.getsockname()[1]}"],
                                self.child("sleep"))
        self.assertExit(run, 2)
        self.assertIn("Address already in use", run.stderr())
        self.assertEqual(run.child_log(), [])

    def test_ipv6_listener(self):
        port = free_port(socket.AF_INET6, "::1")
        run = self.run_clawinit(["--probe-listen", f"[::1]:{port}"], self.child("sleep"))
        wait_for(lambda: self._v6(port), what="IPv6 probe")
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def _v6(self, port):
        try:
            return get(port, "/health", host="::1")[0] == 200
        except OSError:
            return False

    def test_child_does_not_inherit_the_probe_socket(self):
        run = self.start([], self.child("sleep"))
        run.wait_events("start")
        child = wait_for(run.main_child, what="child")
        links = [os.readlink(f"/proc/{child}/fd/{fd}") for fd in os.listdir(f"/proc/{child}/fd")]
        self.assertFalse([l for l in links if l.startswith(("socket:", "anon_inode:"))], links)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)


if __name__ == "__main__":
    unittest.main()
