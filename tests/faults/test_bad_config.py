"""Configuration that would only fail later is refused before anything runs (README "Options",
"Decisions where the spec is silent"), by the run and by `clawinit check-config` alike.

Each bad configuration is given to the real binary as PID 1 of a fresh PID namespace, with a
command that would leave a marker file: the run must exit 2 with exactly one line naming where
the mistake is (FILE:LINE:COL and the key for a file) and the marker must not exist. The same
file given to `clawinit check-config` must fail with the same line. Also here: a hand-edited
state.json counter at the limit, and a parent that dies before --pdeath-signal is set up.
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from harness import (CHILD, CLAWINIT, ClawinitTest, children_of, descendants_of,  # noqa: E402
                     kill_shell_and_tree, proc_state, wait_for)

QUIET = ["--probe-listen", "off"]
NO_USER = "nosuchuser-clawinit"
UNKNOWN_USER = f"unknown user '{NO_USER}' (not in /etc/passwd; a numeric uid needs no entry)"
# check-config's addition to an unknown user or group: how to check a file meant for an image.
IMAGE_HINT = ("; a file meant for an image: check it against the image's /etc/passwd with "
              "`clawinit check-config --root DIR FILE` (DIR: the image's root, e.g. from "
              "`podman image mount IMAGE`), or run check-config inside the image")


def clean_env(**extra):
    """This process's environment without CLAWINIT_* (a CI runner's must not leak in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAWINIT_")}
    env.update(extra)
    return env


def check_config(path, **env):
    return subprocess.run([CLAWINIT, "check-config", path], env=clean_env(**env),
                          capture_output=True, text=True, timeout=60)


class BadConfig(ClawinitTest):
    def setUp(self):
        self.work = tempfile.TemporaryDirectory(prefix="clawinit-badcfg-")
        self.addCleanup(self.work.cleanup)
        self.marker = os.path.join(self.work.name, "spawned")

    def config(self, text):
        path = os.path.join(self.work.name, "clawinit.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def assert_refused(self, args, message, env=None):
        """The run exits 2 with `clawinit: error: MESSAGE` as its only line, spawning nothing."""
        run = self.run_clawinit(QUIET + args, ["/bin/touch", self.marker],
                                env=clean_env(**(env or {})))
        self.assertExit(run, 2)
        self.assertEqual(run.stderr().strip(), f"clawinit: error: {message}")
        self.assertFalse(os.path.exists(self.marker), "the command was spawned")

    def assert_file_refused(self, text, message_after_path, check_config_adds=""):
        """The run refuses the file with one line; check-config with the same line (plus, for an
        unknown user or group, how to check a file meant for an image: check_config_adds)."""
        path = self.config(text)
        message = f"{path}:{message_after_path}"
        self.assert_refused(["-c", path], message)
        out = check_config(path)
        self.assertEqual(out.returncode, 2, out.stdout)
        self.assertEqual(out.stderr.strip(), f"clawinit: error: {message}{check_config_adds}")
        self.assertEqual(out.stdout, "")

    # -- in the file: FILE:LINE:COL: key 'KEY': ... ------------------------------------------
    def test_unknown_user_in_the_file(self):
        self.assert_file_refused(f"grace: 2s\nuser: {NO_USER}\n",
                                 f"2:7: key 'user': {UNKNOWN_USER}", IMAGE_HINT)

    def test_unknown_group_in_the_file(self):
        self.assert_file_refused(
            "user: root:nosuchgroup-clawinit\n",
            "1:7: key 'user': unknown group 'nosuchgroup-clawinit' (not in /etc/group; "
            "a numeric gid needs no entry)", IMAGE_HINT)

    def test_uid_minus_one_in_the_file(self):
        self.assert_file_refused('user: "4294967295"\n',
                                 "1:7: key 'user': bad user id '4294967295' (use 0..4294967294)")

    def test_command_as_one_string(self):
        # Even with a command on the command line (which would win): the file is wrong.
        self.assert_file_refused(
            "command: node app.js --port 80\n",
            "1:10: key 'command': expects a list, not a string: "
            'command: ["node", "app.js", "--port", "80"]')

    def test_zero_restart_timeout_in_the_file(self):
        self.assert_file_refused(
            "restart-timeout: 0s\n",
            "1:18: key 'restart-timeout': bad duration '0s' (must be longer than 0)")

    def test_unterminated_exec_check_in_the_file(self):
        self.assert_file_refused(
            "ready-check: 'exec:\"unterminated'\n",
            "1:14: key 'ready-check': bad check 'exec:\"unterminated' "
            "(exec: unterminated \" quote)")

    # -- on the command line and in the environment ------------------------------------------
    def test_unknown_user_flag_and_env(self):
        self.assert_refused(["--user", NO_USER], f"option '--user': {UNKNOWN_USER}")
        self.assert_refused([], f"env CLAWINIT_USER: {UNKNOWN_USER}",
                            env={"CLAWINIT_USER": NO_USER})

    def test_uid_minus_one_flag(self):
        # It used to reach setresuid and fail at spawn with "Invalid argument", exit 126.
        self.assert_refused(["--user", "4294967295"],
                            "option '--user': bad user id '4294967295' (use 0..4294967294)")
        self.assert_refused(["--user", "0:4294967296"],
                            "option '--user': bad group id '4294967296' (use 0..4294967294)")

    def test_zero_grace_flag_and_env(self):
        # A zero grace was once accepted: SIGKILL at once, and every restart request (whose
        # timeout defaults to the grace) expired before the child could answer it.
        self.assert_refused(["--grace", "0"],
                            "option '--grace': bad duration '0' (must be longer than 0)")
        self.assert_refused([], "env CLAWINIT_GRACE: bad duration '0s' (must be longer than 0)",
                            env={"CLAWINIT_GRACE": "0s"})

    def test_zero_restart_timeout_flag(self):
        self.assert_refused(["--restart-timeout", "0"],
                            "option '--restart-timeout': bad duration '0' (must be longer than 0)")

    def test_bad_exec_checks(self):
        self.assert_refused(["--ready-check", 'exec:"unterminated'],
                            "option '--ready-check': bad check 'exec:\"unterminated' "
                            "(exec: unterminated \" quote)")
        self.assert_refused(["--live-check", "exec:'' --quiet"],
                            "option '--live-check': bad check 'exec:'' --quiet' "
                            "(exec: the program name is empty)")

    # -- odd files where files are expected ---------------------------------------------------
    def test_a_fifo_or_device_as_the_config_file(self):
        # A blocking open of a FIFO waits for a writer: the start (and check-config) would hang
        # with nothing spawned and every signal blocked. Refused at once, like a missing file.
        fifo = os.path.join(self.work.name, "clawinit.yaml")
        os.mkfifo(fifo)
        for path, kind in ((fifo, "a FIFO"), ("/dev/zero", "a character device")):
            message = f"{path}: cannot read: not a regular file ({kind})"
            self.assert_refused(["-c", path], message)
            out = check_config(path)
            self.assertEqual((out.returncode, out.stderr.strip()), (2, f"clawinit: error: {message}"))

    def test_a_fifo_as_the_pid_file_of_a_client(self):
        fifo = os.path.join(self.work.name, "clawinit.pid")
        os.mkfifo(fifo)
        out = subprocess.run([CLAWINIT, "stop", "--pid-file", fifo], env=clean_env(),
                             capture_output=True, text=True, timeout=60)
        # 4: no clawinit to talk to (README "Operating it"), as for a missing pid file.
        self.assertEqual(out.returncode, 4, out.stderr)
        self.assertEqual(out.stderr.strip(), f"clawinit stop: cannot read pid file {fifo}: "
                         "not a regular file (a FIFO)")

    # -- conflicting options: warned, not refused ---------------------------------------------
    def test_a_dropped_restart_signal_is_warned_at_start_and_by_check_config(self):
        warning = ("rewrite SIGUSR1:0 drops SIGUSR1, a restart signal: the child never gets it, "
                   "so every restart request times out")
        run = self.run_clawinit(QUIET + ["--restart-signal", "USR1", "--rewrite", "USR1:0"],
                                self.child("sleep"), env=clean_env())
        run.wait_events("start")
        self.assertEqual(run.stderr().count(warning), 1, run.stderr())
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)
        out = check_config(self.config("restart-signal: USR1\nrewrite: ['USR1:0']\n"))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(f"# warning: {warning}\n", out.stdout)


class BadState(ClawinitTest):
    def boot(self, state):
        """One boot with state.json holding `state`; returns the state directory."""
        directory = tempfile.mkdtemp(prefix="clawinit-badstate-")
        self.addCleanup(shutil.rmtree, directory, True)
        with open(os.path.join(directory, "state.json"), "w") as f:
            json.dump(state, f)
        run = self.run_clawinit(QUIET + ["--state-dir", directory],
                                self.child("exit", "0"), env=clean_env())
        self.assertExit(run, 0)
        return directory, run.stderr()

    def test_a_boot_count_of_2_64_minus_1_is_corrupt_not_wrapped_to_0(self):
        directory, log = self.boot({"boot_count": 2**64 - 1})
        self.assertEqual(len(glob.glob(os.path.join(directory, "state.json.corrupt-*"))), 1, log)
        with open(os.path.join(directory, "state.json")) as f:
            self.assertEqual(json.load(f)["boot_count"], 1)

    def test_a_boot_count_at_the_limit_stays_there(self):
        limit = 2**53 - 1
        directory, log = self.boot({"boot_count": limit, "restarts": {"crash": limit}})
        self.assertEqual(glob.glob(os.path.join(directory, "state.json.corrupt-*")), [], log)
        with open(os.path.join(directory, "state.json")) as f:
            state = json.load(f)
        self.assertEqual(state["boot_count"], limit)
        self.assertEqual(state["restarts"]["crash"], limit)


NO_PIDFD = os.environ.get("TEST_NO_PIDFD_SHIM", "")
PARENT_EXITS_FIRST = os.path.join(os.path.dirname(NO_PIDFD), "libparent_exits_first.so")


@unittest.skipUnless(NO_PIDFD and os.path.exists(PARENT_EXITS_FIRST),
                     "the parent_exits_first LD_PRELOAD shim (next to TEST_NO_PIDFD_SHIM) not built")
class ParentDiesDuringStart(ClawinitTest):
    def test_a_parent_gone_before_pdeath_signal_is_set_still_stops_clawinit(self):
        with open(CLAWINIT, "rb") as binary:
            if binary.read(4096).find(b"/ld-linux") < 0:
                self.skipTest("a static clawinit ignores LD_PRELOAD")
        work = tempfile.mkdtemp(prefix="clawinit-pdeath-")
        self.addCleanup(shutil.rmtree, work, True)
        log, err = os.path.join(work, "child.log"), os.path.join(work, "stderr")
        open(log, "w").close()
        # The shim SIGKILLs this sh just before clawinit's prctl(PR_SET_PDEATHSIG) and waits
        # until clawinit has been adopted: the kernel will never send that signal.
        pid_file = os.path.join(work, "pid")
        script = (f'"{CLAWINIT}" --pdeath-signal SIGTERM --grace 5s --probe-listen off '
                  f'-- "{CHILD}" sleep --term-exit 0 2>"{err}" & echo $! >"{pid_file}"; wait')
        env = clean_env(TESTCHILD_LOG=log, LD_PRELOAD=PARENT_EXITS_FIRST,
                        ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "")
                        + ":verify_asan_link_order=0")
        sh = subprocess.Popen(["/bin/sh", "-c", script], env=env, start_new_session=True)

        def written():
            with open(pid_file) as f:
                return f.read().strip()
        clawinit = int(wait_for(lambda: os.path.exists(pid_file) and written(),
                                what="clawinit's pid from sh"))

        self.addCleanup(lambda: kill_shell_and_tree(sh, [*descendants_of(clawinit), clawinit]))
        self.assertEqual(sh.wait(timeout=30), -signal.SIGKILL, "the shim killed the parent")
        # Gone or a zombie (whoever adopted it reaps it): clawinit has exited. Before the fix
        # it ran on, its parent's death unnoticed.
        wait_for(lambda: (proc_state(clawinit) or ("Z",))[0] == "Z", what="clawinit to exit")
        with open(err) as f:
            text = f.read()
        self.assertIn("exited before --pdeath-signal was set up: acting as if SIGTERM arrived",
                      text)
        self.assertIn("Graceful shutdown initiated (SIGTERM)", text)
        # 0, or 143 if the TERM reached the child before its handler was installed.
        self.assertRegex(text, r"exiting with code (0|143)")

if __name__ == "__main__":
    unittest.main()
