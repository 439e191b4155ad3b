#!/usr/bin/env python3
"""clawinit as PID 1 of real Docker engine containers.

Driven by tests/container/run.sh, which starts a private dockerd, builds the same FROM-scratch
image as for Podman with `docker build`, and exports CT_IMAGE, CT_RUN_ID, CT_REPO and
PODMAN=/usr/bin/docker (test_podman's CLI wrapper, pointed at Docker's client).

What differs from Podman is the runtime's own behaviour, which is the point of running both:
dockerd runs the image's HEALTHCHECK on its own schedule (Podman needs systemd or a manual
`healthcheck run`), `docker stop` and `docker kill` go through containerd and the shim, and a
named volume is copied up from the image's /data. The tests are Podman's where the CLI is the
same (USR1 restart in place, exec restart/stop --wait, stop and restart keeping state).
"""

import os
import unittest

os.environ.setdefault("PODMAN", "/usr/bin/docker")
import test_podman as ct  # noqa: E402  (reads PODMAN when imported)


def children(host_pid):
    with open("/proc/%d/task/%d/children" % (host_pid, host_pid)) as f:
        return [int(p) for p in f.read().split()]


def uid_of(host_pid):
    with open("/proc/%d/status" % host_pid) as f:
        return int([line.split()[1] for line in f if line.startswith("Uid:")][0])


class DockerCase(ct.ContainerCase):
    @classmethod
    def tearDownClass(cls):
        ct.podman("rm", "-f", cls.name, check=False)  # docker rm has no -t
        ct.podman("volume", "rm", "-f", cls.volume, check=False)


class TestDockerRunning(DockerCase):
    """One container under dockerd; methods run in order on it."""

    @classmethod
    def setUpClass(cls):
        cls.start("docker-run")

    def test_1_clawinit_is_pid1(self):
        argv = ct.pid1_cmdline(self.name)
        self.assertEqual(argv, ["/clawinit", "--", "/example-gateway", "--state-dir",
                                "/data/gateway-state"])
        pid1 = ct.host_pid(self.name)
        self.assertEqual(uid_of(pid1), 0)
        # The gateway is PID 1's only child and runs as the image's unprivileged user.
        kids = children(pid1)
        self.assertEqual(len(kids), 1, kids)
        self.assertEqual(uid_of(kids[0]), 10001)

    test_2_probes_through_published_port = ct.TestRunningContainer.test_2_probes_through_published_port

    def test_3_healthcheck_turns_healthy_on_dockers_schedule(self):
        self.assertEqual(ct.inspect(self.name, "{{.Config.Healthcheck.Test}}"),
                         "[CMD /clawinit probe healthcheck]")
        # --interval=10s in the image: dockerd's first run comes about 10 s after the start.
        ct.wait_for(lambda: ct.inspect(self.name, "{{.State.Health.Status}}") == "healthy", 60,
                    "docker to mark the container healthy")
        log = ct.inspect(self.name, "{{range .State.Health.Log}}{{.ExitCode}} {{end}}")
        self.assertIn("0", log.split())

    test_4_usr1_restarts_in_place = ct.TestRunningContainer.test_4_usr1_restarts_in_place
    test_5_exec_restart_wait = ct.TestRunningContainer.test_5_exec_restart_wait
    test_6_exec_status = ct.TestRunningContainer.test_6_exec_status
    test_9_exec_stop_wait = ct.TestRunningContainer.test_9_exec_stop_wait


class TestDockerStop(DockerCase):
    """`docker stop -t 20`: one SIGTERM, a graceful exit 0 long before the SIGKILL, state.json
    on the named volume; `docker start` again is a second boot."""

    @classmethod
    def setUpClass(cls):
        cls.start("docker-stop")

    test_stop_is_graceful = ct.TestPodmanStop.test_stop_is_graceful
    test_zz_restart_keeps_state = ct.TestPodmanStop.test_zz_restart_keeps_state


class TestDockerUserSwitch(ct.TestUserSwitch):
    """The same image under the Docker engine: `--user` gives the child the passwd entry's HOME,
    USER, LOGNAME, SHELL and the user's groups."""


if __name__ == "__main__":
    unittest.main(verbosity=2)
