"""The shipped configurations, adapted only to test ports and shorter timings, driving the
example gateway (its OpenClaw 2026.9-like mode for the 2026.9 profile) under clawinit as PID 1
of a fresh PID namespace: /health through starts and in-place restarts, a hung gateway caught
and replaced, `restart --wait` from an exec with an empty environment and no config, dropped
signals visible, and what a stop during a start or a restart ends with.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import yaml

from harness import CHILD, CLAWINIT, GATEWAY, PATIENCE, TIME_FACTOR, ClawinitTest, wait_for
from test_probe import free_port, get

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROFILE_2026_9 = os.path.join(ROOT, "examples/openclaw/openclaw-2026.9.yaml")
PROFILE_2026_3 = os.path.join(ROOT, "examples/openclaw/openclaw-2026.3.11.yaml")
IMAGE_CONFIG = os.path.join(ROOT, "docker/rootfs/etc/clawinit/clawinit.yaml")
K8S_CONFIGMAP = os.path.join(ROOT, "examples/k8s/base/clawinit.yaml")


def load_shipped(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    if doc.get("kind") == "ConfigMap":
        doc = yaml.safe_load(doc["data"]["clawinit.yaml"])
    return doc


def code(port, path):
    try:
        return get(port, path, timeout=5)[0]
    except OSError:
        return 0


class HealthWatch:
    """Polls /health every 50 ms in a thread and keeps every answer that was not 200."""

    def __init__(self, port):
        self.port = port
        self.bad = []
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            answer = code(self.port, "/health")
            self.polls += 1
            if answer != 200:
                self.bad.append(answer)
            self._stop.wait(0.05)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.bad


def gateway_2026_9(port, state, listen_after="3s", ready_after="4s"):
    return [GATEWAY, "--mode", "2026.9", "--port", str(port), "--listen-after", listen_after,
            "--ready-after", ready_after, "--state-dir", state]


def gateway_2026_3(port, state):
    return [GATEWAY, "--port", str(port), "--state-dir", state]


class GatewayProfiles(ClawinitTest):
    def start_profile(self, shipped, make_command, **overrides):
        """clawinit -c <shipped config, test ports, `overrides`> -- make_command(port, dir)."""
        config = load_shipped(shipped)
        self.gw_port = free_port()
        self.port = free_port()
        self.probe = f"127.0.0.1:{self.port}"
        for key in ("ready-check", "live-check"):
            if key in config:
                config[key] = re.sub(r":(18789|8888)\b", f":{self.gw_port}", config[key])
        config["probe-listen"] = self.probe
        config.pop("user", None)  # the gateway runs as whoever runs the test
        self.state = tempfile.mkdtemp(prefix="clawinit-profile-")
        config["state-dir"] = self.state
        # Checks every 500 ms instead of 2 s; everything else as shipped unless a test says
        # otherwise (a short grace where the test waits for the SIGKILL of a hung gateway).
        config.update({"check-interval": f"{500 * TIME_FACTOR}ms",
                       "check-timeout": f"{400 * TIME_FACTOR}ms"})
        for key, value in overrides.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        fd, path = tempfile.mkstemp(suffix=".yaml")
        with os.fdopen(fd, "w") as f:
            yaml.safe_dump(config, f)
        self.addCleanup(os.remove, path)
        command = make_command(self.gw_port, os.path.join(self.state, "gateway"))
        run = self.run_clawinit(["-c", path], command)
        wait_for(lambda: code(self.port, "/status") == 200, what="probe server")
        return run

    def status(self):
        return json.loads(get(self.port, "/status")[1])

    def exec_client(self, run, *args):
        """`docker exec NAME clawinit ARGS` with an empty environment and no config file: the
        client runs in clawinit's PID and mount namespaces and finds it as PID 1. Only the
        probe address is given: these runs share the host's network, where 8899 may be taken
        (test_2026_9_restart_wait_from_an_empty_exec_with_no_config_and_no_probe gives
        clawinit a network namespace and leaves out --probe too)."""
        return subprocess.run(["nsenter", "--target", str(run.pid), "--pid", "--mount", "--",
                               "env", "-i", os.path.abspath(CLAWINIT), *args, "--probe",
                               self.probe],
                              capture_output=True, text=True, timeout=PATIENCE * 4)

    def wait_ready(self, run):
        wait_for(lambda: code(self.port, "/ready") == 200, what="gateway ready\n" + run.stderr())

    # ---- OpenClaw 2026.9 profile ---------------------------------------------------------

    def test_2026_9_health_stays_200_through_start_and_restart_from_an_empty_exec(self):
        # The gateway refuses connections for 3 s and is not ready for 4 s (the real one
        # listens ~37 s and is ready 40-50 s after its spawn): six failed live checks before it
        # listens, none may turn /health 503.
        run = self.start_profile(PROFILE_2026_9, gateway_2026_9, **{"drain-delay": "200ms"})
        watch = HealthWatch(self.port)
        self.addCleanup(watch.stop)
        self.wait_ready(run)
        st = self.status()
        self.assertEqual((st["status"], st["restart_signal"]), ("running", "SIGUSR2"))

        # No CLAWINIT_CONFIG, no -c: the client learns SIGUSR2 from /status (it used to send
        # SIGUSR1, which this profile drops, and time out).
        done = self.exec_client(run, "restart", "--wait")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr + run.stderr())
        self.assertRegex(done.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        self.assertIn("restart requested (SIGUSR2)", run.stderr())
        self.assertEqual(self.status()["child"]["restarts"], 1)
        bad = watch.stop()
        self.assertGreater(watch.polls, 20)
        self.assertEqual(bad, [], "/health was not 200 during the start or the restart\n" +
                         run.stderr())

        # An old `kill -USR1` habit: dropped by the profile's rewrite, and visible.
        run.signal(signal.SIGUSR1)
        wait_for(lambda: 'clawinit_signals_dropped_total{signal="SIGUSR1",reason="rewritten"} 1'
                 in get(self.port, "/metrics")[1], what="the drop counted in /metrics")
        self.assertIn("SIGUSR1 dropped: --rewrite maps it to nothing", run.stderr())
        self.assertIn('clawinit_status{status="running"} 1', get(self.port, "/metrics")[1])

        done = self.exec_client(run, "stop", "--wait")
        self.assertRegex(done.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful",
                         done.stderr + run.stderr())
        self.assertExit(run, 0)

    def test_2026_9_restart_wait_from_an_empty_exec_with_no_config_and_no_probe(self):
        # Issue 14 point 2 exactly as an operator runs it: `docker exec NAME clawinit restart
        # --wait`, an empty environment, no -c, no CLAWINIT_CONFIG, no --probe. clawinit is
        # PID 1 of its own PID, mount and network namespaces, as in a container, so the shipped
        # probe-listen 0.0.0.0:8899 (the client's default) and the gateway's 18789 are free.
        config = load_shipped(PROFILE_2026_9)
        self.assertEqual(config["probe-listen"], "0.0.0.0:8899")
        config.pop("user", None)
        state = tempfile.mkdtemp(prefix="clawinit-profile-")
        self.addCleanup(shutil.rmtree, state, True)
        config.update({"state-dir": state, "drain-delay": "200ms",
                       "check-interval": f"{500 * TIME_FACTOR}ms",
                       "check-timeout": f"{400 * TIME_FACTOR}ms"})
        path = os.path.join(state, "clawinit.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        run = self.run_clawinit(["-c", path],
                                gateway_2026_9(18789, os.path.join(state, "gateway")), net=True)

        def client(*args):
            return subprocess.run(["nsenter", "--target", str(run.pid), "--pid", "--mount",
                                   "--net", "--", "env", "-i", os.path.abspath(CLAWINIT), *args],
                                  capture_output=True, text=True, timeout=PATIENCE * 4)

        wait_for(lambda: client("probe", "ready").returncode == 0,
                 what="ready on the default probe port\n" + run.stderr())
        done = client("restart", "--wait")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr + run.stderr())
        self.assertRegex(done.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        self.assertIn("restart requested (SIGUSR2)", run.stderr())
        done = client("stop", "--wait")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr + run.stderr())
        self.assertRegex(done.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful")
        self.assertExit(run, 0)

    def test_2026_9_stop_during_start_skips_the_drain(self):
        # Never ready within the test: the shipped 5 s drain would protect no endpoint.
        run = self.start_profile(PROFILE_2026_9,
                                 lambda port, state: gateway_2026_9(port, state, "1m", "1m"))
        wait_for(lambda: "spawned" in run.stderr(), what="spawn")
        # The gateway makes its state directory right after installing its signal handlers: a
        # SIGTERM sent before that (4 ms after the spawn under ASan) meets the default action
        # and ends the gateway with 143, a race of the test and not the drain under test.
        wait_for(lambda: os.path.isdir(os.path.join(self.state, "gateway")),
                 what="the gateway's signal handlers (its state directory)")
        self.assertEqual(self.status()["status"], "starting")
        started = time.monotonic()
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assertIn("no drain delay", run.stderr())
        self.assertLess(time.monotonic() - started, 4.5 * TIME_FACTOR, run.stderr())

    # ---- one status word and reason in /status, /metrics and `clawinit status` -----------

    def assert_status_agrees(self, run, status, reason_kind):
        """/status, /metrics and `clawinit status` (run as an exec) say the same. Three
        requests, so the state could move in between: ask until one round agrees."""
        seen = []

        def one_round():
            before = self.status()
            metrics = get(self.port, "/metrics")[1]
            table = self.exec_client(run, "status").stdout
            after = self.status()
            seen[:] = [before, metrics, table]
            if (before["status"], before.get("reason")) != (after["status"], after.get("reason")):
                return False
            reason = before.get("reason", "")
            words = dict(line.split(None, 1) for line in table.splitlines() if " " in line)
            shown = re.findall(r'^clawinit_status\{status="(\w+)"\} 1$', metrics, re.M)
            reasons = re.findall(r'^clawinit_status_reason\{status="(\w+)",reason="([^"]*)"\} 1$',
                                 metrics, re.M)
            return (before["status"] == status and reason.split(": ")[0] == reason_kind
                    and words.get("status", "").strip() == status
                    and words.get("reason", "").strip() == reason
                    and shown == [status] and reasons == [(status, reason_kind)])

        try:
            wait_for(one_round, what=f"{status} / {reason_kind} everywhere")
        except AssertionError as e:
            raise AssertionError(f"{e}; last seen: {seen}\n{run.stderr()}") from None

    def test_status_word_and_reason_agree_outside_running(self):
        # Starting: the gateway listens but its /readyz stays 503 ("ready check failing: HTTP
        # 503", its kind alone in /metrics).
        run = self.start_profile(PROFILE_2026_9,
                                 lambda port, state: gateway_2026_9(port, state, "0s", "1m"))
        self.assert_status_agrees(run, "starting", "ready check failing")
        run.signal(signal.SIGKILL)
        # Unready: ready once, then hung: its ready check fails, then its live check.
        run = self.start_profile(PROFILE_2026_9,
                                 lambda port, state: gateway_2026_9(port, state, "0s", "0s"))
        self.wait_ready(run)
        gateway = run.main_child()
        os.kill(gateway, signal.SIGSTOP)
        self.addCleanup(lambda: subprocess.run(["kill", "-CONT", str(gateway)],
                                               capture_output=True))
        wait_for(lambda: code(self.port, "/health") == 503, what="/health 503 for a hung gateway")
        self.assert_status_agrees(run, "unready", "live check failing")

    # ---- a hung gateway under every shipped config ---------------------------------------

    def check_hung_gateway_is_caught_and_replaced(self, shipped, make_command):
        # grace shortened: the orchestrator's stop of a SIGSTOPped gateway ends in SIGKILL.
        run = self.start_profile(shipped, make_command, grace="1s", **{"drain-delay": "0s"})
        self.wait_ready(run)
        self.assertEqual(code(self.port, "/health"), 200)
        gateway = run.main_child()
        os.kill(gateway, signal.SIGSTOP)
        self.addCleanup(lambda: subprocess.run(["kill", "-CONT", str(gateway)],
                                               capture_output=True))
        wait_for(lambda: code(self.port, "/health") == 503, what="/health 503 for a hung gateway")
        self.assertIn("live check failing", self.status().get("reason", ""))
        # The orchestrator's answer to a failing liveness probe: stop the container (SIGTERM
        # to PID 1, SIGKILL after the grace) and start a new one.
        run.signal(signal.SIGTERM)
        self.assertExit(run, 137)
        self.assertEqual(run.processes(), [])
        again = self.start_profile(shipped, make_command)
        self.wait_ready(again)
        self.assertEqual(code(self.port, "/health"), 200)

    def test_hung_gateway_image_default_config(self):
        self.check_hung_gateway_is_caught_and_replaced(IMAGE_CONFIG, gateway_2026_3)

    def test_hung_gateway_k8s_configmap(self):
        self.check_hung_gateway_is_caught_and_replaced(K8S_CONFIGMAP, gateway_2026_3)

    def test_hung_gateway_2026_9_profile(self):
        self.check_hung_gateway_is_caught_and_replaced(
            PROFILE_2026_9, lambda port, state: gateway_2026_9(port, state, "0s", "0s"))

    def test_hung_gateway_2026_3_profile(self):
        # 2026.3.11's /healthz and /readyz (the example gateway serves them in 2026.3 mode too).
        self.assertEqual(load_shipped(PROFILE_2026_3)["live-check"],
                         "http://127.0.0.1:18789/healthz")
        self.check_hung_gateway_is_caught_and_replaced(PROFILE_2026_3, gateway_2026_3)

    def test_2026_3_profile_catches_a_gateway_that_never_listens(self):
        # A gateway that never gets to listen (wedged while loading) fails the live check
        # (connection refused) once the start period has run out.
        run = self.start_profile(PROFILE_2026_3, lambda port, state: [CHILD, "sleep"],
                                 **{"live-start-period": "2s"})
        self.assertIn("live-check", load_shipped(PROFILE_2026_3))
        wait_for(lambda: code(self.port, "/health") == 503, what="/health 503 after the start period")
        self.assertEqual(self.status()["status"], "starting")

    # ---- stops that meet a start or a restart --------------------------------------------

    def test_a_stop_that_wins_a_restart_exits_0(self):
        # Restart signal SIGHUP (logged, not acted on by the child) leaves the request pending;
        # the stop that follows makes the child exit with the restart code 3.
        run = self.start_profile(IMAGE_CONFIG, lambda port, state: [CHILD, "sleep", "--term-exit", "3"],
                                 **{"restart-signal": ["SIGHUP"], "restart-exit-code": [3],
                                    "restart-timeout": "1m", "ready-check": None, "live-check": None})
        run.wait_events("start")
        run.signal(signal.SIGHUP)
        run.wait_events("signal", what="SIGHUP forwarded")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assertIn("the stop won", run.stderr())

    def test_restart_wait_during_a_stop_says_a_stop_is_under_way(self):
        run = self.start_profile(IMAGE_CONFIG,
                                 lambda port, state: [CHILD, "sleep", "--term-delay", "3000"],
                                 **{"ready-check": None, "live-check": None})
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        wait_for(lambda: self.status()["status"] == "stopping", what="stopping")
        done = self.exec_client(run, "restart", "--wait")
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("a stop is under way", done.stderr)
        self.assertNotIn("code -", done.stderr)
        self.assertExit(run, 0)

    def test_a_child_killed_by_the_forwarded_stop_is_logged_as_such(self):
        run = self.start_profile(IMAGE_CONFIG, lambda port, state: ["/bin/sleep", "1000"],
                                 **{"ready-check": None, "live-check": None})
        wait_for(lambda: "spawned" in run.stderr(), what="spawn")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 143)
        self.assertIn("exited with code 143: stopped by SIGTERM (forwarded)", run.stderr())


if __name__ == "__main__":
    unittest.main()
