#!/usr/bin/env python3
"""Budgets: fails when the release build crosses one (bench/budgets.txt). Counts and sizes only,
never times, so that a loaded machine cannot turn it red:

  size_bytes       the stripped clawinit
  idle_rss_kb      VmRSS of clawinit as PID 1 (probe server on, child asleep) 1.5 s after the
                   child started, nothing asked of it: bench/run's idle figure
  active_rss_kb    the same instance after 5 forwarded signals and one request to every probe
                   path: what a probed, signalled clawinit keeps mapped
  signal_syscalls  syscalls of clawinit per forwarded signal (SIGUSR2, 20 after one warm-up),
  signal_faults    by strace -c; page faults (minor + major, /proc/PID/stat) the same way
  reap_syscalls    the same per orphan reaped (a child leaves 200 orphans that exit together)
  reap_faults

    python3 bench/budgets.py BUILD_DIR [--testchild PATH]   # static MinSizeRel build; root

BUILD_DIR/testchild is the default child (scripts/release.sh's tree has none built: give the
suite's, build/testchild). Prints each figure beside its budget; docs/benchmarks.md ("Budgets")
says how to move one on purpose.
"""
import argparse, os, re, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import free_port, http_status, memory, wait_until  # noqa: E402  (the benchmark's own)

SIGNALS, ORPHANS = 20, 200


def read_budgets(path):
    budgets = {}
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = line.split()
            budgets[name] = float(value)
    return budgets


def wait_for(what, predicate, timeout=20.0):
    try:
        return wait_until(predicate, timeout, what, poll_s=0.02)
    except RuntimeError as error:
        sys.exit(f"budgets: {error}")


class Pid1:
    """clawinit as PID 1 of a fresh PID namespace, the way a container runtime starts it."""

    def __init__(self, build, child):
        self.port = free_port()
        self.unshare = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--mount-proc", os.path.join(build, "clawinit"),
             "--probe-listen", f"127.0.0.1:{self.port}", "--"] + child,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = wait_for("clawinit to start", self._clawinit_pid)
        # The child has started, so has the probe server (it listens before the spawn); no
        # request yet: one would map the probe code in before the idle figure.
        wait_for("the child", lambda: self.children())

    def _clawinit_pid(self):
        try:
            with open(f"/proc/{self.unshare.pid}/task/{self.unshare.pid}/children") as f:
                pids = f.read().split()
            return int(pids[0]) if pids else None
        except OSError:
            return None

    def children(self):
        with open(f"/proc/{self.pid}/task/{self.pid}/children") as f:
            return f.read().split()

    def faults(self):
        fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        return int(fields[7]) + int(fields[9])  # minflt, majflt

    def rss_kb(self):
        return memory(self.pid)["VmRSS"]

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)
        if self.unshare.wait(timeout=20) != 0:
            sys.exit(f"budgets: clawinit exited {self.unshare.returncode} on SIGTERM")


class Strace:
    """strace -c attached to clawinit: the number of syscalls it made meanwhile."""

    def __init__(self, pid):
        self.out = tempfile.NamedTemporaryFile(prefix="budgets-strace-", delete=False).name
        self.proc = subprocess.Popen(["strace", "-c", "-o", self.out, "-p", str(pid)],
                                     stderr=subprocess.PIPE, text=True)
        # strace says "Process N attached" once it has stopped the process.
        line = self.proc.stderr.readline()
        if "attached" not in line:
            sys.exit(f"budgets: strace did not attach: {line.strip()}")

    def calls(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=20)
        text = open(self.out).read()
        os.unlink(self.out)
        total = re.search(r"^100\.00\s+\S+\s+\S+\s+(\d+)", text, re.M)
        if not total:
            sys.exit(f"budgets: no strace summary:\n{text}")
        return int(total[1]), text


def per_signal(build, testchild, use_strace):
    with tempfile.TemporaryDirectory() as tmp:
        record = os.path.join(tmp, "signals")
        init = Pid1(build, [testchild, "record-latency", record])
        lines = lambda: open(record).read().count("\n") if os.path.exists(record) else 0

        def send(n):
            for _ in range(n):
                want = lines() + 1
                os.kill(init.pid, signal.SIGUSR2)
                wait_for("the child to get SIGUSR2", lambda: lines() >= want)

        send(1)  # warm-up: the signal path's code mapped in
        before = init.faults()
        tracer = Strace(init.pid) if use_strace else None
        send(SIGNALS)
        result = tracer.calls() if tracer else (init.faults() - before, "")
        init.stop()
        return result[0] / SIGNALS, result[1]


def per_reap(build, testchild, use_strace):
    script = f"{testchild} orphans {ORPHANS} --linger 1500 && exec {testchild} sleep"
    init = Pid1(build, ["sh", "-c", script])
    # The orphan maker has exited (its orphans, now clawinit's children, linger 1.5 s).
    wait_for("the orphans", lambda: len(init.children()) >= ORPHANS)
    before = init.faults()
    tracer = Strace(init.pid) if use_strace else None
    wait_for("every orphan reaped", lambda: len(init.children()) == 1)
    result = tracer.calls() if tracer else (init.faults() - before, "")
    init.stop()
    return result[0] / ORPHANS, result[1]


PROBE_PATHS = ["/health", "/healthz", "/livez", "/ready", "/readyz", "/startup", "/startupz",
               "/status", "/metrics", "/nope"]


def rss(build, testchild):
    """idle_rss_kb, then active_rss_kb, of one instance."""
    with tempfile.TemporaryDirectory() as tmp:
        record = os.path.join(tmp, "signals")
        init = Pid1(build, [testchild, "record-latency", record])
        time.sleep(1.5)
        idle = init.rss_kb()
        for n in range(1, 6):
            os.kill(init.pid, signal.SIGUSR2)
            wait_for("the child to get SIGUSR2",
                     lambda: os.path.exists(record) and open(record).read().count("\n") >= n)
        for path in PROBE_PATHS:
            http_status(init.port, path)
        active = init.rss_kb()
        init.stop()
        return idle, active


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--testchild", help="the child helper (default: BUILD/testchild)")
    a = p.parse_args()
    build = os.path.abspath(a.build)
    testchild = os.path.abspath(a.testchild or os.path.join(build, "testchild"))
    budgets = read_budgets(os.path.join(HERE, "budgets.txt"))
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        stripped = os.path.join(tmp, "clawinit")
        subprocess.run(["strip", "-o", stripped, os.path.join(build, "clawinit")], check=True)
        figures["size_bytes"] = os.path.getsize(stripped)
    # Run from a copy, as bench/bench.py does: the linker's output file has other page-cache
    # folios than an installed one (cp, COPY, dpkg), and the folios change what a fault maps.
    with tempfile.TemporaryDirectory() as installed:
        shutil.copy2(os.path.join(build, "clawinit"), os.path.join(installed, "clawinit"))
        figures["idle_rss_kb"], figures["active_rss_kb"] = rss(installed, testchild)
        figures["signal_syscalls"], signal_trace = per_signal(installed, testchild, True)
        figures["signal_faults"], _ = per_signal(installed, testchild, False)
        figures["reap_syscalls"], reap_trace = per_reap(installed, testchild, True)
        figures["reap_faults"], _ = per_reap(installed, testchild, False)
    over = []
    for name, value in figures.items():
        budget = budgets.get(name)
        verdict = "no budget" if budget is None else "ok" if value <= budget else "OVER"
        print(f"budgets: {name:16} {value:12.2f}   budget {budget if budget is not None else '-':>10}   {verdict}")
        if verdict != "ok":
            over.append(name)
    if over:
        print("\nsyscalls for 20 forwarded signals:\n" + signal_trace)
        print(f"syscalls for {ORPHANS} reaps:\n" + reap_trace)
        sys.exit(f"budgets: over or missing: {', '.join(over)} (docs/benchmarks.md, Budgets)")


if __name__ == "__main__":
    main()
