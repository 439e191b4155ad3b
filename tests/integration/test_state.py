"""--state-dir: state.json written on lifecycle changes, read back at the next boot."""
import glob
import json
import os
import signal
import tempfile
import unittest

from harness import ClawinitTest, free_port, get, wait_for


class State(ClawinitTest):
    def run_once(self, state_dir, restarts=0, port=None):
        args = ["--grace", "2s", "--state-dir", state_dir,
                "--probe-listen", f"127.0.0.1:{port}" if port else "off"]
        run = self.run_clawinit(args, self.child("sleep", "--usr1-exit", "1"))
        run.wait_events("start")
        for i in range(restarts):
            run.signal(signal.SIGUSR1)
            run.wait_events("start", i + 2)
        return run

    def read(self, state_dir):
        with open(os.path.join(state_dir, "state.json")) as f:
            return json.load(f)

    def saved(self, state_dir):
        """state.json, or {} while none is saved yet: clawinit saves after the spawn, and the
        child's "start" line can come first."""
        try:
            return self.read(state_dir)
        except FileNotFoundError:
            return {}

    def test_counts_survive_a_container_restart(self):
        # A directory that does not exist yet is created (a fresh volume's subdirectory).
        state_dir = os.path.join(tempfile.mkdtemp(prefix="clawinit-state-"), "clawinit")
        port = free_port()
        run = self.run_once(state_dir, restarts=2, port=port)
        wait_for(lambda: self.read(state_dir)["restarts"]["signal"] == 2, what="saved restarts")
        self.assertEqual(self.read(state_dir)["boot_count"], 1)
        metrics = get(port, "/metrics")[1]
        save_line = [l for l in metrics.splitlines()
                     if l.startswith("clawinit_last_state_save_duration_seconds ")][0]
        self.assertNotEqual(save_line.split()[1], "NaN")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        state = self.read(state_dir)
        self.assertEqual((state["last_stop_reason"], state["last_exit"]), ("SIGTERM", 0))
        self.assertIsNotNone(state["last_stop_seconds"])
        self.assertFalse(state["last_stop_killed"])

        again = self.run_once(state_dir, restarts=1)
        wait_for(lambda: self.read(state_dir)["restarts"]["signal"] == 3, what="cumulative count")
        self.assertEqual(self.read(state_dir)["boot_count"], 2)
        again.signal(signal.SIGTERM)
        self.assertExit(again, 0)

    def test_corrupt_file_is_moved_aside(self):
        state_dir = tempfile.mkdtemp(prefix="clawinit-state-")
        with open(os.path.join(state_dir, "state.json"), "w") as f:
            f.write('{"boot_count": 4, "restarts": {')
        run = self.run_once(state_dir)
        self.assertIn("corrupt", run.stderr())
        self.assertEqual(len(glob.glob(os.path.join(state_dir, "state.json.corrupt-*"))), 1)
        wait_for(lambda: self.saved(state_dir).get("boot_count") == 1, what="fresh state saved")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_unwritable_state_dir_is_a_warning(self):
        not_a_dir = tempfile.mktemp(prefix="clawinit-state-")
        with open(not_a_dir, "w") as f:
            f.write("a file where a directory should be\n")
        self.addCleanup(os.remove, not_a_dir)
        run = self.run_once(not_a_dir, restarts=1)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        err = run.stderr()
        self.assertIn("state: not saved, previous state kept", err)
        self.assertEqual(err.count("state: not saved"), 1, "the same error logged more than once")


if __name__ == "__main__":
    unittest.main()
