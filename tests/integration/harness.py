"""Drive the real clawinit binary the way a container runtime does: as PID 1 of a fresh PID
namespace (unshare --pid --fork --mount-proc) or as a plain subreaper, with real signals.

Waiting is always "poll until the condition holds or a generous deadline passes": tests assert
behaviour, never speed, so a loaded 2-core CI machine only makes them slower, not red.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

CLAWINIT = os.environ.get("TEST_CLAWINIT", "../../build/clawinit")
GATEWAY = os.environ.get("TEST_GATEWAY", "../../build/example-gateway")
CHILD = os.environ.get("TEST_CHILD", "../../build/testchild")
PATIENCE = float(os.environ.get("TEST_PATIENCE", "30"))  # seconds; a deadline, not a target
# tests/helpers/exit_hold.cpp: holds clawinit at its _exit so "no process left" is checked
# while clawinit (and with it, as PID 1, its namespace) still exists.
EXIT_HOLD = os.environ.get("TEST_EXIT_HOLD_SHIM", "../../build/tests/libexit_hold.so")

# tests/sanitize.sh runs the suites with every binary built with ASan+UBSan
# (TEST_SANITIZED=asan) or with clawinit under valgrind (TEST_SANITIZED=valgrind). The tools
# inflate time and memory by themselves, so a bound about speed or memory is multiplied by
# these factors; a bound about behaviour (exit codes, exact counts, zombies, fds) never is.
#  - time: ASan code runs 2-3x slower, and each process start maps the shadow memory and each
#    exit runs the leak check: `testchild exit 3` takes 70-110 ms instead of 10-20 ms, and
#    state_torture's first save comes 30-40 ms after its start instead of 1-2 ms. Valgrind
#    translates clawinit's code as it runs: 20-50x slower.
#  - memory: ASan keeps every freed block poisoned in its quarantine (that is how it reports a
#    use after free), and its allocator keeps freed memory in per-size free lists, so VmRSS
#    after an attack measures how much was allocated and freed, not what clawinit kept: the
#    hostile-HTTP attacks grow an ASan clawinit by 11-60 MB on a slow host, by 210 MB on a host
#    that answers twice as many requests in the same seconds (the default 256 MB quarantine
#    filling up), and by 2-3 MB with quarantine_size_mb=0. tests/sanitize.sh caps the
#    quarantine at 32 MB, which the factor covers with room for ASan's redzones and free lists
#    (the pipelined flood: +51 MB with this cap, +100 MB with 64 MB, +60 kB without ASan).
#    No memory bound runs under valgrind.
SANITIZED = os.environ.get("TEST_SANITIZED", "")
# Set only by tests/qemu/run.sh: a static arm64 clawinit under qemu-user loads no LD_PRELOAD
# shim, so what it leaves at its _exit cannot be seen there (it is checked natively, under ASan
# and valgrind). assert_gone then checks only that it exited; everything a test checks while
# clawinit lives (reaped zombies, signals in the helpers' logs) still runs.
EXIT_UNOBSERVABLE = os.environ.get("TEST_EXIT_UNOBSERVABLE") == "1"
TIME_FACTOR, MEMORY_FACTOR = {"": (1, 1), "asan": (10, 16), "valgrind": (50, 1)}[SANITIZED]


# Real HTTP and free ports, for every module that talks to the probe server.
def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def get(port, path, method="GET", host="127.0.0.1", timeout=10):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode(), dict(resp.getheaders())
    finally:
        conn.close()


def wait_for(predicate, timeout=PATIENCE, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def descendants_of(pid):
    found, todo = [], [pid]
    while todo:
        for child in children_of(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def kill_shell_and_tree(sh, pids):
    """Cleanup for a test that starts clawinit under a shell of its own: SIGKILL the given
    pids (gone ones are fine), then the shell, and reap it."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if sh.poll() is None:
        sh.kill()
    sh.wait()


def proc_state(pid):
    """(state letter, ppid) of a host pid, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return rest[0], int(rest[1])
    except (OSError, IndexError):
        return None


def ns_pid(pid):
    """A host pid's number inside its innermost PID namespace, or None once it is gone (a
    child found a moment ago can be reaped before its status is read)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return int(line.split()[-1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return pid


class Run:
    """One clawinit run. `pid1=True` puts it at PID 1 of a new PID namespace; `net=True` also
    gives it a network namespace of its own (loopback up), as a container has: default ports
    such as the probe server's 8899 are then free whatever the host runs."""

    def __init__(self, args, command, pid1=True, env=None, net=False, prelude=None):
        self.dir = tempfile.TemporaryDirectory(prefix="clawinit-it-")
        self.log = os.path.join(self.dir.name, "child.log")
        self.stderr_path = os.path.join(self.dir.name, "stderr")
        # A child running under --user must still be able to write its log.
        os.chmod(self.dir.name, 0o777)
        open(self.log, "w").close()
        os.chmod(self.log, 0o666)
        full_env = dict(os.environ, TESTCHILD_LOG=self.log)
        full_env.update(env or {})
        # The exit hold: clawinit writes hold.exiting at its _exit and waits for hold.release;
        # in between, self.left_at_exit lists its descendants (see _observe_exit).
        self.hold = os.path.join(self.dir.name, "hold")
        self.left_at_exit = None
        if os.path.exists(EXIT_HOLD):
            preload = [EXIT_HOLD] + [p for p in full_env.get("LD_PRELOAD", "").split(":") if p]
            full_env["LD_PRELOAD"] = ":".join(preload)
            full_env["TEST_EXIT_HOLD"] = self.hold
            if SANITIZED == "asan":  # ASan wants its runtime first; the shim comes first
                full_env["ASAN_OPTIONS"] = (full_env.get("ASAN_OPTIONS", "")
                                            + ":verify_asan_link_order=0")
        argv = [CLAWINIT, *args, "--", *command]
        if pid1 and net:
            # unshare forks the shell into the namespaces; it brings lo up and execs clawinit,
            # which keeps the shell's pid 1.
            argv = ["unshare", "--pid", "--net", "--fork", "--mount-proc",
                    "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *argv]
        elif pid1 and prelude:
            # `prelude`: shell commands run in the new namespaces just before clawinit execs
            # into the shell's pid 1, e.g. bind mounts over /etc files (--mount-proc's mount
            # namespace is private, so the host never sees them).
            argv = ["unshare", "--pid", "--fork", "--mount-proc",
                    "sh", "-c", prelude + ' && exec "$@"', "sh", *argv]
        elif pid1:
            argv = ["unshare", "--pid", "--fork", "--mount-proc", *argv]
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(argv, env=full_env, stdout=subprocess.DEVNULL,
                                     stderr=self._stderr, start_new_session=True)
        self.pid1 = pid1
        if pid1:
            # unshare forks clawinit into the namespace; signals go to that child.
            # A clawinit that fails fast may be gone before we look; then there is nothing to
            # signal and the exit code tells the story.
            found = wait_for(lambda: children_of(self.proc.pid) or
                             (self.proc.poll() is not None and [None]),
                             what="clawinit to start in its namespace")
            self.pid = found[0]
        else:
            self.pid = self.proc.pid

    # -- observation ------------------------------------------------------------------------
    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def child_log(self):
        try:
            with open(self.log) as f:
                return [line.split() for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def events(self, kind):
        return [line for line in self.child_log() if line and line[0] == kind]

    def wait_events(self, kind, count=1, what=None):
        return wait_for(lambda: len(self.events(kind)) >= count and self.events(kind),
                        what=what or f"{count} '{kind}' line(s) in the child's log")

    def processes(self):
        """clawinit's descendants. After it has exited: what it left behind when it called
        _exit (None if that was not seen, e.g. a static clawinit ignores the shim)."""
        self._observe_exit()
        if self.proc.poll() is not None:
            return self.left_at_exit
        return descendants_of(self.pid) if self.pid else []

    def _observe_exit(self):
        """If clawinit is held at its _exit: record its descendants, then let it go."""
        if self.left_at_exit is not None or not os.path.exists(self.hold + ".exiting"):
            return
        self.left_at_exit = descendants_of(self.pid) if self.pid else []
        open(self.hold + ".release", "w").close()
        try:
            self.proc.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            pass

    def zombies(self):
        return [p for p in self.processes() or [] if (proc_state(p) or ("?",))[0] == "Z"]

    def main_child(self):
        kids = children_of(self.pid)
        return kids[0] if len(kids) == 1 else None

    # -- control ----------------------------------------------------------------------------
    def signal(self, signo):
        os.kill(self.pid, signo)

    def wait(self, timeout=PATIENCE):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._observe_exit()
            time.sleep(0.01)
        try:
            return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise AssertionError(f"clawinit still running after {timeout}s\n{self.stderr()}")

    def alive(self):
        self._observe_exit()
        return self.proc.poll() is None

    def close(self):
        if os.path.exists(self.hold + ".exiting"):
            open(self.hold + ".release", "w").close()
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            for p in descendants_of(self.pid) if self.pid else []:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()
        self._stderr.close()
        self.dir.cleanup()


class ClawinitTest(unittest.TestCase):
    def run_clawinit(self, args, command, **kw):
        run = Run(args, command, **kw)
        self.addCleanup(run.close)
        return run

    def child(self, *args):
        return [CHILD, *args]

    def assertExit(self, run, code):
        rc = run.wait()
        self.assertEqual(rc, code, run.stderr())

    def assert_gone(self, run):
        """clawinit has exited and, when it called _exit, nothing was left below it."""
        self.assertFalse(run.alive())
        if EXIT_UNOBSERVABLE:
            return  # tests/qemu/run.sh: what the rest of the test checks still counts
        self.assertIsNotNone(run.left_at_exit,
                             "clawinit's exit was not observed (exit_hold shim not loaded?)")
        self.assertEqual(run.left_at_exit, [], "processes left behind at clawinit's exit")

    def json_lines(self, text):
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class ProbeTest(ClawinitTest):
    """A ClawinitTest whose clawinit serves probes on a free port of 127.0.0.1."""
    GRACE = "2s"

    def start(self, extra, command, **kw):
        self.port = free_port()
        args = ["--grace", self.GRACE, "--probe-listen", f"127.0.0.1:{self.port}", *extra]
        run = self.run_clawinit(args, command, **kw)
        wait_for(lambda: self.answers("/health"), what="the probe server")
        return run

    def answers(self, path):
        """(status, body, headers) of GET path, or None while nothing answers."""
        try:
            return get(self.port, path)
        except OSError:
            return None

    def status(self):
        return json.loads(get(self.port, "/status")[1])
