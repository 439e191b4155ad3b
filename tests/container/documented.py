#!/usr/bin/env python3
"""The README's and the examples' container commands, run as written, against one engine.

    ENGINE=docker|podman CT_REPO=... python3 tests/container/documented.py

Called by tests/container/documented.sh (which builds docker/Dockerfile first, with the engine,
from `git archive`). Every command below is quoted from the README (or an example's README)
character for character, and the test first checks that each quoted line still appears there,
and that every command line of those README blocks is quoted here: a README edit without this
test fails. The two deliberate substitutions, both what a user of that engine would type:
`docker` -> `podman` for Podman ("podman takes the same commands"), and `docker compose`
(the v2 plugin, not packaged in Debian) -> `docker-compose` (Compose v1) for Compose.

The README's "Quick start" blocks are taken from the README itself rather than quoted: its
```dockerfile block is built as written on the local debian:bookworm-slim (QuickStartDockerfile),
and its ```yaml container fragment must equal examples/k8s/base/deployment.yaml's clawinit container
(QuickStartKubernetes), so an edit to either side that breaks the other fails here.
ReadmeText also ties the blocks run elsewhere to what runs them: "The image" commands are
documented.sh's builds, "Operating it" is the compose example's exec lines, "Podman pods" fits
examples/podman/pod.yaml's names and grace (test_podman.py's TestKubePlay runs those steps), and
the OpenClaw Dockerfile snippets are lines of docker/Dockerfile.add-to-existing (built above).
"""
import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import tempfile
import time
import unittest

import yaml

ENGINE = os.environ.get("ENGINE", "docker")
REPO = os.environ.get("CT_REPO", os.path.join(os.path.dirname(__file__), "..", ".."))
PATIENCE = float(os.environ.get("CT_PATIENCE", "90"))
README = os.path.join(REPO, "README.md")
COMPOSE_README = os.path.join(REPO, "examples", "compose", "README.md")

# README "### Docker / Podman", in order.
RUN_BLOCK = [
    "docker run -d --name gw -v gw-data:/data -p 127.0.0.1:8888:8888 -p 127.0.0.1:8899:8899 \\",
    "  --stop-timeout 10 clawinit-gateway                     # clawinit's default grace 8s < 10s",
    "curl -s 127.0.0.1:8899/readyz; curl -s 127.0.0.1:8888/status",
    "docker exec gw /clawinit restart --wait                  # in place; returns when ready again",
    "docker kill -s USR1 gw                                   # the same, fire and forget",
    "docker exec gw /clawinit status",
    "docker stop gw                                           # SIGTERM; clawinit exits 0 within its grace",
    "docker exec gw /clawinit stop --wait                     # ... or with the outcome printed",
]
# README "### Compose".
COMPOSE_BLOCK = [
    "docker compose -f examples/compose/docker-compose.yml up -d --build",
    "docker compose -f examples/compose/docker-compose.yml exec openclaw /clawinit restart --wait",
    "docker compose -f examples/compose/docker-compose.yml exec openclaw /clawinit stop --wait",
]
# examples/compose/README.md, both blocks (run from examples/compose).
COMPOSE_EXAMPLE = [
    "cd examples/compose",
    "docker compose up -d --build          # builds docker/Dockerfile (FROM scratch, ~3 MB)",
    'docker compose ps                     # "healthy" once the gateway answers its ready check',
    "curl -s 127.0.0.1:8888/status         # the gateway",
    "curl -s 127.0.0.1:8899/status         # clawinit: child pid, restarts, last exit",
    "docker compose exec openclaw /clawinit restart --wait   # in-place restart; returns when the new gateway is ready",
    "docker compose exec openclaw /clawinit status           # table; --json for the raw /status",
    "docker compose exec openclaw /clawinit stop --wait      # graceful stop; prints exit code, time, SIGKILL or not",
    "docker compose kill -s USR1 openclaw                    # the same restart, fire and forget",
    "docker compose stop                                     # SIGTERM; clawinit exits 0 well within 30s",
]
# examples/openclaw/README.md "## Run it", in order: the real openclaw@2026.9.6 gateway.
OPENCLAW_README = os.path.join(REPO, "examples", "openclaw", "README.md")
OPENCLAW_RUN = [
    "docker run --rm -v openclaw-home:/home/node/.openclaw openclaw-clawinit:2026.9 openclaw config set gateway.mode local",
    'docker run -d --name openclaw -e OPENCLAW_GATEWAY_TOKEN="$(openssl rand -hex 32)" \\',
    "  -v openclaw-home:/home/node/.openclaw -v clawinit-state:/var/lib/clawinit \\",
    "  -p 127.0.0.1:18789:18789 -p 127.0.0.1:8899:8899 --stop-timeout 330 openclaw-clawinit:2026.9",
    'docker exec openclaw clawinit restart --wait      # "restarted: child pid 6 -> 93, ready after 15s"',
    "docker restart -t 330 openclaw                    # a new container process; the volumes stay",
    'docker exec openclaw clawinit stop --wait         # "stopped: exit code 0 after 5.6s, graceful"',
]
# examples/openclaw/README.md, the sh block under its Compose file (run with that file).
OPENCLAW_COMPOSE = [
    'export OPENCLAW_GATEWAY_TOKEN="$(openssl rand -hex 32)"   # or put it in .env beside the file',
    "docker compose run --rm openclaw openclaw config set gateway.mode local   # once, into the volume",
    "docker compose up -d",
    "docker compose exec openclaw clawinit restart --wait",
    "docker compose stop                # SIGTERM; clawinit drains 5 s, stops the gateway, exits 0",
]
# README "### Interactive use".
INTERACTIVE_BLOCK = [
    "docker run -it --rm -e CLAWINIT_ON_CRASH=never openclaw-clawinit:2026.9 bash",
    "docker run -it --rm -e CLAWINIT_ON_CRASH=never openclaw-clawinit:2026.9 clawinit -- bash",
]


def sh_blocks_after(path, heading):
    """Command lines of the ```sh blocks between `heading` and the next heading (None: all)."""
    return [line for line in blocks_after(path, heading, "sh") if line.strip()]


def quick_start_block(lang):
    """The one ```LANG block of the README's "## Quick start" section, verbatim."""
    with open(README) as f:
        text = f.read()
    start = text.index("## Quick start\n")
    nxt = re.search(r"^## ", text[start + 3:], re.M)
    section = text[start:start + 3 + nxt.start()] if nxt else text[start:]
    blocks = re.findall(rf"```{lang}\n(.*?)```", section, re.S)
    if len(blocks) != 1:
        raise AssertionError(f"Quick start has {len(blocks)} ```{lang} blocks, expected one")
    return blocks[0], section


def engine_line(line):
    line = line.replace("docker compose", "docker-compose")
    if ENGINE == "podman":
        line = re.sub(r"^(\s*)docker ", r"\1podman ", line)
    return line


def sh(line, cwd=REPO, check=True, timeout=PATIENCE):
    """Runs one documented line (comments are shell comments already) in bash."""
    cmd = engine_line(line)
    print(f"   $ {cmd}", flush=True)
    argv = ["bash", "-c", cmd]
    if "docker-compose" in cmd and " exec " in cmd:
        # Compose v1's exec allocates a terminal unless told -T, as a user's shell has one:
        # give it one (script's pty), rather than change the documented line.
        argv = ["script", "-qec", cmd, "/dev/null"]
    out = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                         stdin=subprocess.DEVNULL)
    if check and out.returncode != 0:
        raise AssertionError(f"`{cmd}` exited {out.returncode}:\n{out.stdout}{out.stderr}")
    return out


def eng(*args, check=False):
    return subprocess.run([ENGINE, *args], capture_output=True, text=True, check=check)


def wait_for(predicate, what, timeout=PATIENCE):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.25)


def http_ok(url):
    return subprocess.run(["curl", "-sf", "-m", "2", url], capture_output=True).returncode == 0


def joined(lines, comment=r"\s+#.*$"):
    """Lines joined at trailing backslashes, trailing comments and extra blanks dropped."""
    out, cur = [], ""
    for line in lines:
        code = re.sub(comment, "", line).strip()
        if code.endswith("\\"):
            cur += code[:-1] + " "
            continue
        if cur + code:
            out.append(" ".join((cur + code).split()))
        cur = ""
    return out


def blocks_after(path, heading, lang):
    """The ```LANG blocks' lines between `heading` and the next heading (None: the whole file;
    a `# ` line inside a block is a comment, not a heading)."""
    with open(path) as f:
        lines = f.read().splitlines()
    start = 0 if heading is None else 1 + next(
        n for n, line in enumerate(lines) if line.startswith(heading))
    out, fence = [], None  # fence: the open block's language ("" unlabelled), None outside
    for line in lines[start:]:
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
            continue
        if fence is None and heading is not None and re.match(r"#{1,3} ", line):
            break
        if fence == lang:
            out.append(line)
    return out


def add_to_existing_instructions():
    """docker/Dockerfile.add-to-existing's instructions, its ARGs at their defaults."""
    with open(os.path.join(REPO, "docker", "Dockerfile.add-to-existing")) as f:
        lines = [line for line in f.read().splitlines() if not line.lstrip().startswith("#")]
    instructions = joined(lines, comment=r"$^")
    args = dict(re.match(r"ARG (\w+)=(.*)", i).groups() for i in instructions
                if i.startswith("ARG ") and "=" in i)
    for name, value in args.items():
        instructions = [i.replace('"${%s}"' % name, value).replace("${%s}" % name, value)
                        for i in instructions]
    return instructions


# README "### Podman pods (`kube play`)", in order; tests/container/test_podman.py TestKubePlay
# runs these steps with names of its own, so here they are checked against the manifest.
POD_BLOCK = [
    "podman kube play examples/podman/pod.yaml",
    "podman exec clawinit-gateway-pod-gateway /clawinit restart --wait",
    "podman pod stop -t 35 clawinit-gateway-pod",
    "podman kube down examples/podman/pod.yaml",
    "podman volume rm clawinit-gateway-data clawinit-gateway-pod-config",
]


class ReadmeText(unittest.TestCase):
    def test_image_block_is_what_documented_sh_builds(self):
        # README "The image": each command, as written, is one documented.sh runs.
        with open(os.path.join(REPO, "tests", "container", "documented.sh")) as f:
            script = " ".join(f.read().replace("\\\n", " ").split())
        commands = joined(sh_blocks_after(README, "### The image"))
        self.assertEqual(len(commands), 2, commands)
        for command in commands:
            self.assertIn(command, script, "README 'The image' command not built by documented.sh")

    def test_operating_it_block_is_run_by_the_compose_example(self):
        # README "Operating it": the exec lines are the compose example's (run by Compose
        # below), the HEALTHCHECK line is the image's own.
        lines = joined(sh_blocks_after(README, "## Operating it"))
        execs = [line for line in lines if line.startswith("docker compose exec")]
        self.assertEqual(sorted(execs), sorted(joined(COMPOSE_EXAMPLE[5:8])))
        health = [line for line in lines if line.startswith("HEALTHCHECK")]
        self.assertEqual(len(health), 1)
        with open(os.path.join(REPO, "docker", "Dockerfile")) as f:
            image = [i for i in joined(f.read().splitlines()) if i.startswith("HEALTHCHECK")]
        self.assertEqual(len(image), 1)
        # The image adds timing options; the command is the same.
        self.assertTrue(image[0].endswith(health[0].split(" ", 1)[1]), (image, health))
        self.assertEqual(len(lines), len(execs) + 1, lines)

    def test_podman_pods_block_fits_pod_yaml(self):
        self.assertEqual(joined(sh_blocks_after(README, "### Podman pods")), POD_BLOCK)
        with open(os.path.join(REPO, "examples", "podman", "pod.yaml")) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        pod = next(d for d in docs if d["kind"] == "Pod")
        claim = next(d for d in docs if d["kind"] == "PersistentVolumeClaim")
        config = next(d for d in docs if d["kind"] == "ConfigMap")
        name = pod["metadata"]["name"]
        container = pod["spec"]["containers"][0]["name"]
        self.assertEqual(POD_BLOCK[1].split()[2], f"{name}-{container}")  # kube play's naming
        self.assertEqual(POD_BLOCK[2].split()[-1], name)
        self.assertEqual(POD_BLOCK[4].split()[3:],
                         [claim["metadata"]["name"], config["metadata"]["name"]])
        # -t covers the stop: drain-delay + grace of the pod's own clawinit.yaml, as the
        # manifest's terminationGracePeriodSeconds does on Kubernetes.
        settings = yaml.safe_load(config["data"]["clawinit.yaml"])
        seconds = lambda v: int(str(v).rstrip("s"))  # noqa: E731
        need = seconds(settings.get("drain-delay", "0s")) + seconds(settings.get("grace", "8s"))
        self.assertGreater(int(POD_BLOCK[2].split()[4]), need)
        self.assertEqual(int(POD_BLOCK[2].split()[4]), pod["spec"]["terminationGracePeriodSeconds"])

    def test_openclaw_snippets_are_lines_of_add_to_existing(self):
        # The README's and examples/openclaw/README.md's snippets: every instruction is
        # docker/Dockerfile.add-to-existing's (ARGs at their defaults), or the first commands of
        # one of its RUN lines; the whole file is what documented.sh builds.
        whole = add_to_existing_instructions()
        snippets = [blocks_after(README, "### OpenClaw", "dockerfile"),
                    blocks_after(os.path.join(REPO, "examples", "openclaw", "README.md"),
                                 "## Dockerfile snippet", "dockerfile")]
        for lines in snippets:
            instructions = [i for i in joined(lines) if not i.startswith("#")]
            self.assertGreaterEqual(len(instructions), 6, lines)
            for instruction in instructions:
                self.assertTrue(any(i == instruction or i.startswith(instruction + " && ")
                                    for i in whole),
                                f"not in docker/Dockerfile.add-to-existing: {instruction}")

    def test_quoted_lines_are_the_readme_blocks(self):
        self.assertEqual(sh_blocks_after(README, "### Docker / Podman"), RUN_BLOCK)
        self.assertEqual(sh_blocks_after(README, "### Compose"), COMPOSE_BLOCK)
        self.assertEqual(sh_blocks_after(README, "### Interactive use"), INTERACTIVE_BLOCK)
        example = sh_blocks_after(COMPOSE_README, None)
        self.assertEqual(example, COMPOSE_EXAMPLE)
        self.assertEqual(sh_blocks_after(OPENCLAW_README, "## Run it"), OPENCLAW_RUN)
        self.assertEqual(sh_blocks_after(OPENCLAW_README, "## Dockerfile snippet"), OPENCLAW_COMPOSE)


class DockerRun(unittest.TestCase):
    """README "Docker / Podman", on the image docker/Dockerfile built as `clawinit-gateway`."""

    def setUp(self):
        eng("rm", "-f", "gw")
        eng("volume", "rm", "-f", "gw-data")
        self.addCleanup(eng, "volume", "rm", "-f", "gw-data")
        self.addCleanup(eng, "rm", "-f", "gw")

    def test_run_block_as_written(self):
        sh(RUN_BLOCK[0][:-1] + RUN_BLOCK[1])
        wait_for(lambda: http_ok("http://127.0.0.1:8899/readyz"), "gw ready on 127.0.0.1:8899")
        out = sh(RUN_BLOCK[2])
        self.assertIn('"ready"', out.stdout)
        restarted = sh(RUN_BLOCK[3])
        self.assertRegex(restarted.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        sh(RUN_BLOCK[4])
        # Fire and forget: "restarts":2 shows once the new child is spawned, "running" only once
        # its ready check passes (the gateway listens a moment later), so wait for both.
        wait_for(lambda: '"restarts":2' in (sh(RUN_BLOCK[2], check=False).stdout) and
                 http_ok("http://127.0.0.1:8899/readyz"), "the USR1 restart, ready again")
        self.assertIn("running", sh(RUN_BLOCK[5]).stdout)
        sh(RUN_BLOCK[6], timeout=30)
        self.assertEqual(eng("inspect", "-f", "{{.State.ExitCode}}", "gw").stdout.strip(), "0")
        # The alternative to `stop`: start it again, then stop with the outcome printed.
        eng("start", "gw", check=True)
        wait_for(lambda: http_ok("http://127.0.0.1:8899/readyz"), "gw ready again")
        stopped = sh(RUN_BLOCK[7], check=False)
        self.assertRegex(stopped.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful",
                         stopped.stderr)
        self.assertEqual(stopped.returncode, 0)


@unittest.skipUnless(ENGINE == "docker", "Compose runs against dockerd")
class Compose(unittest.TestCase):
    def down(self):
        subprocess.run(["docker-compose", "-f", "examples/compose/docker-compose.yml", "down", "-v",
                        "-t", "0"], cwd=REPO, capture_output=True)

    def setUp(self):
        self.down()
        self.addCleanup(self.down)

    def healthy(self, cwd):
        ps = subprocess.run(["docker-compose", "ps"], cwd=cwd, capture_output=True, text=True)
        return "(healthy)" in ps.stdout

    def test_readme_compose_block(self):
        sh(COMPOSE_BLOCK[0], timeout=1800)
        wait_for(lambda: http_ok("http://127.0.0.1:8899/readyz"), "compose service ready")
        self.assertRegex(sh(COMPOSE_BLOCK[1]).stdout, r"restarted: child pid \d+ -> \d+")
        out = sh(COMPOSE_BLOCK[2], check=False)
        self.assertRegex(out.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful", out.stderr)

    def test_example_readme_blocks(self):
        cwd = os.path.join(REPO, "examples", "compose")
        sh(COMPOSE_EXAMPLE[1], cwd=cwd, timeout=1800)
        wait_for(lambda: self.healthy(cwd), "docker-compose ps to say healthy", timeout=120)
        sh(COMPOSE_EXAMPLE[2], cwd=cwd)
        self.assertIn('"status":"running"', sh(COMPOSE_EXAMPLE[3], cwd=cwd).stdout)
        self.assertIn('"child"', sh(COMPOSE_EXAMPLE[4], cwd=cwd).stdout)
        self.assertRegex(sh(COMPOSE_EXAMPLE[5], cwd=cwd).stdout, r"restarted: child pid")
        self.assertIn("running", sh(COMPOSE_EXAMPLE[6], cwd=cwd).stdout)
        sh(COMPOSE_EXAMPLE[8], cwd=cwd)
        wait_for(lambda: '"restarts":2' in sh(COMPOSE_EXAMPLE[4], cwd=cwd, check=False).stdout,
                 "the USR1 restart")
        out = sh(COMPOSE_EXAMPLE[7], cwd=cwd, check=False)
        self.assertRegex(out.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful", out.stderr)
        sh("docker compose start", cwd=cwd)
        wait_for(lambda: http_ok("http://127.0.0.1:8899/readyz"), "ready after start")
        sh(COMPOSE_EXAMPLE[9], cwd=cwd, timeout=60)
        state = json.loads(eng("inspect", "-f", "{{json .State}}", "compose_openclaw_1").stdout or "{}")
        self.assertEqual(state.get("ExitCode"), 0, state)


class OpenClaw(unittest.TestCase):
    """examples/openclaw/README.md "Run it" as written, on the image docker/Dockerfile.add-to-existing
    built with the real openclaw@2026.9.6 (node 24): the gateway runs as node with HOME
    /home/node, clawinit's /ready follows the gateway's /readyz, `restart --wait` restarts it in
    the shipped mode, its configuration and clawinit's state.json survive a container restart in
    the volumes, `stop --wait` ends it with 0 and nothing is left running."""

    VOLUMES = ("openclaw-home", "clawinit-state")

    def setUp(self):
        eng("rm", "-f", "openclaw")
        eng("volume", "rm", "-f", *self.VOLUMES)
        self.addCleanup(eng, "volume", "rm", "-f", *self.VOLUMES)
        self.addCleanup(eng, "rm", "-f", "openclaw")

    def status(self):
        out = eng("exec", "openclaw", "clawinit", "status", "--json")
        return json.loads(out.stdout) if out.returncode == 0 else {}

    def wait_ready(self, what):
        # Ready in the order the docs promise: clawinit's /ready 200 only once the gateway's own
        # /readyz is (polled after it, so a 200 here with a not-ready gateway is a failure).
        def ready():
            if not http_ok("http://127.0.0.1:8899/ready"):
                return False
            self.assertTrue(http_ok("http://127.0.0.1:18789/readyz"),
                            "clawinit /ready 200 while the gateway's /readyz is not")
            return True
        wait_for(ready, what, timeout=max(PATIENCE, 240))

    def child(self):
        pid = self.status()["child"]["pid"]
        # As node: root in an exec lacks CAP_SYS_PTRACE, which another user's environ needs.
        proc = eng("exec", "--user", "node", "openclaw", "sh", "-c",
                   f"grep -E '^(Name|Uid):' /proc/{pid}/status; tr '\\0' '\\n' < /proc/{pid}/environ",
                   check=True).stdout
        return pid, proc

    def test_run_block_as_written(self):
        lines = joined(OPENCLAW_RUN)
        out = sh(lines[0], timeout=240)
        self.assertIn("gateway.mode", out.stdout + out.stderr)
        started = time.monotonic()
        sh(lines[1])
        self.wait_ready("the real gateway ready")
        print(f"   openclaw ({ENGINE}): ready {time.monotonic() - started:.1f}s after run", flush=True)
        pid, proc = self.child()
        self.assertIn("Name:\topenclaw-gatewa", proc)  # it renames itself (comm: 15 chars)
        self.assertRegex(proc, r"Uid:\s+1000\s+1000")
        for var in ("HOME=/home/node", "USER=node", "OPENCLAW_SUPERVISOR_MODE=external"):
            self.assertIn(f"\n{var}\n", f"\n{proc}\n", proc)
        self.assertEqual(self.status()["restart_signal"], "SIGUSR2")
        home = eng("exec", "openclaw", "stat", "-c", "%U %n", "/home/node/.openclaw/openclaw.json",
                   "/home/node/.openclaw/state/openclaw.sqlite", check=True).stdout
        self.assertEqual([line.split()[0] for line in home.splitlines()], ["node", "node"], home)

        out = sh(lines[2], timeout=330)
        m = re.search(r"restarted: child pid (\d+) -> (\d+), ready after", out.stdout)
        self.assertIsNotNone(m, out.stdout + out.stderr)
        self.assertEqual(int(m[1]), pid)
        self.assertTrue(http_ok("http://127.0.0.1:18789/readyz"))
        self.assertEqual(self.status()["child"]["pid"], int(m[2]))

        state = lambda: json.loads(eng("exec", "openclaw", "cat",  # noqa: E731
                                       "/var/lib/clawinit/state.json", check=True).stdout)
        boots = state()["boot_count"]
        pid_ns = self.pid_namespace()
        sh(lines[3], timeout=400)
        # The gateway starts again from the volume's configuration (without it: exit 78,
        # "Missing config"), and state.json counts one more boot.
        self.wait_ready("the gateway ready after the container restart")
        self.assertEqual(state()["boot_count"], boots + 1)
        pid_ns = self.pid_namespace()  # a new one (the kernel may reuse the old one's number)

        out = sh(lines[4], check=False, timeout=400)
        self.assertRegex(out.stdout, r"stopped: exit code 0 after [0-9.]+s, graceful", out.stderr)
        self.assertEqual(out.returncode, 0)
        wait_for(lambda: eng("inspect", "-f", "{{.State.Running}}", "openclaw").stdout.strip() == "false",
                 "the container to exit")
        self.assertEqual(eng("inspect", "-f", "{{.State.ExitCode}}", "openclaw").stdout.strip(), "0")
        # Nothing left: no process on the host is in the container's PID namespace any more
        # (one started after the stop would be in a new namespace that reuses the number).
        with open("/proc/uptime") as f:
            stopped = float(f.read().split()[0])
        left = [p for p in os.listdir("/proc") if p.isdigit() and self.ns_of(p) == pid_ns
                and self.started(p) < stopped]
        self.assertEqual(left, [], "processes outlived the container")

    @staticmethod
    def started(pid):
        """Seconds after boot the process started (inf if it is gone)."""
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[19]) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("inf")

    @staticmethod
    def ns_of(pid):
        try:
            return os.readlink(f"/proc/{pid}/ns/pid")
        except OSError:
            return None

    def pid_namespace(self):
        pid = eng("inspect", "-f", "{{.State.Pid}}", "openclaw", check=True).stdout.strip()
        ns = self.ns_of(pid)
        self.assertIsNotNone(ns, f"no /proc/{pid} for the container's PID 1")
        return ns


@unittest.skipUnless(ENGINE == "docker", "Compose runs against dockerd")
class OpenClawCompose(unittest.TestCase):
    """examples/openclaw/README.md's Compose file for 2026.9 and the commands under it, as
    written, with the real gateway: healthy by the file's own healthcheck, `restart --wait`,
    `stop` with exit 0."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="clawinit-oc-compose.")
        block = "\n".join(blocks_after(OPENCLAW_README, "## Dockerfile snippet", "yaml"))
        with open(os.path.join(self.dir, "docker-compose.yml"), "w") as f:
            f.write(block + "\n")
        self.addCleanup(subprocess.run, ["rm", "-rf", self.dir])
        self.addCleanup(subprocess.run, ["docker-compose", "down", "-v", "-t", "0"],
                        cwd=self.dir, capture_output=True)

    def test_compose_block_as_written(self):
        token = OPENCLAW_COMPOSE[0].split("#")[0].strip()
        run = lambda line, **kw: sh(f"{token} && {line}", cwd=self.dir, **kw)  # noqa: E731
        run(OPENCLAW_COMPOSE[1], timeout=240)
        run(OPENCLAW_COMPOSE[2])
        ps = lambda: subprocess.run(["docker-compose", "ps"], cwd=self.dir,  # noqa: E731
                                    capture_output=True, text=True).stdout
        # start_period 60s, interval 10s: dockerd's own schedule turns it healthy.
        wait_for(lambda: "(healthy)" in ps(), "docker-compose ps to say healthy", timeout=300)
        out = run(OPENCLAW_COMPOSE[3], timeout=330)
        self.assertRegex(out.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        self.assertIn("(healthy)", ps())
        run(OPENCLAW_COMPOSE[4], timeout=400)
        name = subprocess.run(["docker-compose", "ps", "-q"], cwd=self.dir, capture_output=True,
                              text=True).stdout.split()[0]
        state = json.loads(eng("inspect", "-f", "{{json .State}}", name).stdout or "{}")
        self.assertEqual((state.get("Running"), state.get("ExitCode")), (False, 0), state)


class QuickStartDockerfile(unittest.TestCase):
    """README "Quick start": the ```dockerfile block as written, after a FROM of the local
    debian:bookworm-slim, then what the bullets under it promise that seconds can check: the
    HEALTHCHECK turns healthy, `restart --wait` restarts in place (PID 1 unchanged), and
    `docker stop` ends it gracefully with the gateway's exit code."""

    IMAGE = "clawinit-quickstart:test"
    NAME = "clawinit-quickstart"

    def setUp(self):
        eng("rm", "-f", self.NAME)
        self.addCleanup(eng, "rmi", "-f", self.IMAGE)
        self.addCleanup(eng, "rm", "-f", self.NAME)

    def state(self):
        return json.loads(eng("inspect", "-f", "{{json .State}}", self.NAME).stdout or "{}")

    def health(self):
        return (self.state().get("Health") or {}).get("Status")

    def test_dockerfile_block_as_written(self):
        block, section = quick_start_block("dockerfile")
        prose = " ".join(section.split())
        directives = {}
        for line in block.splitlines():
            if line.strip() and not line.startswith("#"):
                word, _, rest = line.partition(" ")
                directives[word] = rest
        entrypoint = json.loads(directives["ENTRYPOINT"])
        health_cmd = json.loads(directives["HEALTHCHECK"].removeprefix("CMD "))
        # The bullet's exec line is run below as written; it must name the block's binary.
        m = re.search(r"`docker exec CONTAINER (\S+) restart --wait`", prose)
        self.assertIsNotNone(m, "the Quick start bullet `docker exec CONTAINER ... restart --wait`")
        self.assertEqual(m[1], entrypoint[0])
        gateway = json.loads(eng("image", "inspect", "clawinit-gateway", "--format",
                                 "{{json .Config.Cmd}}", check=True).stdout)[0]
        with tempfile.TemporaryDirectory() as ctx:
            with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                f.write("FROM debian:bookworm-slim\n" + block +
                        "# Not in the README: there is no node app here, so the example gateway\n"
                        "# of the same image stands in for it (the run below overrides CMD).\n"
                        f"COPY --from=clawinit-gateway:latest {gateway} /usr/local/bin/gw\n")
            # README: "With Podman, build with `--format docker` to keep it" (the HEALTHCHECK).
            fmt = ["--format", "docker"] if ENGINE == "podman" else []
            out = eng("build", "-q", *fmt, "-t", self.IMAGE, ctx)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        image = json.loads(eng("image", "inspect", self.IMAGE, check=True).stdout)[0]
        self.assertEqual(image["Config"]["Entrypoint"], entrypoint)
        # Docker keeps it in Config.Healthcheck, Podman's inspect at the top level.
        kept = image["Config"].get("Healthcheck") or image.get("Healthcheck") or {}
        self.assertEqual(kept.get("Test"), ["CMD", *health_cmd])

        # The block's HEALTHCHECK has Docker's default 30 s interval; 1s at `run` time keeps its
        # CMD (Docker merges the two). Podman without systemd runs a HEALTHCHECK only through
        # `podman healthcheck run`, which is what its systemd timer would call.
        interval = ["--health-interval", "1s"] if ENGINE == "docker" else []
        started = time.monotonic()
        out = eng("run", "-d", "--name", self.NAME, *interval, self.IMAGE, "/usr/local/bin/gw")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        if ENGINE == "podman":
            wait_for(lambda: eng("healthcheck", "run", self.NAME).returncode == 0,
                     "podman healthcheck run to pass", timeout=30)
        wait_for(lambda: self.health() == "healthy", "the HEALTHCHECK to turn healthy", timeout=30)
        healthy_after = time.monotonic() - started
        cmdline = eng("exec", self.NAME, "cat", "/proc/1/cmdline", check=True).stdout
        self.assertEqual(cmdline.split("\0")[:2], [entrypoint[0], "--"])

        pid1 = self.state()["Pid"]
        line = f"{ENGINE} exec {self.NAME} {m[1]} restart --wait"
        out = subprocess.run(shlex.split(line), capture_output=True, text=True, timeout=PATIENCE)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertRegex(out.stdout, r"restarted: child pid \d+ -> \d+, ready after")
        self.assertEqual(self.state()["Pid"], pid1, "restart --wait must keep the container's PID 1")
        self.assertTrue(self.state()["Running"])

        # `docker stop`: SIGTERM, the runtime's SIGKILL at 10 s. clawinit's grace is 8 s; the
        # example gateway exits 0 on SIGTERM at once, and that code is the container's.
        started = time.monotonic()
        eng("stop", self.NAME, check=True)
        took = time.monotonic() - started
        state = self.state()
        self.assertEqual(state["ExitCode"], 0, state)
        self.assertLess(took, 5, "a graceful stop ends well within clawinit's 8 s grace")
        print(f"   quick start image: healthy {healthy_after:.1f}s after run, stop took {took:.1f}s",
              flush=True)


class QuickStartKubernetes(unittest.TestCase):
    """README "Quick start": the ```yaml container fragment is examples/k8s/base/deployment.yaml's
    clawinit container, key for key (the example is what validate_manifests.py checks)."""

    def test_yaml_fragment_matches_the_example_deployment(self):
        block, _ = quick_start_block("yaml")
        snippet = yaml.safe_load(block)
        k8s = os.path.join(REPO, "examples", "k8s", "base")
        with open(os.path.join(k8s, "deployment.yaml")) as f:
            pod = yaml.safe_load(f)["spec"]["template"]["spec"]
        container = next(c for c in pod["containers"]
                         if os.path.basename((c.get("command") or [""])[0]) == "clawinit")
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}

        def resolved(probe):
            # The fragment has no `ports:`, so it names 8899 where the Deployment names `probes`.
            probe = json.loads(json.dumps(probe))
            get = probe.get("httpGet", {})
            if isinstance(get.get("port"), str):
                get["port"] = ports[get["port"]]
            return probe

        self.assertLessEqual({"command", "args", "terminationGracePeriodSeconds"}, set(snippet))
        self.assertEqual(sorted(k for k in snippet if k.endswith("Probe")),
                         sorted(k for k in container if k.endswith("Probe")))
        for key, value in snippet.items():
            with self.subTest(key=key):
                if key == "terminationGracePeriodSeconds":  # the pod's, not the container's
                    self.assertEqual(value, pod[key])
                elif key.endswith("Probe"):
                    self.assertEqual(resolved(value), resolved(container[key]))
                else:
                    self.assertEqual(value, container[key])
        # The grace arithmetic in the fragment's comment names the generated ConfigMap's values.
        m = re.search(r"drain (\S+) \+ grace (\S+),", block)
        self.assertIsNotNone(m, "the `> drain D + grace D` comment")
        with open(os.path.join(k8s, "clawinit.yaml")) as f:
            config = yaml.safe_load(f)
        self.assertEqual((m[1], m[2]), (config["drain-delay"], config["grace"]))


class Interactive(unittest.TestCase):
    """`docker run -it` through a real pty: bash gets job control, Ctrl-C stays in the job,
    `exit 7` is the container's exit code."""

    def drive(self, argv):
        pid, master = pty.fork()
        if pid == 0:
            os.execvp(argv[0], argv)
        text = ""
        self.transcript = ""

        def expect(pattern, timeout=PATIENCE):
            nonlocal text
            deadline = time.monotonic() + timeout
            while not re.search(pattern, text):
                if time.monotonic() > deadline:
                    raise AssertionError(f"no {pattern!r}; terminal:\n{text}")
                if select.select([master], [], [], 0.2)[0]:
                    try:
                        data = os.read(master, 65536).decode(errors="replace")
                    except OSError:
                        break
                    text += data
                    self.transcript += data
            m = re.search(pattern, text)
            if not m:
                raise AssertionError(f"no {pattern!r}; terminal:\n{text}")
            text = text[m.end():]
            return m
        return pid, master, expect

    def run_bash(self, line):
        # `script -qec` gives the client its own terminal, as a user's would be.
        pid, master, expect = self.drive(["script", "-qec", engine_line(line), "/dev/null"])
        try:
            expect(r"[$#] ")  # Debian's bash prompt, as user node
            os.write(master, b"sleep 100\n")
            time.sleep(2)
            os.write(master, b"\x03")  # Ctrl-C: interrupts sleep, not clawinit
            expect(r"[$#] ")
            os.write(master, b"echo alive-$((6*7))\n")
            expect("alive-42")
            os.write(master, b"exit 7\n")
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 7)
        finally:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.close(master)
        return self.transcript

    def test_bash_under_clawinit(self):
        self.run_bash(INTERACTIVE_BLOCK[0])
        self.assertNotIn("no job control", self.transcript)
        self.assertNotIn("Graceful shutdown", self.transcript)

    def test_bash_under_nested_clawinit(self):
        self.run_bash(INTERACTIVE_BLOCK[1])
        self.assertNotIn("no job control", self.transcript)
        self.assertIn("running 'bash' in place", self.transcript)


if __name__ == "__main__":
    unittest.main(verbosity=2)
