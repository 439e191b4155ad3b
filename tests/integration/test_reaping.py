"""Orphans, zombies and leftovers: as PID 1 and as a subreaper."""
import os
import shutil
import signal
import tempfile
import unittest

from harness import (CHILD, PATIENCE, TIME_FACTOR, ClawinitTest, children_of, proc_state,
                     wait_for)

FAST = ["--grace", "1s", "--probe-listen", "off"]


def live(pids):
    return [p for p in pids if (proc_state(p) or ("Z",))[0] != "Z"]


class Reaping(ClawinitTest):
    def test_ten_thousand_orphans_are_all_reaped(self):
        # The main child makes 10 000 orphans, then keeps running as the gateway. clawinit is
        # stopped (SIGSTOP from the host) while they all exit, so their SIGCHLDs coalesce into
        # one and no other SIGCHLD comes after it: one signal must reap all 10 000, 256 per
        # loop pass, the rest posted for later (a reaper that waits for the next SIGCHLD
        # leaves 9 744 zombies here for ever).
        gate = tempfile.mkdtemp(prefix="clawinit-orphans-")
        self.addCleanup(shutil.rmtree, gate, True)
        go = os.path.join(gate, "go")
        script = (f"while [ ! -e {go} ]; do sleep 0.02; done; "
                  f"{CHILD} orphans 10000 && exec {CHILD} sleep")
        run = self.run_clawinit(FAST, ["/bin/sh", "-c", script])
        wait_for(run.main_child, what="the shell to start")
        os.kill(run.pid, signal.SIGSTOP)
        try:
            open(go, "w").close()
            run.wait_events("start", 2, "the orphan maker and then the gateway")
            self.assertIn(["orphans", "10000"], run.events("orphans"))
            wait_for(lambda: len(run.zombies()) == 10000, timeout=PATIENCE * TIME_FACTOR,
                     what="all 10 000 orphans exited (zombies of a stopped clawinit)")
        finally:
            os.kill(run.pid, signal.SIGCONT)
        wait_for(lambda: len(run.processes()) == 1 and not run.zombies(),
                 what="every orphan reaped, only the gateway left")
        self.assertTrue(run.alive())
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assert_gone(run)

    def test_grandchild_in_new_session_ignoring_sigterm_is_killed_at_grace(self):
        run = self.run_clawinit(FAST, self.child("grandchild-ignore-term"))
        run.wait_events("grandchild")
        tree = live(run.processes())
        self.assertEqual(len(tree), 2)
        grand = [p for p in tree if p != run.main_child()]
        self.assertEqual(len(grand), 1)
        run.signal(signal.SIGTERM)
        # The child exits 0 on TERM; the grandchild (own session, TERM ignored) survives the
        # group signal and must die by SIGKILL at the grace limit before clawinit exits.
        self.assertExit(run, 0)
        self.assert_gone(run)
        self.assertIsNone(proc_state(grand[0]), "the grandchild outlived clawinit")
        self.assertIn("grace period 1s expired", run.stderr())

    def test_leftovers_after_child_exit_get_sigterm(self):
        # The child leaves a grandchild behind that exits politely on SIGTERM.
        script = f"{CHILD} sleep & exec {CHILD} exit-after 300 5"
        run = self.run_clawinit(FAST, ["/bin/sh", "-c", script])
        self.assertExit(run, 5)
        self.assert_gone(run)
        self.assertIn("SIGTERM", [e[1] for e in run.events("signal")])
        self.assertNotIn("grace period", run.stderr())


class Subreaper(ClawinitTest):
    def test_orphans_come_to_clawinit_and_are_cleaned_up_when_not_pid1(self):
        run = self.run_clawinit(FAST + ["--log-level", "debug"],
                                self.child("grandchild-ignore-term"), pid1=False)
        run.wait_events("grandchild")
        grand = int(run.events("grandchild")[0][1])
        self.assertIn("running as child subreaper", run.stderr())
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assert_gone(run)
        self.assertIsNone(proc_state(grand), "a leftover survived a subreaper clawinit")
        self.assertIn("grace period 1s expired", run.stderr())

    def test_orphans_reparent_to_the_subreaper(self):
        script = f"{CHILD} orphans 200 --linger 2000 && exec {CHILD} sleep"
        run = self.run_clawinit(FAST, ["/bin/sh", "-c", script], pid1=False)
        run.wait_events("start", 2)
        # Orphans that linger are ours now: direct children of clawinit beside the gateway.
        wait_for(lambda: len(children_of(run.pid)) > 1, what="orphans reparented to clawinit")
        wait_for(lambda: len(run.processes()) == 1 and not run.zombies(),
                 what="orphans reaped by the subreaper")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)


if __name__ == "__main__":
    unittest.main()
