#!/usr/bin/env python3
"""clawinit side by side with tini, dumb-init and catatonit: one run, one machine, one table.

Every init runs the same way, as PID 1 of a fresh PID namespace
(`unshare --pid --fork --mount-proc INIT [ARGS] -- CHILD`), with the same test child (the repo's
`testchild`, plus `stamp`, a static C program built here that writes CLOCK_MONOTONIC and execs).
Timestamps on both sides are CLOCK_MONOTONIC (Python's time.monotonic_ns()), so a latency is one
subtraction. Children report through FIFOs the benchmark keeps a write end of, so waiting for a
report is a blocking poll(), not a busy loop that would steal the CPU being measured.

This is a program that measures and prints, not a test: it asserts nothing about speed. `bench/run`
is the entry point (it installs the peers and builds clawinit first); run this directly with
--help to point it at other binaries.
"""
import argparse
import datetime
import http.client
import math
import os
import random
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# The /proc tree walk is the integration harness's; one copy serves both.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from harness import children_of, descendants_of  # noqa: E402

NS_PER_US = 1_000
NS_PER_MS = 1_000_000
SIGNAL = signal.SIGUSR2  # forwarded unchanged by every init; no init gives it a meaning
ORPHANS = 10_000
MB = 1_000_000  # targets say MB; taken as 10^6 bytes, the stricter reading

# Full and --quick repetition counts. Quick proves the benchmark works (CI), in seconds.
PLANS = {
    "full": dict(latency=2000, latency_blocks=4, idle_s=10, startup=200, shutdown=100, reaping=7, restart=200,
                 grace=10, wrk_s=10),
    "quick": dict(latency=150, latency_blocks=1, idle_s=3, startup=20, shutdown=10, reaping=1, restart=20,
                  grace=2, wrk_s=2),
}


def now():
    return time.monotonic_ns()


def percentile(values, p):
    """Nearest-rank percentile: an observed value, never an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Stats:
    def __init__(self, values):
        self.values = list(values)
        self.n = len(self.values)
        self.min = min(self.values) if self.values else None
        self.p50 = statistics.median(self.values) if self.values else None
        self.p99 = percentile(self.values, 99) if self.values else None
        self.max = max(self.values) if self.values else None


# -- processes --------------------------------------------------------------------------------

def proc_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def memory(pid):
    """VmRSS, RssAnon and RssFile of a process, in KiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                fields[key] = int(value.split()[0])
    return fields


def status_fields(pid):
    """VmRSS (KiB) of the process and its context switches summed over all its threads."""
    rss, switches = memory(pid)["VmRSS"], 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    switches += int(line.split()[1])
    return rss, switches


def cpu_ns(pid):
    """CPU time a process has run so far, all threads, in ns (schedstat, not 10 ms ticks)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            total += int(f.read().split()[0])
    return total


def wait_until(predicate, timeout, what, poll_s=0.001):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(poll_s)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fifo:
    """A FIFO children write one line per event into. We hold a write end ourselves, so a child
    exiting (and the next one not having opened it yet) never makes poll() report a hang-up."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.keep = os.open(path, os.O_WRONLY)
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN)
        self.buffer = b""

    def read_line(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.poller.poll(left * 1000):
                return None
            try:
                self.buffer += os.read(self.fd, 65536)
            except BlockingIOError:
                pass
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def drain(self):
        while self.read_line(0) is not None:
            pass

    def close(self):
        os.close(self.fd)
        os.close(self.keep)


class Instance:
    """One init as PID 1 of a fresh PID namespace, supervising one child."""

    def __init__(self, variant, child, workdir, tag, env=None):
        self.variant = variant
        self.dir = tempfile.mkdtemp(prefix=f"{variant.key}-{tag}-", dir=workdir)
        self.log = os.path.join(self.dir, "child.log")
        open(self.log, "w").close()
        self.stderr_path = os.path.join(self.dir, "stderr")
        argv = ["unshare", "--pid", "--fork", "--mount-proc", *variant.argv(), *child]
        full_env = dict(os.environ, TESTCHILD_LOG=self.log, **(env or {}))
        with open(self.stderr_path, "wb") as stderr:
            self.t_spawn = now()
            self.proc = subprocess.Popen(argv, env=full_env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=stderr,
                                         start_new_session=True)
        self._pid = None

    @property
    def pid(self):
        """Host pid of the init (unshare's only child)."""
        if self._pid is None:
            found = wait_until(lambda: children_of(self.proc.pid) or self.proc.poll() is not None,
                               10, f"{self.variant.name} to start")
            if found is True:
                raise RuntimeError(f"{self.variant.name} exited at once: {self.stderr()}")
            self._pid = found[0]
        return self._pid

    def lines(self, kind):
        with open(self.log) as f:
            return [line.split() for line in f if line.startswith(kind + " ")]

    def wait_started(self, count=1, timeout=10):
        try:
            wait_until(lambda: len(self.lines("start")) >= count, timeout,
                       f"the child under {self.variant.name}")
        except RuntimeError as error:
            raise RuntimeError(f"{error}; init stderr: {self.stderr()[-500:]}") from None
        return self.pid

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait(self, timeout=30):
        return self.proc.wait(timeout=timeout)

    def kill(self):
        if self.proc.poll() is None:
            try:
                # SIGKILL from the parent namespace always reaches a namespace's init, and its
                # death takes every process in the namespace with it.
                os.kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, RuntimeError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Variant:
    def __init__(self, key, name, binary, prefix, peer, probe_port=None):
        self.key, self.name, self.binary, self.prefix = key, name, binary, prefix
        self.peer = peer
        self.probe_port = probe_port

    def argv(self):
        """The init's argv up to the child; a fresh probe port per instance if it serves one."""
        if self.probe_port is not None:
            self.probe_port = free_port()
            return [self.binary, "--probe-listen", f"127.0.0.1:{self.probe_port}",
                    *self.prefix]
        return [self.binary, *self.prefix]


# -- the measurements -------------------------------------------------------------------------

def round_order(items, round_no):
    """The order of one round: a shuffle seeded by the round, so every init goes first, last and
    after every other one alike. A rotation kept each init's predecessor fixed, and an init that
    follows a clawinit measured 4-8 us slower at p50 (an identical binary in the same run: 55.9
    against 47.9 us, 2026-12-07), whatever it was."""
    order = list(items)
    random.Random(round_no).shuffle(order)
    return order


class Bench:
    def __init__(self, args):
        self.args = args
        self.plan = PLANS["quick" if args.quick else "full"]
        self.workdir = tempfile.mkdtemp(prefix="clawinit-bench-")
        self.instances = []
        self.results = {}
        self.notes = []
        # What makes the run fail (exit 1): clawinit crashed, exited with the wrong code, lost
        # a signal or a restart, or its probe server did not answer. Never a speed.
        self.failures = []
        here = os.path.dirname(os.path.abspath(__file__))
        self.stamp = os.path.join(self.workdir, "stamp")
        subprocess.run(["gcc", "-O2", "-static", "-o", self.stamp,
                        os.path.join(here, "stamp.c")], check=True)
        self.httpref = os.path.join(self.workdir, "httpref")
        subprocess.run(["gcc", "-O2", "-o", self.httpref, os.path.join(here, "httpref.c")],
                       check=True)
        self.child = args.testchild

    def log(self, message):
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def fail(self, message):
        self.log(f"FAILURE: {message}")
        self.failures.append(message)

    def expect_exit(self, instance, code, what):
        """clawinit's own exit code (through unshare, which passes it on)."""
        try:
            rc = instance.wait(timeout=30)
        except subprocess.TimeoutExpired:
            return self.fail(f"{what}: {instance.variant.name} did not exit")
        if rc != code:
            self.fail(f"{what}: {instance.variant.name} exited {rc}, not {code}: "
                      f"{instance.stderr()[-300:]}")

    def start(self, variant, child, tag, env=None):
        instance = Instance(variant, child, self.workdir, tag, env)
        self.instances.append(instance)
        return instance

    def stop(self, instance):
        instance.kill()
        self.instances.remove(instance)

    def cleanup(self):
        for instance in list(self.instances):
            instance.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def fifo(self, name):
        return Fifo(os.path.join(self.workdir, name))

    def installed(self, path, name):
        """A copy of the binary at `path` in the run's own directory, the way every init is run.
        How a file was written decides its page-cache folios, and the folios what an exec and each
        page fault cost: the linker's output started 55-70 us slower than `cp` of the same bytes
        (200 interleaved starts, 2026-12-07), and the peers come from dpkg. Copied alike, every
        init is measured as an installed file (`cp`, `COPY`, dpkg write it in one stream)."""
        directory = os.path.join(self.workdir, "bin")
        os.makedirs(directory, exist_ok=True)
        copy = os.path.join(directory, name)
        shutil.copy2(path, copy)
        return copy

    # -- variants -------------------------------------------------------------------------------
    def setup_variants(self):
        a = self.args
        peers = [("tini", "tini", ["--"]), ("dumb-init", "dumb-init", []),
                 ("catatonit", "catatonit", ["--"])]
        self.peers = []
        for key, binary, prefix in peers:
            path = shutil.which(binary)
            if path:
                self.peers.append(Variant(key, key, self.installed(path, key), prefix, peer=True))
            else:
                self.notes.append(f"{key} is not installed: its column is n/a.")
        a.clawinit = self.installed(a.clawinit, "clawinit")
        a.clawinit_dynamic = self.installed(a.clawinit_dynamic, "clawinit-dyn")
        if a.before:
            a.before = self.installed(a.before, "clawinit-before")
        off = ["--probe-listen", "off", "--"]
        self.claw_off = Variant("clawinit-off", "clawinit --probe-listen off", a.clawinit,
                                off, peer=False)
        # Every build has the probe server: a binary whose /health does not answer is broken,
        # and its figures would not be the shipped clawinit's.
        if not self.detect_probe():
            raise SystemExit("bench: FAILED: the probe server did not answer /health")
        self.claw = Variant("clawinit", "clawinit (probe on)", a.clawinit, ["--"],
                            peer=False, probe_port=0)
        self.claw_dyn = Variant("clawinit-dyn", "clawinit dynamic (probe on)",
                                a.clawinit_dynamic, ["--"], peer=False, probe_port=0)
        # The variants compared in rows 1-5: clawinit as shipped, clawinit without the probe
        # server, and the peers.
        self.compared = [self.claw, self.claw_off] + self.peers
        # --before BIN: another static clawinit (the build before a change) in the same rounds,
        # so a change's before/after comes from one run, with the same busy spells for both.
        self.claw_before = None
        if a.before:
            self.claw_before = Variant("clawinit-before", "clawinit before (probe on)", a.before,
                                       ["--"], peer=False, probe_port=0)
            self.compared.append(self.claw_before)

    def detect_probe(self):
        probe = Variant("probe-check", "clawinit (probe check)", self.args.clawinit, ["--"],
                        peer=False, probe_port=0)
        instance = self.start(probe, [self.child, "sleep"], "detect")
        try:
            instance.wait_started()
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                status = http_status(probe.probe_port, "/health")
                if status is not None:
                    self.log(f"probe server answers /health with {status}")
                    return True
                if instance.proc.poll() is not None:
                    break
                time.sleep(0.05)
            return False
        finally:
            self.stop(instance)

    # -- 1 + 2: idle, then signal latency, on the same instances --------------------------------
    def idle_and_latency(self):
        variants = self.compared + [self.claw_dyn]
        runs = []
        for variant in variants:
            fifo = self.fifo(f"latency-{variant.key}")
            child = [self.child, "record-latency", fifo.path]
            runs.append((variant, self.start(variant, child, "latency"), fifo))
        for _, instance, _ in runs:
            instance.wait_started()
        time.sleep(1)  # let start-up work (page faults, a first probe) settle
        seconds = self.plan["idle_s"]
        self.log(f"idle: {len(runs)} inits side by side for {seconds} s")
        before = {v.key: status_fields(i.pid) for v, i, _ in runs}
        time.sleep(seconds)
        for variant, instance, _ in runs:
            rss, switches = status_fields(instance.pid)
            self.results[("idle", variant.key)] = dict(rss_kib=rss, memory=memory(instance.pid),
                                                       wakeups=switches - before[variant.key][1],
                                                       seconds=seconds)
        samples = {v.key: [] for v, _, _ in runs if v is not self.claw_dyn}
        lost = {key: 0 for key in samples}
        active = [(v, i, f) for v, i, f in runs if v is not self.claw_dyn]
        n = self.plan["latency"]
        # In blocks, each with fresh instances: where the scheduler happens to place an init
        # and its child (same CPU as each other, as the benchmark, or not) stays with the
        # instance, and moved one init's p50 by 20 % against an identical binary in the same
        # run (2026-12-07, `--before` a copy of the same file). New instances per block spread
        # that luck over every init alike.
        blocks = self.plan["latency_blocks"]
        self.log(f"signal latency: {n} x {len(active)} signals, shuffled rounds, in {blocks} blocks "
                 "of fresh instances")
        for block in range(blocks):
            if block:
                fresh = []
                for variant, instance, fifo in active:
                    self.stop(instance)
                    fifo.close()
                    fifo = self.fifo(f"latency-{variant.key}-{block}")
                    child = [self.child, "record-latency", fifo.path]
                    fresh.append((variant, self.start(variant, child, "latency"), fifo))
                active = fresh
                for _, instance, _ in active:
                    instance.wait_started()
                time.sleep(0.5)
            for _, instance, fifo in active:  # warm-up: first-time paths, page faults
                for _ in range(5):
                    self.signal_once(instance, fifo)
            for round_no in range(block * n // blocks, (block + 1) * n // blocks):
                for variant, instance, fifo in round_order(active, round_no):
                    latency = self.signal_once(instance, fifo)
                    if latency is None:
                        lost[variant.key] += 1
                    else:
                        samples[variant.key].append(latency)
                    time.sleep(0.001)
        runs = active + [r for r in runs if r[0] is self.claw_dyn]
        for key, values in samples.items():
            self.results[("latency", key)] = Stats(values)
            if lost[key]:
                message = f"{key}: {lost[key]} of {n} signals never reached the child."
                if key.startswith("clawinit"):
                    self.fail(message)
                else:
                    self.notes.append(message)
        for _, instance, fifo in runs:
            self.stop(instance)
            fifo.close()

    def signal_once(self, instance, fifo, timeout_s=1.0):
        """SIGNAL to the init; the child's receive time minus the send time, in ns."""
        t0 = now()
        os.kill(instance.pid, SIGNAL)
        line = fifo.read_line(timeout_s)
        if line is None:
            return None
        signo, stamp = line.split()
        return int(stamp) - t0 if int(signo) == SIGNAL else None

    # -- 3: startup overhead ----------------------------------------------------------------------
    def startup(self):
        """stamp, exec'ing the init, exec'ing stamp: the two stamps bracket exactly "exec of the
        init -> exec of the child". The baseline is stamp exec'ing stamp with no init between,
        so overhead = the init's own exec, set-up, fork and spawn."""
        baseline = Variant("baseline", "no init", None, [], peer=False)
        variants = [baseline] + self.compared
        n = self.plan["startup"]
        self.log(f"startup: {n} x {len(variants)} starts (stamp -> init -> stamp)")
        deltas = {v.key: [] for v in variants}
        stamp_file = os.path.join(self.workdir, "startup.stamp")
        for round_no in range(n):
            for variant in round_order(variants, round_no):
                open(stamp_file, "w").close()
                init = [] if variant is baseline else variant.argv()
                argv = ["unshare", "--pid", "--fork", "--mount-proc", self.stamp, stamp_file,
                        *init, self.stamp, stamp_file]
                subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                with open(stamp_file) as f:
                    stamps = [int(x) for x in f.read().split()]
                if len(stamps) == 2:
                    deltas[variant.key].append(stamps[1] - stamps[0])
                elif not variant.peer:
                    self.fail(f"startup: the child never ran under {variant.name}")
        base = Stats(deltas["baseline"])
        self.results[("startup", "baseline")] = base
        for variant in self.compared:
            stats = Stats(deltas[variant.key])
            self.results[("startup", variant.key)] = stats
            self.results[("startup-overhead", variant.key)] = dict(
                p50=stats.p50 - base.p50, min=stats.min - base.min, stats=stats)

    # -- 4: shutdown ------------------------------------------------------------------------------
    def shutdown(self):
        n = self.plan["shutdown"]
        self.log(f"shutdown: {n} x {len(self.compared)} SIGTERMs")
        times = {v.key: [] for v in self.compared}
        for round_no in range(n):
            order = round_order(self.compared, round_no)
            running = [(v, self.start(v, [self.child, "sleep"], "shutdown")) for v in order]
            for _, instance in running:
                instance.wait_started()
            for variant, instance in running:
                elapsed = self.time_to_exit(instance, signal.SIGTERM, 10)
                if elapsed is not None:
                    times[variant.key].append(elapsed)
                if not variant.peer:  # the child exits 0 on SIGTERM, and so must clawinit
                    self.expect_exit(instance, 0, "shutdown")
                self.stop(instance)
        for key, values in times.items():
            self.results[("shutdown", key)] = Stats(values)

    def time_to_exit(self, instance, signo, timeout_s):
        """Send signo to the init; ns until the init has exited (pidfd readable)."""
        pidfd = os.pidfd_open(instance.pid)
        try:
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            t0 = now()
            os.kill(instance.pid, signo)
            if not poller.poll(timeout_s * 1000):
                return None
            return now() - t0
        finally:
            os.close(pidfd)

    # -- 5: reaping -------------------------------------------------------------------------------
    def reaping(self):
        n = self.plan["reaping"]
        self.log(f"reaping: {n} x {len(self.compared)} x {ORPHANS} orphans")
        script = f"{self.child} orphans {ORPHANS} && exec {self.child} sleep"
        times = {v.key: [] for v in self.compared}
        cpu = {v.key: [] for v in self.compared}
        left = {v.key: 0 for v in self.compared}
        failures = {v.key: 0 for v in self.compared}
        for round_no in range(n):
            for variant in round_order(self.compared, round_no):
                result = self.reap_once(variant, script)
                if result is None:
                    failures[variant.key] += 1
                    continue
                elapsed, used, zombies = result
                times[variant.key].append(elapsed)
                cpu[variant.key].append(used)
                left[variant.key] = max(left[variant.key], zombies)
        for variant in self.compared:
            self.results[("reaping", variant.key)] = dict(stats=Stats(times[variant.key]),
                                                          cpu=Stats(cpu[variant.key]),
                                                          left=left[variant.key])
            if failures[variant.key]:
                self.notes.append(f"reaping under {variant.key}: {failures[variant.key]} "
                                  f"run(s) not measured (orphan maker not caught or timeout).")
            if not variant.peer and left[variant.key]:
                self.fail(f"reaping under {variant.key}: {left[variant.key]} zombies left")

    def reap_once(self, variant, script):
        instance = self.start(variant, ["/bin/sh", "-c", script], "reap")
        try:
            init = instance.pid
            shell = wait_until(lambda: children_of(init), 10, "the shell")[0]
            # The orphan maker is the shell's child while it clones; its exit orphans them all
            # at once (they wait on a pipe only it writes to).
            maker = wait_until(lambda: children_of(shell) or instance.lines("orphans"), 10,
                               "the orphan maker", poll_s=0.0002)
            if not isinstance(maker[0], int):
                return None
            try:
                pidfd = os.pidfd_open(maker[0])
            except ProcessLookupError:
                return None
            cpu_before = cpu_ns(init)
            try:
                poller = select.poll()
                poller.register(pidfd, select.POLLIN)
                if not poller.poll(60_000):
                    return None
                t_exit = now()
            finally:
                os.close(pidfd)
            # Zombies stay on their parent's children list until reaped: done when only the
            # main child is left there.
            deadline = time.monotonic() + 60
            while len(children_of(init)) > 1 and time.monotonic() < deadline:
                time.sleep(0.0005)
            t_done = now()
            used = cpu_ns(init) - cpu_before
            time.sleep(0.2)
            zombies = sum(1 for p in descendants_of(init) if proc_state(p) == "Z")
            return t_done - t_exit, used, zombies
        finally:
            self.stop(instance)

    # -- 6: in-container restart (clawinit only) ----------------------------------------------
    def restart(self):
        n = self.plan["restart"]
        self.log(f"restart: {n} x SIGUSR1 to clawinit")
        started, received = self.fifo("restart-stamp"), self.fifo("restart-record")
        child = [self.stamp, started.path, self.child, "record-latency", received.path,
                 "--usr1-exit", "1"]
        instance = self.start(self.claw, child, "restart")
        totals, beyond, lost, sent = [], [], 0, 0
        try:
            instance.wait_started()
            if started.read_line(10) is None:
                raise RuntimeError("restart: the first child never stamped")
            for _ in range(n):
                time.sleep(0.002)
                t0 = now()
                os.kill(instance.pid, signal.SIGUSR1)
                sent += 1
                got = received.read_line(5)
                new = started.read_line(5)
                if got is None or new is None:
                    lost += 1
                    started.drain()
                    received.drain()
                    continue
                totals.append(int(new) - t0)
                beyond.append(int(new) - int(got.split()[1]))
                # The next restart only once the new child is ready for its signal.
                instance.wait_started(1 + sent)
        finally:
            self.stop(instance)
            started.close()
            received.close()
        if lost:
            self.fail(f"restart: {lost} of {n} restarts not observed within 5 s.")
        self.results[("restart", "total")] = Stats(totals)
        self.results[("restart", "beyond")] = Stats(beyond)

    # -- 7: grace accuracy (clawinit only) ------------------------------------------------------
    def grace(self):
        n = self.plan["grace"]
        self.log(f"grace: {n} x (--grace 1s, child ignores SIGTERM)")
        variant = Variant("clawinit-grace", self.claw.name, self.claw.binary,
                          ["--grace", "1s", *self.claw.prefix], peer=False,
                          probe_port=self.claw.probe_port)
        errors = []
        for _ in range(n):
            instance = self.start(variant, [self.child, "sleep", "--ignore-term"], "grace")
            try:
                instance.wait_started()
                elapsed = self.time_to_exit(instance, signal.SIGTERM, 10)
                if elapsed is not None:
                    errors.append(elapsed - 1_000 * NS_PER_MS)
                # Killed at the grace limit: 128 + SIGKILL.
                self.expect_exit(instance, 137, "grace")
            finally:
                self.stop(instance)
        self.results[("grace", "clawinit")] = Stats(errors)

    # -- 8: probe server under wrk ---------------------------------------------------------------
    def probe(self):
        if not shutil.which("wrk"):
            self.notes.append("wrk is not installed: probe row not measured.")
            return
        seconds = self.plan["wrk_s"]
        fifo = self.fifo("probe-latency")
        instance = self.start(self.claw, [self.child, "record-latency", fifo.path], "probe")
        try:
            instance.wait_started()
            cpus = sorted(os.sched_getaffinity(0))
            pinned = len(cpus) >= 2
            if pinned:
                # clawinit alone on one core (its child was spawned before, so it keeps all of
                # them); wrk on another, so the figure is clawinit's, not the contention's.
                os.sched_setaffinity(instance.pid, {cpus[0]})
            n = self.plan["latency"]
            for _ in range(5):  # warm-up, as in row 1
                self.signal_once(instance, fifo)
            idle = []
            for _ in range(n):
                value = self.signal_once(instance, fifo)
                if value is not None:
                    idle.append(value)
                time.sleep(0.001)
            url = f"http://127.0.0.1:{self.claw.probe_port}/health"
            wrk = ["wrk", "-t1", "-c50", f"-d{seconds}s", "--latency", url]
            if pinned:
                wrk = ["taskset", "-c", str(cpus[1]), *wrk]
            self.log(f"probe: {' '.join(wrk)}, signals sampled meanwhile")
            proc = subprocess.Popen(wrk, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
            time.sleep(0.3)
            loaded = []
            stop_at = time.monotonic() + seconds - 0.6
            while len(loaded) < n and time.monotonic() < stop_at:
                value = self.signal_once(instance, fifo)
                if value is not None:
                    loaded.append(value)
                time.sleep(0.001)
            output, _ = proc.communicate(timeout=seconds + 30)
            if http_status(self.claw.probe_port, "/health") != 200:
                self.fail("probe: /health does not answer 200 after the wrk run")
            if instance.proc.poll() is not None:
                self.fail(f"probe: clawinit died under wrk: {instance.stderr()[-300:]}")
            rss, _ = status_fields(instance.pid)
            self.results[("probe", "clawinit")] = dict(
                wrk=parse_wrk(output), idle=Stats(idle), loaded=Stats(loaded), pinned=pinned,
                rss_after=rss, raw=output, reference=self.http_reference(cpus, pinned))
            if proc.returncode != 0:
                self.fail(f"wrk exited {proc.returncode}: {output.strip()[-300:]}")
        finally:
            self.stop(instance)
            fifo.close()

    def http_reference(self, cpus, pinned):
        """The same wrk against httpref (bench/httpref.c), a bare epoll responder on the same
        core: what this machine's loopback, syscalls and wrk allow at all. Meanwhile, signal
        latency through an idle clawinit (probe off) pinned to that same core: the control for
        row 8b, the same load on the machine without clawinit being the loaded process."""
        port = free_port()
        server = [self.httpref, str(port)]
        client = ["wrk", "-t1", "-c50", f"-d{self.plan['wrk_s']}s", "--latency",
                  f"http://127.0.0.1:{port}/health"]
        if pinned:
            server = ["taskset", "-c", str(cpus[0]), *server]
            client = ["taskset", "-c", str(cpus[1]), *client]
        fifo = self.fifo("probe-control")
        control = self.start(self.claw_off, [self.child, "record-latency", fifo.path],
                             "probe-control")
        proc = subprocess.Popen(server, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            control.wait_started()
            if pinned:
                os.sched_setaffinity(control.pid, {cpus[0]})
            for _ in range(5):
                self.signal_once(control, fifo)
            wait_until(lambda: http_status(port, "/health") is not None, 5, "httpref")
            self.log("probe: the same wrk against a minimal C epoll server, for reference "
                     "(signals to an idle clawinit on its core meanwhile)")
            load = subprocess.Popen(client, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
            time.sleep(0.3)
            sampled = []
            stop_at = time.monotonic() + self.plan["wrk_s"] - 0.6
            while len(sampled) < self.plan["latency"] and time.monotonic() < stop_at:
                value = self.signal_once(control, fifo)
                if value is not None:
                    sampled.append(value)
                time.sleep(0.001)
            output, _ = load.communicate(timeout=self.plan["wrk_s"] + 30)
            reference = parse_wrk(output)
            reference["control"] = Stats(sampled)
            return reference
        finally:
            proc.kill()
            proc.wait()
            self.stop(control)
            fifo.close()

    # -- 9: binaries ------------------------------------------------------------------------------
    def binaries(self):
        sizes = {}
        for key, path in (("clawinit", self.args.clawinit),
                          ("clawinit-dyn", self.args.clawinit_dynamic)):
            stripped = os.path.join(self.workdir, key + ".stripped")
            shutil.copy(path, stripped)
            subprocess.run(["strip", stripped], check=True)
            sizes[key] = dict(bytes=os.path.getsize(stripped), static=is_static(stripped),
                              path=path)
        for variant in self.peers:
            path = variant.binary
            static_path = shutil.which(f"{variant.key}-static")
            if static_path and not is_static(path):
                path = static_path  # tini ships both; the row compares static binaries
            sizes[variant.key] = dict(bytes=os.path.getsize(path), static=is_static(path),
                                      path=path)
        self.results["sizes"] = sizes

    def run(self):
        started = time.monotonic()
        self.load_before = loadavg()
        self.idle_before = cpu_idle_share()
        if self.idle_before < 0.9:
            self.log(f"warning: the CPUs are only {self.idle_before:.0%} idle before the run; "
                     "figures will be noisy")
        self.setup_variants()
        self.idle_and_latency()
        self.startup()
        self.shutdown()
        self.reaping()
        self.restart()
        self.grace()
        self.probe()
        self.binaries()
        self.elapsed = time.monotonic() - started


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_idle_share(seconds=1.0):
    """Share of all CPUs idle over the next `seconds` (/proc/stat): whether something else is
    running right now, which the load average (a minutes-long decay) cannot tell."""
    def sample():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return values[3] + values[4], sum(values)  # idle + iowait, total
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def http_status(port, path):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
        connection.request("GET", path)
        status = connection.getresponse().status
        connection.close()
        return status
    except (OSError, http.client.HTTPException):
        return None


def is_static(path):
    """True when the ELF file has no PT_INTERP program header (no dynamic loader)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            return False
        phoff = int.from_bytes(head[32:40], "little")
        phentsize = int.from_bytes(head[54:56], "little")
        phnum = int.from_bytes(head[56:58], "little")
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(int.from_bytes(table[i * phentsize:i * phentsize + 4], "little") != 3
               for i in range(phnum))


def parse_duration_ns(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    scale = {"us": NS_PER_US, "ms": NS_PER_MS, "s": 1_000 * NS_PER_MS, "m": 60_000 * NS_PER_MS}
    return float(number) * scale[unit]


def parse_wrk(output):
    result = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(match.group(1)) if match else None
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M)
        result[f"p{pct}"] = parse_duration_ns(match.group(1)) if match else None
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non2xx"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors:(.*)", output)
    result["socket_errors"] = match.group(1).strip() if match else ""
    return result


# -- the report -------------------------------------------------------------------------------

def us(ns):
    return "n/a" if ns is None else f"{ns / NS_PER_US:.1f}"


def ms(ns, digits=2):
    return "n/a" if ns is None else f"{ns / NS_PER_MS:.{digits}f}"


def ratio(mine, peers):
    """mine / best (lowest) peer, or None."""
    values = [p for p in peers if p is not None]
    if mine is None or not values or min(values) <= 0:
        return None
    return mine / min(values)


def verdict(ok, close=False):
    return "yes" if ok else ("**≈** (missed by < 10 %)" if close else "**no**")


def ratio_verdict(*ratios, limit=1.0):
    if any(r is None for r in ratios):
        return "n/a"
    return verdict(all(r <= limit for r in ratios), all(r <= limit * 1.1 for r in ratios))


def fmt_ratio(*ratios):
    return " / ".join("n/a" if r is None else f"{r:.2f}" for r in ratios)


class Report:
    def __init__(self, bench):
        self.b = bench
        self.r = bench.results
        self.rows = []
        self.details = []

    def peer_cells(self, fn):
        cells = {}
        for key in ("tini", "dumb-init", "catatonit"):
            variant = next((v for v in self.b.peers if v.key == key), None)
            cells[key] = fn(variant.key) if variant else "n/a"
        return cells

    def add(self, figure, claw, peers, ratio_text, target, met):
        self.rows.append([figure, claw, peers.get("tini", "—"), peers.get("dumb-init", "—"),
                          peers.get("catatonit", "—"), ratio_text, target, met])

    def build(self):
        b, r = self.b, self.r
        claw, off = b.claw.key, b.claw_off.key
        peer_keys = [v.key for v in b.peers]
        na_peers = {k: "n/a" for k in ("tini", "dumb-init", "catatonit")}

        # 1. signal latency
        lat = {k: r[("latency", k)] for k in [claw, off] + peer_keys}
        r50 = ratio(lat[claw].p50, [lat[k].p50 for k in peer_keys])
        r99 = ratio(lat[claw].p99, [lat[k].p99 for k in peer_keys])
        cell = lambda k: f"{us(lat[k].p50)} / {us(lat[k].p99)}"
        self.add("1. signal forwarding latency, p50 / p99 (µs)", cell(claw),
                 self.peer_cells(cell), fmt_ratio(r50, r99), "ratio ≤ 1.0 (p50 and p99)",
                 ratio_verdict(r50, r99))
        o50 = ratio(lat[off].p50, [lat[k].p50 for k in peer_keys])
        o99 = ratio(lat[off].p99, [lat[k].p99 for k in peer_keys])
        self.add("1b. same, clawinit `--probe-listen off`", cell(off), {}, fmt_ratio(o50, o99),
                 "(reference)", "")
        # 2. idle
        idle = {k: r[("idle", k)] for k in [claw, off, b.claw_dyn.key] + peer_keys}
        seconds = idle[claw]["seconds"]
        wake = lambda k: str(idle[k]["wakeups"])
        self.add(f"2a. idle wakeups (context switches in {seconds} s)", wake(claw),
                 self.peer_cells(wake), "—", "0", verdict(idle[claw]["wakeups"] == 0))
        rss = lambda k: f"{idle[k]['rss_kib']}"
        r_rss = ratio(idle[claw]["rss_kib"], [idle[k]["rss_kib"] for k in peer_keys])
        self.add("2b. idle RSS (kB, as /proc says: KiB)", rss(claw), self.peer_cells(rss),
                 fmt_ratio(r_rss), "≤ 800 kB", verdict(idle[claw]["rss_kib"] <= 800,
                                                      idle[claw]["rss_kib"] <= 880))
        # 3. startup
        over = {k: r[("startup-overhead", k)] for k in [claw, off] + peer_keys}
        base = r[("startup", "baseline")]
        cell = lambda k: f"{us(over[k]['p50'])} (min {us(over[k]['min'])})"
        r_start = ratio(over[claw]["p50"], [over[k]["p50"] for k in peer_keys])
        self.add("3. startup overhead: init exec → child exec, minus one bare exec; p50 (min) µs",
                 cell(claw), self.peer_cells(cell), fmt_ratio(r_start), "≤ best peer",
                 ratio_verdict(r_start))
        # 4. shutdown
        down = {k: r[("shutdown", k)] for k in [claw, off] + peer_keys}
        cell = lambda k: f"{ms(down[k].p50)} / {ms(down[k].p99)}"
        d50 = ratio(down[claw].p50, [down[k].p50 for k in peer_keys])
        d99 = ratio(down[claw].p99, [down[k].p99 for k in peer_keys])
        self.add("4. shutdown: SIGTERM → init exited, p50 / p99 (ms)", cell(claw),
                 self.peer_cells(cell), fmt_ratio(d50, d99), "≤ best peer (p50 and p99)",
                 ratio_verdict(d50, d99))
        # 5. reaping
        reap = {k: r[("reaping", k)] for k in [claw, off] + peer_keys}
        cell = lambda k: (f"{ms(reap[k]['stats'].p50, 1)} (min {ms(reap[k]['stats'].min, 1)}); "
                          f"CPU {ms(reap[k]['cpu'].p50, 1)}; {reap[k]['left']} left")
        r_reap = ratio(reap[claw]["stats"].p50, [reap[k]["stats"].p50 for k in peer_keys])
        ok = reap[claw]["left"] == 0 and r_reap is not None
        self.add(f"5. reaping {ORPHANS} orphans: maker exit → none left, p50 (min) ms; the "
                 "init's CPU time meanwhile, p50 ms; zombies left", cell(claw), self.peer_cells(cell), fmt_ratio(r_reap),
                 "≤ best peer, 0 left",
                 verdict(ok and r_reap <= 1.0, ok and r_reap <= 1.1) if r_reap else "n/a")
        # 6. restart
        total, beyond = r[("restart", "total")], r[("restart", "beyond")]
        # The new child's own start is one exec: the bare exec of row 3's baseline.
        own = beyond.p50 - base.p50 if beyond.n and base.n else None
        self.add("6. in-container restart: SIGUSR1 → new child exec'd, p50 / p99 (ms); old "
                 "child got SIGUSR1 → new child exec'd, p50; that minus a bare exec (row 3)",
                 f"{ms(total.p50)} / {ms(total.p99)}; {ms(beyond.p50)}; {ms(own)}",
                 {k: "n/a: container restart needed" for k in peer_keys}, "—",
                 "p50 ≤ 2 ms beyond the child's exit and start",
                 verdict(own is not None and own <= 2 * NS_PER_MS,
                         own is not None and own <= 2.2 * NS_PER_MS))
        # 7. grace
        g = r[("grace", "clawinit")]
        worst = max(abs(g.min), abs(g.max)) if g.n else None
        self.add("7. grace accuracy: `--grace 1s`, child ignores TERM; error from 1 s, p50 "
                 "(min … max) ms", f"{ms(g.p50, 1)} ({ms(g.min, 1)} … {ms(g.max, 1)})",
                 {k: "n/a: no grace timeout" for k in peer_keys}, "—", "|error| ≤ 20 ms",
                 verdict(worst is not None and worst <= 20 * NS_PER_MS,
                         worst is not None and worst <= 22 * NS_PER_MS))
        # 8. probe
        p = r.get(("probe", "clawinit"))
        if p:
            w = p["wrk"]
            rps = "n/a" if w["rps"] is None else f"{w['rps']:,.0f}"
            ref = p["reference"]["rps"]
            share = (f" ({w['rps'] / ref:.0%} of a bare C epoll server's {ref:,.0f})"
                     if ref and w["rps"] else "")
            core = "1 core" if p["pinned"] else "unpinned"
            self.add(f"8a. probe `/health` with wrk -c50 ({core}): req/s; latency p50 / p99 (ms)",
                     f"{rps}{share}; {ms(w['p50'])} / {ms(w['p99'])}", na_peers, "—",
                     "≥ 50 000 req/s on one core",
                     verdict(w["rps"] is not None and w["rps"] >= 50_000 and p["pinned"],
                             w["rps"] is not None and w["rps"] >= 45_000 and p["pinned"]))
            factor = (p["loaded"].p99 / p["idle"].p99) if p["loaded"].n and p["idle"].n else None
            self.add("8b. signal latency under that load vs idle, p99 (µs)",
                     f"{us(p['loaded'].p99)} vs {us(p['idle'].p99)} "
                     f"(×{factor:.2f})" if factor else "n/a", na_peers, "—",
                     "≤ 2 × idle p99",
                     verdict(factor is not None and factor <= 2.0,
                             factor is not None and factor <= 2.2))
            control = (p.get("reference") or {}).get("control")
            if control is not None and control.n:
                self.add("8c. control: the same wrk on a bare C server on clawinit's core, "
                         "signals through an idle clawinit there, p99 (µs)",
                         f"{us(control.p99)} (×{control.p99 / p['idle'].p99:.2f} the idle p99)"
                         if p["idle"].n else us(control.p99), na_peers, "—", "(reference)", "")
        else:
            self.add("8. probe server (`/health` req/s, signal p99 under load)",
                     "n/a (wrk not installed)", na_peers, "—",
                     "≥ 50 000 req/s; p99 ≤ 2 × idle", "n/a")
        # 9. binaries
        sizes = r["sizes"]
        size = lambda k: (f"{sizes[k]['bytes'] / MB:.2f}"
                          + ("" if sizes[k]["static"] else " (dynamic)"))
        # Only static peers are a like-for-like comparison (Debian's dumb-init is dynamic).
        r_size = ratio(sizes["clawinit"]["bytes"],
                       [sizes[k]["bytes"] for k in peer_keys if sizes[k]["static"]])
        self.add("9a. binary size, static, stripped (MB); ratio vs static peers",
                 size("clawinit"), self.peer_cells(size), fmt_ratio(r_size), "≤ 1.5 MB",
                 verdict(sizes["clawinit"]["bytes"] <= 1.5 * MB,
                         sizes["clawinit"]["bytes"] <= 1.65 * MB))
        dyn = b.claw_dyn.key
        self.add("9b. clawinit idle RSS, static vs dynamic (kB); dynamic binary stripped (MB)",
                 f"{rss(claw)} vs {rss(dyn)}; {sizes['clawinit-dyn']['bytes'] / MB:.2f}",
                 {}, "—", "(reference)", "")

    def details_text(self):
        b, r = self.b, self.r
        lines = []
        names = {v.key: v.name for v in b.compared + [b.claw_dyn]}
        lines.append("Per init, n / min / p50 / p99 / max:")
        lines.append("")
        lines.append("| figure | init | n | min | p50 | p99 | max |")
        lines.append("|---|---|---|---|---|---|---|")

        def row(figure, key, stats, unit):
            f = us if unit == "µs" else ms
            lines.append(f"| {figure} ({unit}) | {names.get(key, key)} | {stats.n} | "
                         f"{f(stats.min)} | {f(stats.p50)} | {f(stats.p99)} | {f(stats.max)} |")

        for v in b.compared:
            row("signal latency", v.key, r[("latency", v.key)], "µs")
        row("exec → child exec, no init (bare exec)", "baseline", r[("startup", "baseline")], "µs")
        for v in b.compared:
            row("init exec → child exec", v.key, r[("startup", v.key)], "µs")
        for v in b.compared:
            row("shutdown", v.key, r[("shutdown", v.key)], "ms")
        for v in b.compared:
            row("reaping", v.key, r[("reaping", v.key)]["stats"], "ms")
        for v in b.compared:
            row("reaping, the init's CPU time", v.key, r[("reaping", v.key)]["cpu"], "ms")
        row("restart, total", "clawinit", r[("restart", "total")], "ms")
        row("restart, beyond the child", "clawinit", r[("restart", "beyond")], "ms")
        row("grace error", "clawinit", r[("grace", "clawinit")], "ms")
        p = r.get(("probe", "clawinit"))
        if p:
            row("signal latency, probe idle (pinned)", b.claw.key, p["idle"], "µs")
            row("signal latency, under wrk", b.claw.key, p["loaded"], "µs")
        lines.append("")
        idle = ", ".join(f"{names[k]} {r[('idle', k)]['rss_kib']} KiB "
                         f"({r[('idle', k)]['memory'].get('RssAnon', '?')} anon + "
                         f"{r[('idle', k)]['memory'].get('RssFile', '?')} file) / "
                         f"{r[('idle', k)]['wakeups']} switches"
                         for k in [v.key for v in b.compared + [b.claw_dyn]])
        lines.append(f"Idle RSS (anonymous + file-backed) / context switches: {idle}.")
        sizes = ", ".join(f"{k} {v['bytes']:,} B ({'static' if v['static'] else 'dynamic'}, "
                          f"{os.path.basename(v['path'])})" for k, v in r["sizes"].items())
        lines.append(f"Binaries (stripped): {sizes}.")
        if p:
            w = p["wrk"]
            extra = []
            if w["non2xx"]:
                extra.append(f"{w['non2xx']} non-2xx answers")
            if w["socket_errors"]:
                extra.append(f"socket errors: {w['socket_errors']}")
            ref = p["reference"]
            lines.append(f"Reference for row 8: bench/httpref.c (one thread, epoll, a fixed answer, "
                         f"no parsing) under the same wrk: "
                         f"{ref['rps'] or 0:,.0f} req/s, p50 {ms(ref['p50'])} ms, "
                         f"p99 {ms(ref['p99'])} ms.")
            lines.append(f"clawinit RSS after the wrk run: {p['rss_after']} KiB"
                         + (f"; wrk: {'; '.join(extra)}" if extra else "") + ".")
        return lines

    def markdown(self, meta):
        header = ["figure", "clawinit", "tini", "dumb-init", "catatonit",
                  "clawinit / best peer", "target", "met?"]
        out = [f"Run: {meta['date']} · {meta['mode']} mode · {meta['elapsed']:.0f} s · "
               f"commit `{meta['commit']}`",
               f"Machine: {meta['nproc']} CPUs, {meta['cpu']}, Linux {meta['kernel']}; "
               f"before the run: CPUs {meta['idle_before']:.0%} idle, load average "
               f"{meta['load_before']}; "
               f"nice {meta['nice']}",
               f"clawinit column: {meta['claw']}; signal sent: SIGUSR2; peers: "
               f"{meta['peers']}.", "",
               "| " + " | ".join(header) + " |",
               "|" + "---|" * len(header)]
        for row in self.rows:
            out.append("| " + " | ".join(row) + " |")
        out.append("")
        out.extend(self.details_text())
        if self.b.notes:
            out.append("")
            out.append("Notes:")
            out.extend(f"- {note}" for note in self.b.notes)
        return "\n".join(out) + "\n"


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True).stdout


def machine_meta(args, bench):
    commit = git(args.repo, "rev-parse", "--short", "HEAD").strip() or "unknown"
    if git(args.repo, "status", "--porcelain").strip():
        commit += "+dirty"
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = []
    for variant in bench.peers:
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", variant.key],
                                 capture_output=True, text=True).stdout.strip()
        versions.append(f"{variant.key} {version or '?'}")
    claw = "static, `--probe-listen 127.0.0.1:PORT` (probe server on)"
    return dict(date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                mode="quick" if args.quick else "full", elapsed=bench.elapsed, commit=commit,
                nproc=os.cpu_count(), cpu=cpu, load_before=bench.load_before,
                idle_before=bench.idle_before, nice=os.nice(0), kernel=os.uname().release, claw=claw,
                peers=", ".join(versions) + " (Debian packages)")


def write_docs(path, generated):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    text = open(path).read() if os.path.exists(path) else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(path, "w") as f:
        f.write(f"{head}{begin}\n{generated}{end}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions (CI smoke run)")
    parser.add_argument("--clawinit", required=True, help="static clawinit binary")
    parser.add_argument("--clawinit-dynamic", required=True, help="dynamic clawinit binary")
    parser.add_argument("--testchild", required=True, help="the repo's testchild binary")
    parser.add_argument("--repo", required=True, help="git checkout (for the commit id)")
    parser.add_argument("--docs", help="markdown file to write the table into")
    parser.add_argument("--before", help="a second static clawinit (before a change), run in the "
                        "same rounds; its figures are listed per init, never written to --docs")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: needs root (unshare --pid)")

    bench = Bench(args)
    try:
        bench.run()
    finally:
        bench.cleanup()
    report = Report(bench)
    report.build()
    generated = report.markdown(machine_meta(args, bench))
    print(generated)
    if bench.failures:
        print("bench: FAILED (behaviour, not speed):", file=sys.stderr)
        for failure in bench.failures:
            print(f"  - {failure}", file=sys.stderr)
        sys.exit(1)
    if args.docs and not args.before:
        write_docs(args.docs, generated)
        print(f"written into {args.docs}", file=sys.stderr)


if __name__ == "__main__":
    main()
