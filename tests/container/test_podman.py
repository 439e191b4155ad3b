#!/usr/bin/env python3
"""clawinit as PID 1 of real Podman containers.

Driven by tests/container/run.sh, which builds the image and exports:
  CT_IMAGE   the image under test (FROM scratch: /clawinit, /example-gateway, /etc/clawinit/...)
  CT_RUN_ID  a unique tag for every container, pod and volume made here (cleaned up afterwards)
  CT_REPO    the repository root (for the example manifests)
Every container gets the label clawinit-ct=$CT_RUN_ID so run.sh can sweep leftovers.

Only the Python standard library and the `podman` CLI; python3-yaml is used for the compose file
when it is installed (run.sh installs it).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

PODMAN = os.environ.get("PODMAN", "podman")
IMAGE = os.environ.get("CT_IMAGE", "localhost/clawinit-gateway:latest")
RUN_ID = os.environ.get("CT_RUN_ID", "ct%d" % os.getpid())
REPO = os.environ.get("CT_REPO", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
LABEL = "clawinit-ct=" + RUN_ID


def podman(*args, check=True, timeout=90):
    proc = subprocess.run([PODMAN, *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("podman %s failed (%d):\nstdout: %s\nstderr: %s"
                             % (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
    return proc


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=2.0):
    """(status, body) or (None, error text)."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (OSError, urllib.error.URLError) as e:
        return None, str(e)


def wait_for(predicate, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError("timed out after %.0fs waiting for %s (last: %r)" % (timeout, what, last))


def inspect(name, fmt):
    return podman("inspect", "--format", fmt, name).stdout.strip()


def host_pid(name):
    return int(inspect(name, "{{.State.Pid}}"))


def pid1_cmdline(name):
    """argv of the container's PID 1, read from the host, after checking it is PID 1 in there."""
    pid = host_pid(name)
    with open("/proc/%d/status" % pid) as f:
        nspid = [line.split()[1:] for line in f if line.startswith("NSpid:")][0]
    assert nspid[-1] == "1", "host pid %d is pid %s in the container, not 1" % (pid, nspid[-1])
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return [a.decode() for a in f.read().split(b"\0") if a]


def logs(name):
    p = podman("logs", name, check=False)
    return p.stdout + p.stderr


def wait_exited(name, timeout):
    wait_for(lambda: inspect(name, "{{.State.Status}}") in ("exited", "stopped"), timeout,
             "container %s to exit" % name)
    return int(inspect(name, "{{.State.ExitCode}}"))


def wait_gateway_ready(gw_port, probe_port, timeout=20):
    wait_for(lambda: http_get(probe_port, "/readyz")[0] == 200, timeout, "clawinit /readyz 200")
    wait_for(lambda: http_get(gw_port, "/status")[0] == 200, timeout, "gateway /status 200")


def gateway_status(gw_port):
    status, body = http_get(gw_port, "/status")
    assert status == 200, (status, body)
    return json.loads(body)


def clawinit_status(probe_port):
    status, body = http_get(probe_port, "/status")
    assert status == 200, (status, body)
    return json.loads(body)


class ContainerCase(unittest.TestCase):
    """Starts one container per test class; removes it (and its volume) afterwards."""

    extra_run_args = ()

    @classmethod
    def start(cls, suffix, *extra):
        cls.name = "clawinit-ct-%s-%s" % (RUN_ID, suffix)
        cls.volume = cls.name + "-data"
        cls.gw_port, cls.probe_port = free_port(), free_port()
        podman("run", "-d", "--name", cls.name, "--label", LABEL,
               "-p", "127.0.0.1:%d:8888" % cls.gw_port, "-p", "127.0.0.1:%d:8899" % cls.probe_port,
               "-v", "%s:/data" % cls.volume, *extra, IMAGE)
        try:
            wait_gateway_ready(cls.gw_port, cls.probe_port)
        except AssertionError:
            print(logs(cls.name))
            raise

    @classmethod
    def tearDownClass(cls):
        podman("rm", "-f", "-t", "0", cls.name, check=False)
        podman("volume", "rm", "-f", cls.volume, check=False)


class TestRunningContainer(ContainerCase):
    """One container: PID 1, probes, HEALTHCHECK, USR1 restart, exec restart/stop --wait.
    Methods are numbered: they run in order on the same container."""

    @classmethod
    def setUpClass(cls):
        cls.start("run")

    def test_1_clawinit_is_pid1(self):
        argv = pid1_cmdline(self.name)
        self.assertEqual(argv[:2], ["/clawinit", "--"], argv)
        self.assertEqual(argv[2], "/example-gateway")
        # The same seen from inside the container's PID namespace.
        top = podman("top", self.name, "pid", "args").stdout
        rows = [line.split(None, 1) for line in top.splitlines()[1:]]
        self.assertIn(["1", "/clawinit -- /example-gateway --state-dir /data/gateway-state"],
                      [[r[0], r[1].strip()] for r in rows if len(r) == 2], top)
        # The gateway runs as the unprivileged user from the image's config, clawinit as root.
        child = clawinit_status(self.probe_port)["child"]["pid"]
        users = podman("top", self.name, "pid", "user").stdout
        self.assertRegex(users, r"(?m)^\s*1\s+root\s*$")
        self.assertRegex(users, r"(?m)^\s*%d\s+(gateway|10001)\s*$" % child)

    def test_2_probes_through_published_port(self):
        for path in ("/healthz", "/readyz", "/startupz"):
            self.assertEqual(http_get(self.probe_port, path)[0], 200, path)
        st = clawinit_status(self.probe_port)
        self.assertEqual(st["status"], "running")
        status, body = http_get(self.probe_port, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("clawinit", body)

    def test_3_healthcheck_turns_healthy(self):
        # No systemd here, so Podman runs the HEALTHCHECK only when asked.
        self.assertEqual(inspect(self.name, "{{.Config.Healthcheck.Test}}"),
                         "[CMD /clawinit probe healthcheck]")
        p = podman("healthcheck", "run", self.name, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(inspect(self.name, "{{.State.Health.Status}}"), "healthy")

    def test_4_usr1_restarts_in_place(self):
        before_pid, before_started = host_pid(self.name), inspect(self.name, "{{.State.StartedAt}}")
        gw0, ci0 = gateway_status(self.gw_port), clawinit_status(self.probe_port)
        podman("kill", "--signal", "USR1", self.name)
        wait_for(lambda: http_get(self.gw_port, "/status")[0] == 200
                 and gateway_status(self.gw_port)["restarts"] == gw0["restarts"] + 1,
                 15, "the gateway's restart count to go up")
        gw1 = gateway_status(self.gw_port)
        self.assertNotEqual(gw1["pid"], gw0["pid"])
        ci1 = wait_for(lambda: (lambda s: s if s["child"]["restarts"] == ci0["child"]["restarts"] + 1
                                else None)(clawinit_status(self.probe_port)),
                       10, "clawinit's restart count to go up")
        self.assertEqual(ci1["child"]["last_exit"], 1)
        # Same container, same PID 1: the runtime saw nothing.
        self.assertEqual(inspect(self.name, "{{.State.Status}}"), "running")
        self.assertEqual(host_pid(self.name), before_pid)
        self.assertEqual(inspect(self.name, "{{.State.StartedAt}}"), before_started)
        self.assertEqual(pid1_cmdline(self.name)[0], "/clawinit")
        self.assertIn("SIGUSR1", logs(self.name))

    def test_5_exec_restart_wait(self):
        wait_gateway_ready(self.gw_port, self.probe_port)
        gw0 = gateway_status(self.gw_port)
        before_pid = host_pid(self.name)
        p = podman("exec", self.name, "/clawinit", "restart", "--wait", check=False, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        # --wait returned only once the new gateway was ready: it answers at once.
        self.assertEqual(gateway_status(self.gw_port)["restarts"], gw0["restarts"] + 1)
        self.assertEqual(http_get(self.probe_port, "/readyz")[0], 200)
        self.assertEqual(host_pid(self.name), before_pid)

    def test_6_exec_status(self):
        p = podman("exec", self.name, "/clawinit", "status", check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"status\s+running")
        self.assertRegex(p.stdout, r"restarts\s+2")

    def test_9_exec_stop_wait(self):
        p = podman("exec", self.name, "/clawinit", "stop", "--wait", check=False, timeout=120)
        # The exec'd client outlives the stop long enough to print the outcome.
        self.assertIn("stopped: exit code 0 after", p.stdout, p.stdout + p.stderr)
        self.assertIn("graceful", p.stdout)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(wait_exited(self.name, 15), 0)
        self.assertRegex(logs(self.name), r"stopped in \d+ms; exiting with code 0")
        self.assertNotIn("state: not saved", logs(self.name))


class TestPodmanStop(ContainerCase):
    """`podman stop -t 20`: one SIGTERM, clawinit stops the gateway and exits 0 long before the
    runtime's SIGKILL; state.json on the volume records the stop."""

    @classmethod
    def setUpClass(cls):
        cls.start("stop")

    def test_stop_is_graceful(self):
        t0 = time.monotonic()
        podman("stop", "-t", "20", self.name, timeout=60)
        took = time.monotonic() - t0
        self.assertLess(took, 8.0, "podman stop took %.1fs: SIGKILL at 20s would mean no graceful stop" % took)
        self.assertEqual(int(inspect(self.name, "{{.State.ExitCode}}")), 0)
        out = logs(self.name)
        self.assertIn("Graceful shutdown initiated (SIGTERM)", out)
        self.assertRegex(out, r"stopped in \d+ms; exiting with code 0")
        self.assertNotIn("SIGKILL was needed", out)
        self.assertNotIn("state: not saved", out)
        mountpoint = podman("volume", "inspect", "--format", "{{.Mountpoint}}", self.volume).stdout.strip()
        with open(os.path.join(mountpoint, "state.json")) as f:
            state = json.load(f)
        self.assertEqual(state.get("boot_count"), 1, state)
        self.assertIn("gateway-state", os.listdir(mountpoint))

    def test_zz_restart_keeps_state(self):
        # `podman start` again on the same volume: a second boot, counted in state.json.
        podman("start", self.name)
        wait_gateway_ready(self.gw_port, self.probe_port)
        podman("stop", "-t", "20", self.name, timeout=60)
        self.assertEqual(int(inspect(self.name, "{{.State.ExitCode}}")), 0)
        mountpoint = podman("volume", "inspect", "--format", "{{.Mountpoint}}", self.volume).stdout.strip()
        with open(os.path.join(mountpoint, "state.json")) as f:
            self.assertEqual(json.load(f).get("boot_count"), 2)


class TestUserSwitch(unittest.TestCase):
    """`--user` in a container whose runtime gives PID 1 root's environment: the child gets the
    passwd entry's HOME, USER, LOGNAME and SHELL and the user's groups from /etc/group, never
    root's. The image is FROM scratch, so a static busybox (Debian's busybox-static) is mounted
    in for `sh` and `id`, and a group file that puts gateway and nobody in a shared group."""

    BUSYBOX = "/bin/busybox"
    GROUP = "root:x:0:\ngateway:x:10001:\nnogroup:x:65534:\nshared:x:4300:gateway,nobody\n"
    REPORT = 'echo "env $HOME ${USER:--} ${LOGNAME:--} ${SHELL:--}"; echo "groups $(/busybox id -G)"'

    def child_sees(self, user):
        with tempfile.TemporaryDirectory(prefix="clawinit-ct-etc-") as etc:
            group = os.path.join(etc, "group")
            with open(group, "w") as f:
                f.write(self.GROUP)
            os.chmod(etc, 0o755)
            os.chmod(group, 0o644)
            out = podman("run", "--rm", "--label", LABEL, "-e", "CLAWINIT_PROBE_LISTEN=off",
                         "-v", "%s:/busybox:ro" % self.BUSYBOX, "-v", "%s:/etc/group:ro" % group,
                         "--entrypoint", "/clawinit", IMAGE, "--user", user, "--",
                         "/busybox", "sh", "-c", self.REPORT, timeout=120)
        lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
        return lines.get("env"), set(lines.get("groups", "").split())

    def test_user_switch_sets_home_user_and_groups(self):
        self.assertTrue(os.access(self.BUSYBOX, os.X_OK), "busybox-static is not installed")
        # The image's passwd: nobody's home is /nonexistent, gateway's /data; both /sbin/nologin.
        self.assertEqual(self.child_sees("nobody"),
                         ("/nonexistent nobody nobody /sbin/nologin", {"65534", "4300"}))
        self.assertEqual(self.child_sees("gateway"),
                         ("/data gateway gateway /sbin/nologin", {"10001", "4300"}))
        # A uid with no passwd entry: HOME=/, no inherited USER, LOGNAME or SHELL, its own gid.
        self.assertEqual(self.child_sees("4242"), ("/ - - -", {"4242"}))


def substitute(text, mapping):
    for old, new in mapping.items():
        assert old in text, "%r not in the manifest" % old
        text = text.replace(old, new)
    return text


class TestKubePlay(unittest.TestCase):
    """examples/podman/pod.yaml under `podman kube play` (ConfigMap + Pod, exec probes)."""

    def setUp(self):
        self.pod = "clawinit-ct-%s-pod" % RUN_ID
        self.claim = "clawinit-ct-%s-kube-data" % RUN_ID
        self.configmap = "clawinit-ct-%s-kube-config" % RUN_ID  # kube play makes it a volume
        self.gw_port, self.probe_port = free_port(), free_port()
        with open(os.path.join(REPO, "examples/podman/pod.yaml")) as f:
            text = f.read()
        text = substitute(text, {
            "clawinit-gateway-pod-config": self.configmap,  # before the pod name, its prefix
            "localhost/clawinit-gateway:latest": IMAGE,
            "name: clawinit-gateway-pod": "name: " + self.pod,
            "clawinit-gateway-data": self.claim,  # the claim object and its use
            "hostPort: 18888": "hostPort: %d" % self.gw_port,
            "hostPort: 18899": "hostPort: %d" % self.probe_port,
        })
        fd, self.manifest = tempfile.mkstemp(suffix=".yaml")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.container = self.pod + "-gateway"

    def tearDown(self):
        podman("pod", "stop", "-t", "20", self.pod, check=False)
        podman("kube", "down", self.manifest, check=False)
        podman("pod", "rm", "-f", self.pod, check=False)
        podman("volume", "rm", "-f", self.claim, self.configmap, check=False)
        os.unlink(self.manifest)

    def test_kube_play(self):
        podman("kube", "play", self.manifest, timeout=120)
        try:
            wait_gateway_ready(self.gw_port, self.probe_port)
        except AssertionError:
            print(logs(self.container))
            raise
        self.assertEqual(pid1_cmdline(self.container)[0], "/clawinit")
        # The ConfigMap reached clawinit: its grace and drain show in the effective config.
        p = podman("exec", self.container, "/clawinit", "check-config", "/etc/clawinit/clawinit.yaml")
        self.assertRegex(p.stdout, r"(?m)^grace: 20s")
        # Podman 4.3 turns the exec livenessProbe into the healthcheck
        # CMD-SHELL "/clawinit probe live || exit 1", which needs /bin/sh: a FROM-scratch image
        # has none, so `podman healthcheck run` would fail there (an image with a shell, such as
        # OpenClaw's node image, runs it). Check the definition, and run each probe's argv
        # as the kubelet would.
        self.assertEqual(inspect(self.container, "{{json .Config.Healthcheck.Test}}"),
                         '["CMD-SHELL","/clawinit","probe","live","||","exit","1"]')
        for which in ("live", "ready", "startup"):
            p = podman("exec", self.container, "/clawinit", "probe", which, check=False)
            self.assertEqual(p.returncode, 0, "probe %s: %s" % (which, p.stdout + p.stderr))
        # The Secret-style token arrived in the gateway's environment, not in any probe answer.
        self.assertNotIn("change-me", http_get(self.probe_port, "/status")[1])
        # In-place restart inside the pod.
        p = podman("exec", self.container, "/clawinit", "restart", "--wait", check=False, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Pod stop: SIGTERM to each container's PID 1, graceful.
        t0 = time.monotonic()
        podman("pod", "stop", "-t", "20", self.pod, timeout=60)
        self.assertLess(time.monotonic() - t0, 10.0)
        self.assertEqual(int(inspect(self.container, "{{.State.ExitCode}}")), 0)
        out = logs(self.container)
        self.assertRegex(out, r"stopped in \d+ms; exiting with code 0")
        self.assertNotIn("state: not saved", out)


class TestKubePlayRestricted(TestKubePlay):
    """examples/podman/pod-nonroot.yaml: the same checks with nothing running as root (uid
    10001, no capabilities, RuntimeDefault seccomp: the settings of examples/k8s/overlays/
    restricted, plus the hostPorts Podman publishes with)."""

    def setUp(self):
        self.pod = "clawinit-ct-%s-rpod" % RUN_ID
        self.claim = "clawinit-ct-%s-rkube-data" % RUN_ID
        self.configmap = "clawinit-ct-%s-rkube-config" % RUN_ID
        self.gw_port, self.probe_port = free_port(), free_port()
        with open(os.path.join(REPO, "examples/podman/pod-nonroot.yaml")) as f:
            text = f.read()
        text = substitute(text, {
            "clawinit-gateway-nonroot-config": self.configmap,  # before the pod name
            "clawinit-gateway-nonroot-data": self.claim,
            "localhost/clawinit-gateway:latest": IMAGE,
            "name: clawinit-gateway-nonroot": "name: " + self.pod,
            "hostPort: 18888": "hostPort: %d" % self.gw_port,
            "hostPort: 18899": "hostPort: %d" % self.probe_port,
        })
        fd, self.manifest = tempfile.mkstemp(suffix=".yaml")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.container = self.pod + "-gateway"

    def test_kube_play(self):
        super().test_kube_play()
        # Nothing ran as root: the container's user (clawinit, PID 1, and so the gateway) is
        # the pod's runAsUser.
        self.assertTrue(inspect(self.container, "{{.Config.User}}").startswith("10001"))


def load_compose_service():
    import yaml  # python3-yaml, installed by run.sh
    with open(os.path.join(REPO, "examples/compose/docker-compose.yml")) as f:
        doc = yaml.safe_load(f)
    return doc["services"]["openclaw"]


def seconds(value):
    m = re.fullmatch(r"(\d+)(ms|s|m)?", str(value))
    n = int(m.group(1))
    return {"ms": n / 1000, "s": n, None: n, "m": n * 60}[m.group(2)]


def compose_to_podman_run(svc, name, volume, gw_port, probe_port):
    """The compose service's settings as `podman run` flags (what docker-compose would send)."""
    args = ["run", "-d", "--name", name, "--label", LABEL,
            "--restart", svc["restart"],
            "--stop-timeout", str(int(seconds(svc["stop_grace_period"])))]
    if "stop_signal" in svc:
        args += ["--stop-signal", svc["stop_signal"]]
    for key, value in (svc.get("environment") or {}).items():
        args += ["-e", "%s=%s" % (key, value)]
    for vol in svc["volumes"]:
        src, dst = vol.split(":", 1)
        args += ["-v", "%s:%s" % (volume if not src.startswith((".", "/")) else src, dst)]
    published = {"8888": gw_port, "8899": probe_port}
    for port in svc["ports"]:
        host_ip, _host_port, container_port = port.rsplit(":", 2) if port.count(":") == 2 else (None, None, port)
        assert host_ip == "127.0.0.1", "compose ports must be published on 127.0.0.1: %s" % port
        args += ["-p", "127.0.0.1:%d:%s" % (published[container_port], container_port)]
    hc = svc["healthcheck"]
    test = hc["test"]
    assert test[0] == "CMD", test
    args += ["--health-cmd", json.dumps(test[1:]),
             "--health-interval", hc["interval"], "--health-timeout", hc["timeout"],
             "--health-retries", str(hc["retries"])]
    if "start_period" in hc:
        args += ["--health-start-period", hc["start_period"]]
    args.append(IMAGE)
    if "command" in svc:
        args += list(svc["command"])
    return args


def gateway_restarts_on_volume(volume):
    mountpoint = podman("volume", "inspect", "--format", "{{.Mountpoint}}", volume).stdout.strip()
    with open(os.path.join(mountpoint, "gateway-state", "gateway-state.json")) as f:
        return json.load(f)["restarts"]


class TestComposeEquivalent(unittest.TestCase):
    """examples/compose/docker-compose.yml, translated flag by flag into `podman run`."""

    @classmethod
    def setUpClass(cls):
        try:
            cls.svc = load_compose_service()
        except ImportError:
            raise unittest.SkipTest("python3-yaml is not installed: cannot read the compose file")
        cls.name = "clawinit-ct-%s-compose" % RUN_ID
        cls.volume = cls.name + "-state"
        cls.gw_port, cls.probe_port = free_port(), free_port()
        podman(*compose_to_podman_run(cls.svc, cls.name, cls.volume, cls.gw_port, cls.probe_port))

    @classmethod
    def tearDownClass(cls):
        podman("rm", "-f", "-t", "0", cls.name, check=False)
        podman("volume", "rm", "-f", cls.volume, check=False)

    def test_compose_lifecycle(self):
        try:
            wait_gateway_ready(self.gw_port, self.probe_port)
        except AssertionError:
            print(logs(self.name))
            raise
        grace = seconds(self.svc["environment"]["CLAWINIT_GRACE"])
        self.assertGreater(seconds(self.svc["stop_grace_period"]), grace)
        self.assertEqual(inspect(self.name, "{{.HostConfig.RestartPolicy.Name}}"), self.svc["restart"])
        p = podman("healthcheck", "run", self.name, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # The seed's `docker compose exec openclaw ... restart`, with an answer instead of sleep 5.
        p = podman("exec", self.name, "/clawinit", "restart", "--wait", check=False, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(gateway_status(self.gw_port)["restarts"], 1)
        # A gateway crash (SIGKILL from inside, not a restart request) is clawinit's business:
        # it restarts the gateway in place, the container never goes down.
        pid_before = host_pid(self.name)
        child = clawinit_status(self.probe_port)["child"]["pid"]
        podman("exec", self.name, "/clawinit", "--version")  # exec works while we are at it
        os.kill(self._host_pid_of(child), 9)
        wait_for(lambda: (lambda s: s["child"]["pid"] not in (0, child) and s["status"] == "running")(
            clawinit_status(self.probe_port)), 20, "clawinit to restart the crashed gateway")
        self.assertEqual(host_pid(self.name), pid_before)
        wait_gateway_ready(self.gw_port, self.probe_port)
        # `docker compose stop` = SIGTERM, SIGKILL after stop_grace_period: clawinit is done first.
        t0 = time.monotonic()
        podman("stop", self.name, timeout=120)  # uses --stop-timeout from stop_grace_period
        self.assertLess(time.monotonic() - t0, grace)
        self.assertEqual(int(inspect(self.name, "{{.State.ExitCode}}")), 0)
        self.assertRegex(logs(self.name), r"stopped in \d+ms; exiting with code 0")
        # Started again on the same volume; `exec ... stop --wait` stops it for good: exit 0 and
        # the restart policy (on-failure) leaves it down.
        podman("start", self.name)
        wait_gateway_ready(self.gw_port, self.probe_port)
        p = podman("exec", self.name, "/clawinit", "stop", "--wait", check=False, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("stopped: exit code 0", p.stdout)
        self.assertEqual(wait_exited(self.name, 15), 0)
        time.sleep(2)
        self.assertEqual(inspect(self.name, "{{.State.Status}}"), "exited")
        self.assertEqual(gateway_restarts_on_volume(self.volume), 1)

    def _host_pid_of(self, container_pid):
        # Find the host pid whose innermost namespace pid is container_pid, under PID 1's tree.
        root = host_pid(self.name)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/status" % entry) as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
            except OSError:
                continue
            nspid = fields.get("NSpid", "").split()
            if len(nspid) >= 2 and nspid[-1] == str(container_pid) and fields["PPid"].strip() == str(root):
                return int(entry)
        raise AssertionError("no host pid for container pid %d" % container_pid)


class TestDockerComposeV1(unittest.TestCase):
    """The compose file itself, run by docker-compose v1 against `podman system service` (the
    Docker API): up, exec restart --wait, stop within stop_grace_period, down."""

    @classmethod
    def setUpClass(cls):
        cls.compose = shutil.which("docker-compose")
        if not cls.compose:
            raise unittest.SkipTest("docker-compose (v1) is not installed; the compose file was "
                                    "still run setting by setting in TestComposeEquivalent")
        import yaml
        cls.tmp = tempfile.mkdtemp(prefix="clawinit-ct-compose.")
        cls.sock = os.path.join(cls.tmp, "podman.sock")
        cls.service = subprocess.Popen([PODMAN, "system", "service", "--time=0", "unix://" + cls.sock],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(cls.sock), 20, "podman system service's socket")
        with open(os.path.join(REPO, "examples/compose/docker-compose.yml")) as f:
            doc = yaml.safe_load(f)
        svc = doc["services"]["openclaw"]
        svc.pop("build")  # the image under test instead of a build of docker/Dockerfile
        svc["image"] = IMAGE
        cls.gw_port, cls.probe_port = free_port(), free_port()
        svc["ports"] = ["127.0.0.1:%d:8888" % cls.gw_port, "127.0.0.1:%d:8899" % cls.probe_port]
        cls.svc = svc
        cls.file = os.path.join(cls.tmp, "docker-compose.yml")
        with open(cls.file, "w") as f:
            yaml.safe_dump(doc, f)
        cls.project = "clawinit-ct-%s-dc" % RUN_ID

    @classmethod
    def tearDownClass(cls):
        cls.dc("down", "-v", "-t", "20", check=False)
        cls.service.terminate()
        cls.service.wait(timeout=20)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def dc(cls, *args, check=True, timeout=120):
        env = dict(os.environ, DOCKER_HOST="unix://" + cls.sock, COMPOSE_INTERACTIVE_NO_CLI="1")
        p = subprocess.run([cls.compose, "-f", cls.file, "-p", cls.project, *args],
                           capture_output=True, text=True, timeout=timeout, env=env)
        if check and p.returncode != 0:
            raise AssertionError("docker-compose %s failed (%d):\n%s%s"
                                 % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def test_up_restart_stop(self):
        self.dc("config", "-q")  # the compose parser accepts the file
        self.dc("up", "-d", "--no-build")
        name = self.dc("ps", "-q").stdout.split()[0]
        try:
            wait_gateway_ready(self.gw_port, self.probe_port)
        except AssertionError:
            print(logs(name))
            raise
        self.assertEqual(pid1_cmdline(name)[0], "/clawinit")
        p = self.dc("exec", "-T", "openclaw", "/clawinit", "restart", "--wait", check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"restarted: child pid \d+ -> \d+")
        self.assertEqual(gateway_status(self.gw_port)["restarts"], 1)
        t0 = time.monotonic()
        self.dc("stop")  # SIGTERM; SIGKILL only after stop_grace_period
        self.assertLess(time.monotonic() - t0, seconds(self.svc["environment"]["CLAWINIT_GRACE"]))
        self.assertEqual(int(inspect(name, "{{.State.ExitCode}}")), 0)
        out = logs(name)
        self.assertRegex(out, r"stopped in \d+ms; exiting with code 0")
        self.assertNotIn("state: not saved", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
