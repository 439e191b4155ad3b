"""What a new user meets in the first hour (issue 23), with the real binary: clawinit's own pid
in its first log line, per-subcommand --help, did-you-mean for a misspelt option, and
check-config of a file meant for an image, on a machine without the image's users."""
import os
import signal
import subprocess
import tempfile
import unittest

from harness import CHILD, CLAWINIT, ClawinitTest, wait_for

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
IMAGE_ROOT = os.path.join(REPO, "docker", "rootfs")  # the example image's /etc/passwd, /etc/group
SUBCOMMANDS = ("stop", "restart", "status", "probe", "check-config")


def clawinit(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLAWINIT_")}
    clean.update(env or {})
    return subprocess.run([CLAWINIT, *args], capture_output=True, text=True, timeout=60, env=clean)


class FirstHour(ClawinitTest):
    def test_first_log_line_names_clawinits_pid_and_the_commands(self):
        run = self.run_clawinit(["--probe-listen", "off", "--restart-signal", "SIGUSR2"],
                                [CHILD, "sleep"])
        run.wait_events("start")  # the child's SIGTERM handler is in place: a clean stop
        first = run.stderr().splitlines()[0]
        self.assertIn("started as pid 1: restart the gateway with kill -USR2 1, "
                      "stop with kill -TERM 1", first)
        run.signal(signal.SIGTERM)
        self.assertExit(run, 0)

    def test_every_subcommand_has_its_own_help(self):
        for name in SUBCOMMANDS:
            with self.subTest(name):
                out = clawinit(name, "--help")
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertTrue(out.stdout.startswith(f"Usage: clawinit {name} "), out.stdout)
                self.assertIn("Exit codes: 0 done as asked", out.stdout)
        self.assertIn("--timeout D", clawinit("stop", "--help").stdout)
        self.assertIn("--pid-file FILE", clawinit("restart", "--help").stdout)
        self.assertIn("healthcheck", clawinit("probe", "--help").stdout)
        self.assertIn("--root DIR", clawinit("check-config", "--help").stdout)
        wrong = clawinit("stop", "--wiat")
        self.assertEqual(wrong.returncode, 2)
        self.assertIn("unknown option '--wiat' (see clawinit stop --help)", wrong.stderr)
        # The main --help names every subcommand's options and points at SUBCOMMAND --help.
        main = clawinit("--help").stdout
        for text in ("--pid-file FILE", "--timeout D", "check-config [--root DIR] FILE",
                     "clawinit SUBCOMMAND --help"):
            self.assertIn(text, main)

    def test_a_misspelt_option_gets_did_you_mean(self):
        out = clawinit("--gracee", "5s", "--", "true")
        self.assertEqual(out.returncode, 2)
        self.assertEqual(out.stderr.strip().splitlines()[-1],
                         "clawinit: error: unknown option '--gracee'; did you mean '--grace'?")
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("ready_chek: tcp://127.0.0.1:1\n")
            f.flush()
            out = clawinit("check-config", f.name)
            self.assertEqual(out.returncode, 2)
            self.assertIn("key 'ready_chek': unknown key; did you mean 'ready-check'?", out.stderr)

    def test_check_config_of_an_image_file_on_another_machine(self):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "etc"))
            user = "clawinit-imageonly"  # in the image's files, not on this machine
            with open(os.path.join(root, "etc", "passwd"), "w") as f:
                f.write(f"{user}:x:4242:4243:image user:/home/{user}:/bin/sh\n")
            with open(os.path.join(root, "etc", "group"), "w") as f:
                f.write(f"{user}:x:4243:\n")
            config = os.path.join(root, "clawinit.yaml")
            with open(config, "w") as f:
                f.write(f"user: {user}\n")
            here = clawinit("check-config", config)
            self.assertEqual(here.returncode, 2)
            self.assertIn(f"unknown user '{user}'", here.stderr)
            self.assertIn("clawinit check-config --root DIR FILE", here.stderr)
            self.assertEqual(len(here.stderr.strip().splitlines()), 1, here.stderr)
            there = clawinit("check-config", "--root", root, config)
            self.assertEqual(there.returncode, 0, there.stderr)
            self.assertIn(f"user: {user}", there.stdout)
            self.assertIn(f"HOME=/home/{user}", there.stdout)
        # The shipped image's own file, against the image's own files.
        shipped = clawinit("check-config", "--root", IMAGE_ROOT,
                           os.path.join(IMAGE_ROOT, "etc", "clawinit", "clawinit.yaml"))
        self.assertEqual(shipped.returncode, 0, shipped.stderr)
        self.assertIn("user: gateway", shipped.stdout)


if __name__ == "__main__":
    unittest.main()
