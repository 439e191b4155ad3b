// testchild: one binary that plays every kind of child clawinit's integration tests and
// benchmarks need (obedient, stubborn, crashing, forking, orphan-producing, stopped). A C++
// program rather than shell scripts, because a shell adds its own signal handling, process
// groups and forks to exactly what is being observed.
//
// Everything observable goes to the file named by TESTCHILD_LOG, one line per write() on an
// O_APPEND descriptor, so the lines of a whole process tree never interleave.

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace {

int g_log_fd = -1;  // TESTCHILD_LOG, or -1 when unset

struct SleepOptions {
    bool ignore_term = false;
    int usr1_exit = 1;
    int term_exit = 0;
    long term_delay_ms = 0;
};

constexpr std::pair<int, const char*> k_signal_names[] = {
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},       {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},     {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},     {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},     {SIGTERM, "SIGTERM"}, {SIGSTKFLT, "SIGSTKFLT"},
    {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"},     {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"},
    {SIGTTIN, "SIGTTIN"}, {SIGTTOU, "SIGTTOU"},     {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"},
    {SIGXFSZ, "SIGXFSZ"}, {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"},
    {SIGIO, "SIGIO"},     {SIGPWR, "SIGPWR"},       {SIGSYS, "SIGSYS"},
};

std::string signal_name(int signo) {
    for (const auto& [number, name] : k_signal_names) {
        if (number == signo) return name;
    }
    if (signo >= SIGRTMIN && signo <= SIGRTMAX) {
        return "SIGRTMIN+" + std::to_string(signo - SIGRTMIN);
    }
    return "SIG" + std::to_string(signo);
}

std::optional<long> parse_number(std::string_view text) {
    long value = 0;
    const auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || rest != text.data() + text.size()) return std::nullopt;
    return value;
}

// Accepts 15, TERM, SIGTERM, RTMIN+2, SIGRTMIN+2.
std::optional<int> parse_signal(std::string_view text) {
    if (auto number = parse_number(text)) return static_cast<int>(*number);
    if (text.starts_with("SIG")) text.remove_prefix(3);
    if (text.starts_with("RTMIN+")) {
        auto offset = parse_number(text.substr(6));
        if (offset) return SIGRTMIN + static_cast<int>(*offset);
    }
    for (const auto& [number, name] : k_signal_names) {
        if (text == name + 3) return number;
    }
    return std::nullopt;
}

void write_line(int fd, std::string line) {
    if (fd < 0) return;
    line += '\n';
    ssize_t ignored = write(fd, line.data(), line.size());
    (void)ignored;
}

void log_line(const std::string& line) {
    write_line(g_log_fd, line);
}

[[noreturn]] void die(const std::string& message, int code) {
    write_line(STDERR_FILENO, "testchild: " + message);
    _exit(code);
}

// Kept at fd 3 or above, so close-stdio and a supervisor that starts us with fds 0-2 closed
// cannot close the log by accident.
void open_log() {
    const char* path = std::getenv("TESTCHILD_LOG");
    if (path == nullptr || *path == '\0') return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 && fd < 3) {
        const int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        fd = high;
    }
    if (fd < 0) die(std::string("open TESTCHILD_LOG ") + path + ": " + std::strerror(errno), 2);
    g_log_fd = fd;
}

long now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1'000'000'000L + ts.tv_nsec;
}

void sleep_ms(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

std::string ids_text(pid_t pid) {
    return std::to_string(pid) + " " + std::to_string(getpgid(0)) + " " + std::to_string(getsid(0));
}

// Blocked before the "start" line is written, so a test may signal as soon as it sees that
// line without the signal hitting a default disposition before the first sigwaitinfo().
void block_all_signals() {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, nullptr);
}

void unblock_all_signals() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Waits for every catchable signal (not SIGCHLD: children's exits are not what tests observe)
// and reacts like a well-behaved gateway, within the limits the options set.
[[noreturn]] void sleep_loop(const SleepOptions& options, int record_fd = -1) {
    sigset_t wanted;
    sigemptyset(&wanted);
    for (int signo = 1; signo <= SIGRTMAX; ++signo) {
        if (signo != SIGKILL && signo != SIGSTOP && signo != SIGCHLD) sigaddset(&wanted, signo);
    }
    std::optional<long> exit_at_ns;
    for (;;) {
        siginfo_t info{};
        int signo = 0;
        if (exit_at_ns) {
            const long left = *exit_at_ns - now_ns();
            if (left <= 0) _exit(options.term_exit);
            const timespec timeout{left / 1'000'000'000L, left % 1'000'000'000L};
            signo = sigtimedwait(&wanted, &info, &timeout);
        } else {
            signo = sigwaitinfo(&wanted, &info);
        }
        if (signo <= 0) continue;  // EINTR, or the linger timed out (checked above)
        if (record_fd >= 0)
            write_line(record_fd, std::to_string(signo) + " " + std::to_string(now_ns()));
        log_line("signal " + signal_name(signo) + " " + std::to_string(signo) + " " +
                 std::to_string(getpid()));
        const bool stop_signal = signo == SIGTERM || signo == SIGINT || signo == SIGQUIT;
        if (exit_at_ns || (stop_signal && options.ignore_term)) continue;
        if (stop_signal) {
            if (options.term_delay_ms <= 0) _exit(options.term_exit);
            exit_at_ns = now_ns() + options.term_delay_ms * 1'000'000L;
        } else if (signo == SIGUSR1) {
            _exit(options.usr1_exit);
        }
    }
}

SleepOptions parse_sleep_options(const std::vector<std::string_view>& args, std::size_t first) {
    SleepOptions options;
    for (std::size_t i = first; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "--ignore-term") {
            options.ignore_term = true;
            continue;
        }
        const auto value = i + 1 < args.size() ? parse_number(args[i + 1]) : std::nullopt;
        if (!value) die("bad or missing value for " + std::string(arg), 2);
        ++i;
        if (arg == "--usr1-exit") {
            options.usr1_exit = static_cast<int>(*value);
        } else if (arg == "--term-exit") {
            options.term_exit = static_cast<int>(*value);
        } else if (arg == "--term-delay") {
            options.term_delay_ms = *value;
        } else {
            die("unknown option " + std::string(arg), 2);
        }
    }
    return options;
}

// State the orphans read. They share the parent's memory (CLONE_VM), so they touch nothing
// else: no libc state, no locals on their small stacks.
int g_orphan_gate[2];
timespec g_orphan_linger{};
char g_orphan_byte;

// The orphans must outlive the parent: each blocks on a pipe whose only writer is the parent,
// so they all see EOF the moment it exits, and exit together.
int orphan_main(void*) {
    syscall(SYS_close, g_orphan_gate[1]);
    syscall(SYS_read, g_orphan_gate[0], &g_orphan_byte, 1);
    syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &g_orphan_linger, nullptr);
    return 0;
}

// clone(CLONE_VM) instead of fork(): no page tables to copy, which makes 10000 children about
// ten times faster to create, so a test measures the supervisor's reaping, not our forking.
int run_orphans(long count, long linger_ms) {
    constexpr std::size_t k_stack = 16384;
    g_orphan_linger = {linger_ms / 1000, (linger_ms % 1000) * 1'000'000L};
    const auto size = k_stack * static_cast<std::size_t>(std::max(count, 1L));
    auto* stacks = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE,
                                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    if (stacks == MAP_FAILED || pipe2(g_orphan_gate, O_CLOEXEC) != 0) {
        die(std::string("mmap/pipe2: ") + std::strerror(errno), 1);
    }
    const long give_up_ns = now_ns() + 10'000'000'000L;
    long made = 0;
    while (made < count) {
        char* stack_top = stacks + k_stack * static_cast<std::size_t>(made + 1);
        if (clone(orphan_main, stack_top, CLONE_VM | SIGCHLD, nullptr) > 0) {
            ++made;
        } else if ((errno == EAGAIN || errno == ENOMEM) && now_ns() < give_up_ns) {
            sleep_ms(1);  // process table or memory briefly full: let the reaper catch up
        } else {
            log_line("orphans-failed " + std::to_string(made) + " " + std::strerror(errno));
            return 1;
        }
    }
    log_line("orphans " + std::to_string(made));
    return 0;
}

void write_pidfile(pid_t pid) {
    const char* path = std::getenv("TESTCHILD_PIDFILE");
    if (path == nullptr || *path == '\0') return;
    // Written then renamed, so a test polling for the file never reads half a pid.
    const std::string temp = std::string(path) + ".tmp";
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    write_line(fd, std::to_string(pid));
    if (fd >= 0) close(fd);
    rename(temp.c_str(), path);
}

// A grandchild in its own session that ignores SIGTERM: only a SIGKILL of everything left
// (not a group signal, not a forwarded TERM) gets rid of it.
[[noreturn]] void run_grandchild_ignore_term(bool exit_now, const SleepOptions& options) {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) die(std::string("pipe2: ") + std::strerror(errno), 1);
    const pid_t pid = fork();
    if (pid < 0) die(std::string("fork: ") + std::strerror(errno), 1);
    if (pid == 0) {
        close(ready[0]);
        setsid();
        unblock_all_signals();
        signal(SIGTERM, SIG_IGN);
        // Holding the test's stdout/stderr pipes open would hang readers that wait for EOF.
        if (const int null = open("/dev/null", O_RDWR); null >= 0) {
            for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
            if (null > 2) close(null);
        }
        write_pidfile(getpid());
        log_line("grandchild " + std::to_string(getpid()));
        write_line(ready[1], "ready");
        close(ready[1]);
        for (;;) pause();
    }
    close(ready[1]);
    char byte;
    while (read(ready[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (exit_now) _exit(0);
    sleep_loop(options);
}

[[noreturn]] void run_spawn_tree(long count, const SleepOptions& options) {
    for (long i = 0; i < count; ++i) {
        const pid_t pid = fork();
        if (pid < 0) die(std::string("fork: ") + std::strerror(errno), 1);
        if (pid == 0) {
            log_line("child " + ids_text(getpid()));
            sleep_loop(options);
        }
    }
    sleep_loop(options);
}

// The kernel's own view from /proc (glibc hides the signals it reserves from sigprocmask);
// "unknown" when /proc is not mounted.
std::pair<std::string, std::string> signal_masks() {
    std::pair<std::string, std::string> masks{"unknown", "unknown"};
    FILE* status = std::fopen("/proc/self/status", "re");
    char line[256];
    while (status != nullptr && std::fgets(line, sizeof(line), status) != nullptr) {
        const std::string_view text(line, std::strcspn(line, "\n"));
        if (text.starts_with("SigBlk:\t")) masks.first = text.substr(8);
        if (text.starts_with("SigIgn:\t")) masks.second = text.substr(8);
    }
    if (status != nullptr) std::fclose(status);
    return masks;
}

void report(const std::string& line) {
    write_line(STDOUT_FILENO, line);
    log_line(line);
}

std::string ids_line() {
    std::vector<gid_t> groups(static_cast<std::size_t>(std::max(getgroups(0, nullptr), 0)));
    groups.resize(static_cast<std::size_t>(std::max(getgroups(groups.size(), groups.data()), 0)));
    std::string list;
    for (gid_t group : groups) {
        if (!list.empty()) list += ',';
        list += std::to_string(group);
    }
    return "ids uid=" + std::to_string(getuid()) + " gid=" + std::to_string(getgid()) +
           " groups=" + list;
}

[[noreturn]] void usage() {
    die("usage: testchild sleep|close-stdio|stop-self|spawn-tree N|grandchild-ignore-term "
        "[--exit-now]|record-latency FILE [--ignore-term] [--usr1-exit N] [--term-exit N] "
        "[--term-delay MS] | exit N | exit-after MS N | kill-self SIG | orphans N [--linger MS] "
        "| exec ARGV... | env | sigmask | ids",
        2);
}

long number_arg(const std::vector<std::string_view>& args, std::size_t index) {
    const auto value = index < args.size() ? parse_number(args[index]) : std::nullopt;
    if (!value || *value < 0) usage();
    return *value;
}

// Modes that wait for signals; all signals are already blocked.
void run_waiting_mode(std::string_view mode, const std::vector<std::string_view>& args) {
    if (mode == "sleep") sleep_loop(parse_sleep_options(args, 1));
    if (mode == "close-stdio") {
        const SleepOptions options = parse_sleep_options(args, 1);
        for (int fd = 0; fd < 3; ++fd) close(fd);
        sleep_loop(options);
    }
    if (mode == "stop-self") {
        const SleepOptions options = parse_sleep_options(args, 1);
        raise(SIGSTOP);  // SIGCONT is blocked, but continues us anyway; the loop then logs it
        log_line("continued " + std::to_string(getpid()));
        sleep_loop(options);
    }
    if (mode == "spawn-tree") run_spawn_tree(number_arg(args, 1), parse_sleep_options(args, 2));
    if (mode == "grandchild-ignore-term") {
        const bool exit_now = args.size() > 1 && args[1] == "--exit-now";
        run_grandchild_ignore_term(exit_now, parse_sleep_options(args, exit_now ? 2 : 1));
    }
    if (mode == "record-latency") {
        if (args.size() < 2) usage();
        const std::string path(args[1]);
        const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) die("open " + path + ": " + std::strerror(errno), 2);
        sleep_loop(parse_sleep_options(args, 2), fd);
    }
}

// Modes that act at once and exit; signals keep the dispositions we were started with.
int run_instant_mode(std::string_view mode, const std::vector<std::string_view>& args,
                     char** argv) {
    if (mode == "exit") _exit(static_cast<int>(number_arg(args, 1)));
    if (mode == "exit-after") {
        sleep_ms(number_arg(args, 1));
        _exit(static_cast<int>(number_arg(args, 2)));
    }
    if (mode == "kill-self") {
        const auto signo = args.size() > 1 ? parse_signal(args[1]) : std::nullopt;
        if (!signo) usage();
        const rlimit no_core{0, 0};
        setrlimit(RLIMIT_CORE, &no_core);  // the exit status is the point, not a core file
        signal(*signo, SIG_DFL);
        unblock_all_signals();
        raise(*signo);
        die("still alive after " + signal_name(*signo) + " (its default action is not fatal)", 3);
    }
    if (mode == "orphans") {
        const long linger = args.size() > 3 && args[2] == "--linger" ? number_arg(args, 3) : 0;
        return run_orphans(number_arg(args, 1), linger);
    }
    if (mode == "exec") {
        if (args.size() < 2) usage();
        execvp(argv[2], argv + 2);
        const int error = errno;
        die(std::string("exec ") + argv[2] + ": " + std::strerror(error),
            error == ENOENT ? 127 : 126);
    }
    if (mode == "env") {
        for (char** entry = environ; *entry != nullptr; ++entry) {
            write_line(STDOUT_FILENO, *entry);
            log_line(std::string("env ") + *entry);
        }
        return 0;
    }
    if (mode == "sigmask") {
        const auto [blocked, ignored] = signal_masks();
        report("sigmask " + blocked);
        report("sigign " + ignored);
        return 0;
    }
    if (mode == "ids") {
        report(ids_line());
        return 0;
    }
    usage();
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty()) usage();
    const std::string_view mode = args[0];
    open_log();
    const bool waits = mode == "sleep" || mode == "close-stdio" || mode == "stop-self" ||
                       mode == "spawn-tree" || mode == "grandchild-ignore-term" ||
                       mode == "record-latency";
    if (waits) block_all_signals();
    log_line("start " + ids_text(getpid()));
    if (waits) run_waiting_mode(mode, args);
    return run_instant_mode(mode, args, argv);
}
