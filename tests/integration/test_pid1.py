"""clawinit as PID 1 of a fresh PID namespace: spawn, forward, restart, stop, exit codes."""
import os
import re
import signal
import time
import unittest

from harness import (CHILD, PATIENCE, TIME_FACTOR, ClawinitTest, free_port, get, ns_pid,
                     proc_state, wait_for)

FAST = ["--grace", "2s", "--probe-listen", "off"]


def switches(pid):
    """(voluntary, involuntary) context switches of a process so far."""
    counts = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key.endswith("ctxt_switches"):
                counts[key] = int(value)
    return counts["voluntary_ctxt_switches"], counts["nonvoluntary_ctxt_switches"]


def start_time(pid):
    """A process's start time in clock ticks since boot: the same pid and start time is the
    same process."""
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


def live_children(run):
    return [p for p in run.processes() if (proc_state(p) or ("Z",))[0] != "Z"]


class Pid1(ClawinitTest):
    def test_child_runs_in_its_own_session_below_pid1(self):
        run = self.run_clawinit(FAST, self.child("sleep"))
        start = run.wait_events("start")[0]
        pid, pgid, sid = int(start[1]), int(start[2]), int(start[3])
        self.assertEqual(ns_pid(run.pid), 1)
        self.assertEqual(pid, pgid)
        self.assertEqual(pid, sid)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_idle_clawinit_makes_no_wakeups(self):
        # Probe server on: an idle listener must not need a timer either.
        run = self.run_clawinit(["--probe-listen", f"127.0.0.1:{free_port()}"],
                                self.child("sleep"))
        run.wait_events("start")
        # The window opens once clawinit has settled (the spawn's own work done: no switch
        # for a whole second), however long a loaded or sanitized machine takes to get there.
        history = []

        def settled():
            history.append(switches(run.pid))
            time.sleep(0.1)
            return len(history) > 10 and history[-1] == history[-11]
        wait_for(settled, timeout=PATIENCE * TIME_FACTOR, what="clawinit to settle")
        before = switches(run.pid)
        time.sleep(2)  # a window to observe, not a deadline: nothing should happen in it
        self.assertEqual(switches(run.pid), before, "an idle clawinit woke up")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_start_up_code_is_unmapped_and_what_runs_next_maps_back(self):
        # Once start-up is over clawinit unmaps its read-only segments (idle RSS: budgets in
        # bench/budgets.txt); everything after must still run from the page cache: a forward,
        # a probe, the stop.
        port = free_port()
        run = self.run_clawinit(["--probe-listen", f"127.0.0.1:{port}", "--log-level", "debug"],
                                self.child("sleep"))
        run.wait_events("start")
        found = wait_for(lambda: re.search(r"start-up over: (\d+) kB", run.stderr()),
                         what="the start_pages_released line")
        # Every page of the executable's code and constants, none of its writable data: at
        # least its r-xp mapping, less than all of its mappings.
        exe = os.readlink(f"/proc/{run.pid}/exe")
        sizes = {}
        with open(f"/proc/{run.pid}/maps") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 6 and fields[5] == exe:
                    low, high = (int(x, 16) for x in fields[0].split("-"))
                    sizes[fields[1]] = sizes.get(fields[1], 0) + (high - low) // 1024
        released = int(found[1])
        self.assertGreaterEqual(released, sizes["r-xp"], (sizes, run.stderr()))
        self.assertLess(released, sum(sizes.values()), sizes)
        run.signal(signal.SIGUSR1)
        wait_for(lambda: [e for e in run.events("signal") if e[1] == "SIGUSR1"],
                 what="SIGUSR1 forwarded after the release")
        self.assertEqual(get(port, "/health")[0], 200)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def signals_by_pid(self, run):
        got = {}
        for event in run.events("signal"):
            got.setdefault(int(event[3]), []).append(event[1])
        return got

    def test_kill_scope_group_reaches_the_childs_helpers(self):
        # The default --kill-scope group: the child's helpers (forked, same process group) get
        # every forwarded signal too, the stop signal included.
        run = self.run_clawinit(FAST, self.child("spawn-tree", "2"))
        main = int(run.wait_events("start")[0][1])
        helpers = [int(e[1]) for e in run.wait_events("child", 2, "two helpers")]
        self.assertEqual({int(e[2]) for e in run.events("child")}, {main})  # the child's group
        run.signal(signal.SIGHUP)
        wait_for(lambda: all("SIGHUP" in self.signals_by_pid(run).get(p, [])
                             for p in [main, *helpers]),
                 what="SIGHUP in the child and both helpers")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assert_gone(run)
        got = self.signals_by_pid(run)
        for pid in [main, *helpers]:
            self.assertEqual(got[pid], ["SIGHUP", "SIGTERM"], f"pid {pid}: {got}")

    def test_kill_scope_child_reaches_the_child_only(self):
        run = self.run_clawinit(FAST + ["--kill-scope", "child"], self.child("spawn-tree", "2"))
        main = int(run.wait_events("start")[0][1])
        helpers = [int(e[1]) for e in run.wait_events("child", 2, "two helpers")]
        run.signal(signal.SIGHUP)
        wait_for(lambda: "SIGHUP" in self.signals_by_pid(run).get(main, []),
                 what="SIGHUP in the child")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assert_gone(run)
        # The helpers heard nothing until the child had gone: then, as leftovers, SIGTERM.
        # (sigwaitinfo takes the lowest pending signal first, so a SIGHUP that had reached
        # them would be in their log, and before the SIGTERM.)
        got = self.signals_by_pid(run)
        self.assertEqual(got[main], ["SIGHUP", "SIGTERM"])
        for pid in helpers:
            self.assertEqual(got[pid], ["SIGTERM"], f"helper {pid}: {got}")

    def test_sigterm_is_forwarded_and_the_stop_is_graceful(self):
        run = self.run_clawinit(FAST, self.child("sleep"))
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        names = [e[1] for e in run.events("signal")]
        self.assertEqual(names, ["SIGTERM"])
        self.assertIn("Graceful shutdown initiated", run.stderr())

    def test_child_ignoring_sigterm_is_killed_at_the_grace_limit(self):
        run = self.run_clawinit(["--grace", "1s", "--probe-listen", "off"],
                                self.child("sleep", "--ignore-term"))
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 128 + signal.SIGKILL)
        self.assertIn("grace period 1s expired", run.stderr())

    def test_restart_signal_and_exit_1_respawn_in_place(self):
        run = self.run_clawinit(FAST, self.child("sleep", "--usr1-exit", "1"))
        run.wait_events("start")
        first_child = run.main_child()
        clawinit_started = start_time(run.pid)
        run.signal(signal.SIGUSR1)
        starts = run.wait_events("start", 2, "a second child")
        self.assertNotEqual(starts[0][1], starts[1][1])
        self.assertTrue(run.alive())
        # Same PID 1 all along: the same process (its start time), still PID 1 of the namespace.
        self.assertEqual(start_time(run.pid), clawinit_started)
        self.assertEqual(ns_pid(run.pid), 1)
        # The old child was reaped, the new one is the only child.
        wait_for(lambda: proc_state(first_child) is None, what="the first child reaped")
        self.assertEqual(ns_pid(wait_for(run.main_child, what="the new child")),
                         int(starts[1][1]))
        # clawinit spawns first and logs after: the new child may be up before the line is.
        wait_for(lambda: "restarting: restart signal answered with exit code 1" in run.stderr(),
                 what="the restart logged")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_restart_burst_never_makes_two_children(self):
        # 138 = killed by SIGUSR1: a request that reaches the new child before it has set up
        # its handler kills it, and that too answers the restart request.
        run = self.run_clawinit(FAST + ["--restart-exit-code", "1", "--restart-exit-code", "138"],
                                self.child("sleep", "--usr1-exit", "1"))
        run.wait_events("start")
        for _ in range(200):
            run.signal(signal.SIGUSR1)
            self.assertLessEqual(len(live_children(run)), 1)
        wait_for(lambda: run.main_child() and len(run.events("start")) >= 2,
                 what="one new child after the burst")

        # The SIGTERM below must find a child that has its signals blocked (it logs "start"
        # then; one the burst killed first never does), and no restart still under way.
        def current_child_started():
            kid = run.main_child()
            if not kid or str(ns_pid(kid)) not in {e[1] for e in run.events("start")}:
                return False
            time.sleep(0.05)
            return run.main_child() == kid
        wait_for(current_child_started, what="the last child of the burst to start")
        for _ in range(50):
            self.assertLessEqual(len(live_children(run)), 1)
        self.assertTrue(run.alive())
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_crash_without_restart_request_exits_with_the_childs_code(self):
        run = self.run_clawinit(FAST, self.child("exit", "42"))
        self.assertExit(run, 42)

    def test_death_by_signal_is_128_plus_n(self):
        run = self.run_clawinit(FAST, self.child("kill-self", "SIGSEGV"))
        self.assertExit(run, 128 + signal.SIGSEGV)

    def test_remap_exit(self):
        run = self.run_clawinit(FAST + ["--remap-exit", "143:0"], ["sleep", "1000"])
        wait_for(run.main_child, what="sleep to start")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_on_failure_restarts_with_backoff_then_gives_up(self):
        run = self.run_clawinit(FAST + ["--on-crash", "on-failure", "--backoff", "100ms",
                                        "--max-restarts", "3"], self.child("exit", "3"))
        self.assertExit(run, 3)
        self.assertEqual(len(run.events("start")), 4)
        self.assertIn("giving up", run.stderr())

    def test_other_signals_are_forwarded_unchanged(self):
        run = self.run_clawinit(FAST, self.child("sleep"))
        run.wait_events("start")
        sent = [signal.SIGHUP, signal.SIGUSR2, signal.SIGWINCH, signal.SIGALRM,
                signal.SIGRTMIN + 3, signal.SIGRTMAX]
        for signo in sent:
            run.signal(signo)
            run.wait_events("signal", sent.index(signo) + 1)
        got = [int(e[2]) for e in run.events("signal")]
        self.assertEqual(got, [int(s) for s in sent])
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_rewrite_translates_signals(self):
        run = self.run_clawinit(FAST + ["--rewrite", "SIGHUP:SIGUSR2", "--rewrite", "SIGWINCH:0"],
                                self.child("sleep"))
        run.wait_events("start")
        run.signal(signal.SIGWINCH)
        run.signal(signal.SIGHUP)
        run.wait_events("signal")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        self.assertEqual([e[1] for e in run.events("signal")], ["SIGUSR2", "SIGTERM"])

    def test_child_gets_the_original_signal_mask_and_environment(self):
        run = self.run_clawinit(FAST + ["--env", "GATEWAY_TOKEN=abc", "--env", "HOME=/nowhere"],
                                self.child("sigmask"), env={"PASSED_THROUGH": "yes"})
        self.assertExit(run, 0)
        mask = run.events("sigmask")[0][1]
        self.assertEqual(int(mask, 16), 0, "child must not inherit clawinit's blocked mask")
        run2 = self.run_clawinit(FAST + ["--env", "GATEWAY_TOKEN=abc", "--env", "HOME=/nowhere"],
                                 self.child("env"), env={"PASSED_THROUGH": "yes"})
        self.assertExit(run2, 0)
        env = {e[1].split("=", 1)[0]: e[1].split("=", 1)[1] for e in run2.events("env")}
        self.assertEqual(env["GATEWAY_TOKEN"], "abc")
        self.assertEqual(env["HOME"], "/nowhere")
        self.assertEqual(env["PASSED_THROUGH"], "yes")

    def test_user_switch(self):
        run = self.run_clawinit(FAST + ["--user", "65534:65534"], self.child("ids"))
        self.assertExit(run, 0)
        ids = dict(kv.split("=", 1) for kv in run.events("ids")[0][1:])
        self.assertEqual(ids["uid"], "65534")
        self.assertEqual(ids["gid"], "65534")

    def test_exec_failures(self):
        missing = self.run_clawinit(FAST, ["/nonexistent/gateway"])
        self.assertExit(missing, 127)
        self.assertIn("cannot run '/nonexistent/gateway': No such file or directory",
                      missing.stderr())
        not_in_path = self.run_clawinit(FAST, ["no-such-command-anywhere"])
        self.assertExit(not_in_path, 127)
        directory = self.run_clawinit(FAST, ["/tmp"])
        self.assertExit(directory, 126)
        plain = os.path.join(directory.dir.name, "not-executable")
        with open(plain, "w") as f:
            f.write("echo hi\n")
        not_exec = self.run_clawinit(FAST, [plain])
        self.assertExit(not_exec, 126)
        self.assertIn("Permission denied", not_exec.stderr())

    def test_config_error_exits_2_before_spawning(self):
        run = self.run_clawinit(["--grace", "soon"], self.child("sleep"))
        self.assertExit(run, 2)
        self.assertIn("grace", run.stderr())
        self.assertEqual(run.child_log(), [])
        self.assertEqual(len(run.stderr().strip().splitlines()), 1)

    def test_json_logs(self):
        run = self.run_clawinit(FAST + ["--log-format", "json"], self.child("sleep"))
        run.wait_events("start")
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        lines = self.json_lines(run.stderr())
        self.assertTrue(any("Graceful shutdown initiated" in l["msg"] for l in lines))
        self.assertTrue(all({"time", "level", "msg"} <= set(l) for l in lines))


if __name__ == "__main__":
    unittest.main()
