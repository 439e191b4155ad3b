"""--log-format json: every stderr line is a JSON object whose facts are fields a log shipper
can index (event, pid, signal, exit_code, duration_ms...), not only words inside "msg"."""
import shutil
import signal
import tempfile
import unittest

from harness import ClawinitTest, wait_for

FAST = ["--grace", "2s", "--probe-listen", "off", "--log-format", "json"]


class JsonLogFields(ClawinitTest):
    def wait_event(self, run, event, count=1):
        def matching():
            try:  # the last line may still be half written
                lines = self.json_lines(run.stderr())
            except ValueError:
                return None
            found = [l for l in lines if l.get("event") == event]
            return found if len(found) >= count else None
        return wait_for(matching, what=f"{count} '{event}' line(s) on stderr")

    def test_spawn_forward_restart_stop_carry_their_fields(self):
        # Defaults: SIGUSR1 asks for a restart, exit code 1 answers it.
        run = self.run_clawinit(FAST, self.child("sleep", "--usr1-exit", "1"))
        first = run.wait_events("start")[0]
        run.signal(signal.SIGUSR2)  # a plain forward
        run.wait_events("signal")
        run.signal(signal.SIGUSR1)
        starts = run.wait_events("start", 2, "a second child")
        self.wait_event(run, "spawned", 2)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

        lines = self.json_lines(run.stderr())
        self.assertTrue(lines)
        for line in lines:  # every line, not only those with an event, is a full record
            self.assertTrue({"time", "level", "msg"} <= set(line), line)
        by_event = {}
        for line in lines:
            by_event.setdefault(line.get("event"), []).append(line)

        spawned = by_event["spawned"]
        self.assertEqual(len(spawned), 2, lines)
        for line, start in zip(spawned, [first, starts[1]]):
            self.assertIsInstance(line["pid"], int)
            self.assertEqual(line["pid"], int(start[1]))
            self.assertIn("sleep --usr1-exit 1", line["command"])
            self.assertIn(f"pid={line['pid']}", line["msg"])  # msg stays for people
        self.assertIs(spawned[0]["restart"], False)
        self.assertIs(spawned[1]["restart"], True)

        forwarded = {l["signal"]: l for l in by_event["forwarded"]}
        self.assertEqual(forwarded["SIGUSR2"]["sent_as"], "SIGUSR2")
        self.assertEqual(forwarded["SIGUSR2"]["pid"], spawned[0]["pid"])
        self.assertEqual(forwarded["SIGTERM"]["pid"], spawned[1]["pid"])

        requested = by_event["restart_requested"][0]
        self.assertEqual(requested["signal"], "SIGUSR1")
        self.assertEqual(requested["pid"], spawned[0]["pid"])
        self.assertIsInstance(requested["timeout_ms"], int)
        self.assertEqual(by_event["restarting"][0]["exit_code"], 1)

        exited = by_event["exited"]
        self.assertEqual([(l["pid"], l["exit_code"]) for l in exited],
                         [(spawned[0]["pid"], 1), (spawned[1]["pid"], 0)])
        self.assertEqual(by_event["stopping"][0]["signal"], "SIGTERM")

        stopped = by_event["stopped"][0]
        self.assertIsInstance(stopped["duration_ms"], int)
        self.assertGreaterEqual(stopped["duration_ms"], 0)
        self.assertIs(stopped["killed"], False)
        self.assertEqual(stopped["exit_code"], 0)
        self.assertEqual(stopped["signal"], "SIGTERM")

    def test_a_crash_carries_its_code_and_budget(self):
        state_dir = tempfile.mkdtemp(prefix="clawinit-json-")
        self.addCleanup(shutil.rmtree, state_dir, True)
        run = self.run_clawinit(FAST + ["--on-crash", "always", "--max-restarts", "1",
                                        "--backoff", "10ms", "--state-dir", state_dir],
                                self.child("exit", "3"))
        self.assertExit(run, 3)
        by_event = {}
        for line in self.json_lines(run.stderr()):
            by_event.setdefault(line.get("event"), []).append(line)
        crashed = by_event["crashed"][0]
        self.assertEqual(crashed["exit_code"], 3)
        self.assertEqual(crashed["restarts"], 1)
        self.assertEqual(crashed["max_restarts"], 1)
        self.assertEqual(crashed["delay_ms"], 10)
        giving_up = by_event["giving_up"][0]
        self.assertEqual(giving_up["exit_code"], 3)
        self.assertEqual(giving_up["restarts"], 1)
        self.assertIsInstance(giving_up["window_ms"], int)
        self.assertEqual(by_event["exiting"][0]["exit_code"], 3)
        self.assertEqual(by_event["boot"][0]["count"], 1)  # a line of the shell, not the core


if __name__ == "__main__":
    unittest.main()
