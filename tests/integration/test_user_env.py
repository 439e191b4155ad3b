"""What the child of `--user` gets (HOME, USER, LOGNAME, SHELL from the passwd entry, exactly the
user's groups) and how `env` merges across sources, read from the child itself with clawinit as
PID 1. A user with known groups comes from our own passwd/group files, bind-mounted over
/etc/passwd and /etc/group in the run's private mount namespace: the host is never touched, and
clawinit reads them when it loads its configuration, as it would in an image."""
import os
import shlex
import subprocess
import tempfile
import unittest

from harness import CHILD, CLAWINIT, ClawinitTest

FAST = ["--grace", "2s", "--probe-listen", "off"]

PASSWD = """root:x:0:0:root:/root:/bin/bash
clawtest:x:4242:4242:clawinit test:/home/clawtest:/bin/clawtest-shell
"""
GROUP = """root:x:0:
clawtest:x:4242:
shared:x:4300:someone,clawtest
other:x:4301:someone
"""
# What a container runtime gives a root PID 1, and what the switch must not pass on.
ROOTS_ENV = {"HOME": "/root", "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash"}
# Supplementary groups clawinit itself runs with: none of them may reach the child.
ROOTS_GROUPS = [4301, 4302]

# The child's environment and groups, written to its log by testchild and by id(1).
REPORT = ["sh", "-c", '"$0" env && "$0" ids && echo "idG $(id -G)" >> "$TESTCHILD_LOG"', CHILD]


class UserEnv(ClawinitTest):
    def setUp(self):
        self.etc = tempfile.TemporaryDirectory(prefix="clawinit-etc-")
        self.addCleanup(self.etc.cleanup)
        self.passwd = os.path.join(self.etc.name, "passwd")
        self.group = os.path.join(self.etc.name, "group")
        for path, text in ((self.passwd, PASSWD), (self.group, GROUP)):
            with open(path, "w") as f:
                f.write(text)
        self.mounts = (f"mount --bind {shlex.quote(self.passwd)} /etc/passwd && "
                       f"mount --bind {shlex.quote(self.group)} /etc/group")

    def report(self, args, env=None):
        """Runs REPORT under clawinit (PID 1, our /etc files, root with ROOTS_GROUPS): the
        child's environment as a dict, its getgroups() and its `id -G`."""
        saved = os.getgroups()
        os.setgroups(ROOTS_GROUPS)  # inherited through unshare by clawinit
        try:
            run = self.run_clawinit(FAST + args, REPORT, env=dict(ROOTS_ENV, **(env or {})),
                                    prelude=self.mounts)
        finally:
            os.setgroups(saved)
        self.assertExit(run, 0)
        child_env = dict(e[1].split("=", 1) for e in run.events("env"))
        ids = dict(kv.split("=", 1) for kv in run.events("ids")[0][1:])
        groups = {int(g) for g in ids["groups"].split(",") if g}
        id_g = {int(g) for g in run.events("idG")[0][1:]}
        return child_env, ids, groups, id_g

    def test_user_gets_home_user_logname_shell_and_its_groups(self):
        env, ids, groups, id_g = self.report(["--user", "clawtest"])
        self.assertEqual((ids["uid"], ids["gid"]), ("4242", "4242"))
        self.assertEqual(env["HOME"], "/home/clawtest")
        self.assertEqual(env["USER"], "clawtest")
        self.assertEqual(env["LOGNAME"], "clawtest")
        self.assertEqual(env["SHELL"], "/bin/clawtest-shell")
        # Its primary group and the group listing it; not root's, not a group it is not in.
        self.assertEqual(groups, {4242, 4300})
        self.assertEqual(id_g, {4242, 4300})

    def test_user_with_a_group_gets_exactly_that_group(self):
        env, ids, groups, id_g = self.report(["--user", "clawtest:other"])
        self.assertEqual((ids["uid"], ids["gid"]), ("4242", "4301"))
        self.assertEqual(groups, {4301})
        self.assertEqual(id_g, {4301})
        self.assertEqual(env["HOME"], "/home/clawtest")

    def test_numeric_uid_without_an_entry_gets_home_slash(self):
        env, ids, groups, id_g = self.report(["--user", "4343"])
        self.assertEqual((ids["uid"], ids["gid"]), ("4343", "4343"))
        self.assertEqual(env["HOME"], "/")
        # root's USER, LOGNAME and SHELL would name another user: gone.
        for name in ("USER", "LOGNAME", "SHELL"):
            self.assertNotIn(name, env)
        self.assertEqual(groups, {4343})
        self.assertEqual(id_g, {4343})

    def test_env_beats_the_passwd_entry(self):
        env, _, _, _ = self.report(["--user", "clawtest", "--env", "HOME=/data", "--env", "SHELL"])
        self.assertEqual(env["HOME"], "/data")
        self.assertNotIn("SHELL", env)
        self.assertEqual(env["USER"], "clawtest")

    def test_no_user_changes_nothing(self):
        env, ids, _, _ = self.report([])
        self.assertEqual(ids["uid"], "0")
        for name, value in ROOTS_ENV.items():
            self.assertEqual(env[name], value)

    def test_env_merges_by_name_across_file_environment_and_flags(self):
        config = os.path.join(self.etc.name, "clawinit.yaml")
        with open(config, "w") as f:
            f.write("env: [A=1, KEEP=file, C=file]\n")
        env, _, _, _ = self.report(
            ["-c", config, "--env", "B=2", "--env", "A=3", "--env", "INHERITED"],
            env={"CLAWINIT_ENV": "C=env, D=env", "INHERITED": "from-clawinits-environment"})
        self.assertEqual(env["A"], "3")          # a flag beats the file for its name
        self.assertEqual(env["B"], "2")          # and adds a name the file did not have
        self.assertEqual(env["KEEP"], "file")    # the file's other names are kept
        self.assertEqual(env["C"], "env")        # CLAWINIT_ENV beats the file
        self.assertEqual(env["D"], "env")
        self.assertNotIn("INHERITED", env)       # a bare NAME removes an inherited variable

    def test_check_config_shows_the_childs_environment(self):
        config = os.path.join(self.etc.name, "clawinit.yaml")
        with open(config, "w") as f:
            f.write("user: clawtest\nenv: [A=1, TZ=UTC]\ncommand: [x]\n")
        out = subprocess.run(
            ["unshare", "--mount", "sh", "-c", self.mounts + ' && exec "$@"', "sh",
             CLAWINIT, "check-config", config],
            capture_output=True, text=True, timeout=60,
            env=dict(os.environ, CLAWINIT_ENV="TZ, B=2"))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("env: [A=1, TZ, B=2]\n"
                      "# the child's environment: clawinit's own, with these changes:\n"
                      "#   HOME=/home/clawtest  (user clawtest)\n"
                      "#   USER=clawtest  (user clawtest)\n"
                      "#   LOGNAME=clawtest  (user clawtest)\n"
                      "#   SHELL=/bin/clawtest-shell  (user clawtest)\n"
                      "#   A=1  (env)\n"
                      "#   TZ removed  (env)\n"
                      "#   B=2  (env)\n", out.stdout)


if __name__ == "__main__":
    unittest.main()
