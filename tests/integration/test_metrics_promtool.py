"""/metrics of the real binary as PID 1, through the real `promtool check metrics` (Debian's
prometheus package) in several lifecycle states: starting, ready with failing and passing
checks, after a restart, and the boot after a stop that needed SIGKILL."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import CHILD, GATEWAY, PATIENCE, TIME_FACTOR, ClawinitTest, free_port, get, wait_for

PROMTOOL = shutil.which("promtool")


def samples(text):
    """name{labels} -> value of every sample line."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = value
    return out


@unittest.skipUnless(PROMTOOL, "promtool not installed (Debian package prometheus)")
class MetricsPromtool(ClawinitTest):
    def setUp(self):
        self.state_dir = tempfile.mkdtemp(prefix="clawinit-metrics-")
        self.addCleanup(shutil.rmtree, self.state_dir, ignore_errors=True)

    def start(self, extra, command):
        self.port = free_port()
        run = self.run_clawinit(["--probe-listen", f"127.0.0.1:{self.port}", *extra], command)
        wait_for(lambda: self.metrics_text(), what="the probe server")
        return run

    def metrics_text(self):
        try:
            status, body, _ = get(self.port, "/metrics")
        except OSError:
            return None
        return body if status == 200 else None

    def checked(self, state):
        """The live /metrics, after promtool found no problem in it (lint included)."""
        text = self.metrics_text()
        self.assertIsNotNone(text, state)
        result = subprocess.run([PROMTOOL, "check", "metrics"], input=text, text=True,
                                capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 0,
                         f"promtool on /metrics while {state}:\n{result.stdout}{result.stderr}")
        return samples(text)

    def test_states_through_promtool(self):
        gw_port = free_port()
        dead_port = free_port()  # nothing listens: every live check round fails
        ready_after = 3 * TIME_FACTOR
        run = self.start(
            ["--ready-check", f"http://127.0.0.1:{gw_port}/ready",
             "--live-check", f"tcp://127.0.0.1:{dead_port}", "--live-failures", "1000",
             "--check-interval", f"{0.5 * TIME_FACTOR}s", "--check-timeout", f"{0.5 * TIME_FACTOR}s",
             "--state-dir", self.state_dir, "--grace", f"{2 * TIME_FACTOR}s"],
            [GATEWAY, "--port", str(gw_port), "--ready-after", f"{ready_after}s"])
        started = time.time()
        s = self.checked("starting")
        self.assertEqual(s['clawinit_status{status="starting"}'], "1")
        self.assertEqual(s["clawinit_last_restart_to_ready_seconds"], "NaN")
        self.assertEqual(s["clawinit_kills_after_grace_total"], "0")
        self.assertEqual(s["clawinit_state_kills_after_grace_total"], "0")
        build = [k for k in s if k.startswith("clawinit_build_info{")]
        self.assertEqual(len(build), 1, s)
        version = subprocess.run([os.environ.get("TEST_CLAWINIT", "../../build/clawinit"),
                                  "--version"], capture_output=True, text=True).stdout
        # "clawinit 0.1.0 (commit abc1234, linux-amd64)": the same facts as the labels.
        _, ver, _, commit, arch = version.replace("(", "").replace(")", "").replace(",", "").split()
        self.assertEqual(build[0], f'clawinit_build_info{{version="{ver}",commit="{commit}",'
                                   f'arch="{arch.removeprefix("linux-")}"}}')
        # The process_* families describe clawinit itself (PID 1 of its namespace).
        self.assertGreater(float(s["process_resident_memory_bytes"]), 0)
        self.assertGreaterEqual(float(s["process_virtual_memory_bytes"]),
                                float(s["process_resident_memory_bytes"]))
        self.assertGreaterEqual(int(s["process_open_fds"]), 3)
        self.assertGreaterEqual(int(s["process_max_fds"]), int(s["process_open_fds"]))
        self.assertGreaterEqual(float(s["process_cpu_seconds_total"]), 0)
        # It started after this test began it and before now (1 s of rounding either side).
        self.assertLess(abs(float(s["process_start_time_seconds"]) - started), PATIENCE)
        self.assertLessEqual(float(s["process_start_time_seconds"]), time.time() + 1)

        wait_for(lambda: get(self.port, "/ready")[0] == 200, timeout=PATIENCE + ready_after,
                 what="gateway ready")
        s = self.checked("ready, live check failing")
        self.assertGreater(int(s['clawinit_check_failures_total{check="live"}']), 0)
        # The ready check failed while the gateway was not ready, then passed.
        ready_rounds = int(s['clawinit_check_duration_seconds_count{check="ready"}'])
        self.assertGreater(ready_rounds, int(s['clawinit_check_failures_total{check="ready"}']))
        self.assertEqual(s['clawinit_check_duration_seconds_bucket{check="ready",le="+Inf"}'],
                         str(ready_rounds))
        self.assertGreater(float(s['clawinit_check_duration_seconds_sum{check="ready"}']), 0)
        self.assertEqual(s["clawinit_last_restart_to_ready_seconds"], "NaN")  # no restart yet

        asked = time.monotonic()
        run.signal(signal.SIGUSR1)  # the gateway exits 1, a restart; ready after ready_after
        wait_for(lambda: samples(self.metrics_text() or "").get(
            "clawinit_last_restart_to_ready_seconds", "NaN") != "NaN",
            timeout=PATIENCE + ready_after, what="restart-to-ready measured")
        took = time.monotonic() - asked
        s = self.checked("ready again after a restart")
        measured = float(s["clawinit_last_restart_to_ready_seconds"])
        # The new gateway is not ready before its --ready-after, and the figure cannot exceed
        # what this test saw from outside.
        self.assertGreaterEqual(measured, ready_after)
        self.assertLessEqual(measured, took)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        with open(os.path.join(self.state_dir, "state.json")) as f:
            self.assertEqual(json.load(f)["kills_after_grace"], 0)

    def test_kill_after_grace_is_counted_over_boots(self):
        args = ["--state-dir", self.state_dir, "--grace", f"{TIME_FACTOR}s"]
        for boot in (1, 2):
            # A child that ignores SIGTERM: the grace runs out and SIGKILL ends the stop.
            run = self.start(args, self.child("sleep", "--ignore-term"))
            run.wait_events("start")
            s = self.checked(f"running, boot {boot}")
            self.assertEqual(s["clawinit_kills_after_grace_total"], "0")
            self.assertEqual(s["clawinit_state_kills_after_grace_total"], str(boot - 1))
            run.signal(signal.SIGTERM)
            run.wait(PATIENCE)
            with open(os.path.join(self.state_dir, "state.json")) as f:
                state = json.load(f)
            self.assertTrue(state["last_stop_killed"])
            self.assertEqual(state["kills_after_grace"], boot)
        # Without a state directory there is no cumulative sample, only the family.
        run = self.start([], self.child("sleep"))
        text = self.metrics_text()
        self.assertIn("# TYPE clawinit_state_kills_after_grace_total counter", text)
        self.assertNotRegex(text, r"(?m)^clawinit_state_kills_after_grace_total ")
        self.checked("running without a state directory")
        run.signal(signal.SIGTERM)
        run.wait(PATIENCE)


if __name__ == "__main__":
    unittest.main()
