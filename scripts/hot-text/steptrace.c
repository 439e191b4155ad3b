// steptrace: runs a program single-stepped under ptrace, as PID 1 of a new PID namespace (with
// its own /proc), and records every distinct instruction address it executes below 4 GiB (the
// static binary's text) together with the phases it ran in. SIGUSR1 to steptrace starts the
// next phase (at most 8). On the tracee's exit writes "hexaddr phasemask" lines to $STEPTRACE_OUT.
// Only the traced process itself is stepped, not the children it forks. Needs root. Slow
// (~30 000 instructions/s): for coverage, not timing. Used by generate.py.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t g_phase = 0;
static void next_phase(int signo) { (void)signo; if (g_phase < 7) g_phase++; }

#define CAP (1u << 22)
static uint64_t g_keys[CAP];
static unsigned char g_masks[CAP];
static void record(uint64_t addr, int phase) {
    uint64_t h = (addr * 0x9E3779B97F4A7C15ull) >> 40;
    for (;; h++) {
        h &= CAP - 1;
        if (g_keys[h] == addr || !g_keys[h]) { g_keys[h] = addr; g_masks[h] |= 1u << phase; return; }
    }
}

int main(int argc, char** argv) {
    const char* out = getenv("STEPTRACE_OUT");
    if (argc < 2 || !out) { fprintf(stderr, "usage: STEPTRACE_OUT=FILE steptrace PROGRAM ARGS...\n"); return 2; }
    if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) { perror("steptrace: unshare"); return 2; }
    const pid_t pid = fork();
    if (pid == 0) {  // PID 1 of the new namespace, with a /proc that shows it
        if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
            perror("steptrace: mount /proc"); _exit(2);
        }
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execv(argv[1], argv + 1);
        perror("steptrace: exec"); _exit(127);
    }
    struct sigaction sa = {0};
    sa.sa_handler = next_phase;  // no SA_RESTART: waitpid() returns EINTR, and is retried
    sigaction(SIGUSR1, &sa, NULL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL);
    int deliver = 0, execed = 0;
    unsigned long steps = 0;
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, pid, 0, deliver) != 0) { perror("steptrace: PTRACE_SINGLESTEP"); break; }
        deliver = 0;
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) { perror("steptrace: waitpid"); goto done; }
        if (WIFEXITED(status) || WIFSIGNALED(status)) break;
        if (!WIFSTOPPED(status)) continue;
        if (WSTOPSIG(status) != SIGTRAP) {  // a signal for the tracee: pass it on
            deliver = WSTOPSIG(status);
            if (deliver == SIGSTOP && !execed) deliver = 0;
            continue;
        }
        execed = 1;
        struct user_regs_struct regs;
        ptrace(PTRACE_GETREGS, pid, 0, &regs);
        if (regs.rip < (1ull << 32)) record(regs.rip, g_phase);
        steps++;
    }
done:;
    FILE* f = fopen(out, "w");
    if (!f) { perror(out); return 1; }
    for (unsigned i = 0; i < CAP; i++)
        if (g_keys[i]) fprintf(f, "%llx %u\n", (unsigned long long)g_keys[i], g_masks[i]);
    fclose(f);
    fprintf(stderr, "steptrace: %lu instructions stepped\n", steps);
    return 0;
}
