#!/usr/bin/env python3
"""The real OpenClaw gateway under clawinit in a Podman container: start, restart and stop times
in both supervisor modes, and memory. A program that prints figures; it asserts nothing.

    bash bench/openclaw.sh            # builds what it needs, then runs this (3 runs per mode)
    python3 bench/openclaw.py [--runs N] [--image openclaw-clawinit:2026.9] [--poll 0.05]

Each run is a fresh container of the image docker/Dockerfile.add-to-existing builds, on fresh
volumes, run as docs/ and examples/openclaw/README.md say (a token, `--allow-unconfigured`),
ports published on 127.0.0.1 (rootful netavark: a closed container port refuses, so "accepting"
is the gateway's, not a proxy's). Modes:
  external   the shipped profile (openclaw-2026.9.yaml: OPENCLAW_SUPERVISOR_MODE=external): on
             SIGUSR2 the gateway exits 0 and clawinit spawns a new one;
  in-process CLAWINIT_ENV=OPENCLAW_SUPERVISOR_MODE (unsets it): the gateway restarts itself on
             SIGUSR2 inside the same pid.
Per run: `podman run -d` -> gateway port accepting, its /readyz 200, clawinit's /ready 200;
`podman kill --signal USR2` (to PID 1, which forwards it) -> the port refusing and accepting
again, /readyz 200 again, /ready 200 again, and how often /health was not 200; the RSS of
clawinit (PID 1) and of the whole process tree once ready again; `podman stop -t 330` time and
exit code. Polls every --poll seconds from the host. Times are seconds from the command.
"""
import argparse
import json
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request

GW_PORT, PROBE_PORT = 28789, 28899
NAME = "clawinit-bench-openclaw"
DEADLINE = 300.0


def podman(*args, check=True):
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check)


def accepting():
    try:
        with socket.create_connection(("127.0.0.1", GW_PORT), timeout=0.5):
            return True
    except OSError:
        return False


def status(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def watch(t0, poll, until):
    """Polls until `until(seen)` or DEADLINE; returns {event: seconds after t0}."""
    seen, health_bad, last = {}, 0, {"port": None, "readyz": None, "ready": None}
    while time.monotonic() - t0 < DEADLINE:
        now = time.monotonic() - t0
        state = {"port": accepting(), "readyz": status(GW_PORT, "/readyz") == 200,
                 "ready": status(PROBE_PORT, "/ready") == 200}
        if status(PROBE_PORT, "/health") not in (200, 0):  # 0: clawinit not listening yet
            health_bad += 1
        for key, up in state.items():
            if not up and f"{key} down" not in seen and last[key] is not False:
                seen[f"{key} down"] = now
            if up and last[key] is False and f"{key} up" not in seen:
                seen[f"{key} up"] = now
            last[key] = up
        seen["health not 200 (polls)"] = health_bad
        if until(seen):
            return seen
        time.sleep(poll)
    seen["deadline"] = DEADLINE
    return seen


def rss_kb():
    """(clawinit's VmRSS, the sum over every process in the container) in kB, read inside."""
    script = ('for s in /proc/[0-9]*/status; do p=${s#/proc/}; p=${p%/status}; '
              '[ "$p" = "$$" ] && continue; '
              'awk -v p="$p" \'/^VmRSS:/ {print p, $2}\' "$s" 2>/dev/null; done')
    out = podman("exec", NAME, "sh", "-c", script).stdout.split()
    pairs = dict(zip(out[0::2], map(int, out[1::2])))
    return pairs.get("1", 0), sum(pairs.values())


def child_pid():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PROBE_PORT}/status", timeout=1) as r:
            return json.load(r).get("child", {}).get("pid")
    except (OSError, ValueError):
        return None


def one_run(image, mode, poll):
    podman("rm", "-f", NAME, check=False)
    for v in ("home", "state"):
        podman("volume", "rm", "-f", f"{NAME}-{v}", check=False)
    env = ["-e", "OPENCLAW_GATEWAY_TOKEN=bench-token-0123456789abcdef"]
    if mode == "in-process":
        env += ["-e", "CLAWINIT_ENV=OPENCLAW_SUPERVISOR_MODE"]  # NAME alone: unset
    run = ["run", "-d", "--name", NAME, *env,
           "-v", f"{NAME}-home:/home/node/.openclaw", "-v", f"{NAME}-state:/var/lib/clawinit",
           "-p", f"127.0.0.1:{GW_PORT}:18789", "-p", f"127.0.0.1:{PROBE_PORT}:8899",
           image, "openclaw", "gateway", "run", "--allow-unconfigured"]
    r = {}
    t0 = time.monotonic()
    podman(*run)
    start = watch(t0, poll, lambda s: "ready up" in s)
    r["start: port accepting"] = start.get("port up")
    r["start: gateway /readyz 200"] = start.get("readyz up")
    r["start: clawinit /ready 200"] = start.get("ready up")
    r["RSS after start: clawinit MB"], r["RSS after start: tree MB"] = (
        x / 1024 for x in rss_kb())
    pid = child_pid()
    t0 = time.monotonic()
    podman("kill", "--signal", "USR2", NAME)
    # Done when clawinit's /ready is 200 again after going down, or the gateway's /readyz is
    # back and /ready never left 200 for 10 s (an in-process restart clawinit did not see).
    restart = watch(t0, poll, lambda s: "ready up" in s or (
        "readyz up" in s and "ready down" not in s and time.monotonic() - t0 > s["readyz up"] + 10))
    r["restart: port accepting again"] = restart.get("port up")
    r["restart: gateway /readyz 200 again"] = restart.get("readyz up")
    r["restart: clawinit /ready 200 again"] = restart.get("ready up")
    r["restart: /ready 503 seen"] = "ready down" in restart
    r["restart: /health not 200 (polls)"] = restart["health not 200 (polls)"]
    r["restart: same gateway pid"] = child_pid() == pid
    r["RSS after restart: clawinit MB"], r["RSS after restart: tree MB"] = (
        x / 1024 for x in rss_kb())
    t0 = time.monotonic()
    podman("stop", "-t", "330", NAME)
    r["stop: seconds"] = time.monotonic() - t0
    r["stop: exit code"] = int(podman("inspect", "-f", "{{.State.ExitCode}}", NAME).stdout)
    podman("rm", "-f", NAME, check=False)
    for v in ("home", "state"):
        podman("volume", "rm", "-f", f"{NAME}-{v}", check=False)
    return r


def summary(values):
    nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(nums) != len(values):
        return " ".join(str(v) for v in values)
    return (f"{statistics.median(nums):7.2f}  ({min(nums):.2f}-{max(nums):.2f})"
            if any(isinstance(v, float) for v in nums) else " ".join(map(str, nums)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--image", default="localhost/openclaw-clawinit:2026.9")
    ap.add_argument("--poll", type=float, default=0.05)
    ap.add_argument("--modes", default="external,in-process")
    args = ap.parse_args()
    load = open("/proc/loadavg").read().split()[:3]
    print(f"# real OpenClaw gateway, image {args.image}, {args.runs} runs per mode, poll "
          f"{args.poll}s, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}"
          f" CPUs, load {' '.join(load)} at start, {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    results = {}
    for mode in args.modes.split(","):
        results[mode] = []
        for n in range(args.runs):
            r = one_run(args.image, mode, args.poll)
            results[mode].append(r)
            print(f"# {mode} run {n + 1}: " + json.dumps(
                {k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}),
                flush=True)
    keys = list(next(iter(results.values()))[0])
    modes = list(results)
    print(f"\n{'':40s}" + "".join(f"{m + ': median (min-max)':>30s}" for m in modes))
    for k in keys:
        print(f"{k:40s}" + "".join(f"{summary([r.get(k) for r in results[m]]):>30s}"
                                   for m in modes))


if __name__ == "__main__":
    main()
