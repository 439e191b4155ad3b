#include "sys/spawn.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
// Boost 1.81's process/v2 uses boost::optional without including it.
#include <boost/optional.hpp>
#include <boost/process/v2/process.hpp>

namespace clawinit {

namespace bp = boost::process::v2;

namespace {

constexpr std::string_view k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string_view key_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// Boost's launcher sends the child's errno through its error pipe, nothing else: a failed
// user switch is told apart from a failed exec by this flag and the step, errno in the low
// 12 bits (errno values are below 4096).
constexpr int k_user_switch_flag = 1 << 20;
constexpr int k_errno_bits = 12;

int encode_user_switch(SpawnStep step, int error) {
    return k_user_switch_flag | (static_cast<int>(step) << k_errno_bits) | error;
}

void decode_child_error(int value, SpawnOutcome& outcome) {
    if (value & k_user_switch_flag) {
        outcome.failed_step = static_cast<SpawnStep>((value & ~k_user_switch_flag) >> k_errno_bits);
        outcome.error = value & ((1 << k_errno_bits) - 1);
    } else {
        outcome.error = value;
    }
}

const char* step_name(SpawnStep step) {
    switch (step) {
        case SpawnStep::setgroups: return "setgroups";
        case SpawnStep::setgid: return "setgid";
        case SpawnStep::setuid: return "setuid";
        case SpawnStep::exec: break;
    }
    return "exec";
}

// Runs in the forked child, before exec: everything here must be async-signal-safe.
struct ChildSetup {
    const SpawnSpec& spec;

    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher& launcher, const bp::filesystem::path&, const char* const*&) {
        auto fail = [] { return bp::error_code(errno, bp::system_category()); };
        // Boost 1.81's close_all() compares each whitelist entry with itself, so it closes only
        // the fds above its error pipe: our probe listener, signalfd and epoll fds below it
        // would leak into the gateway (which then holds the probe port). Close them here.
        int highest_kept = 2;
        for (int fd : launcher.fd_whitelist) highest_kept = std::max(highest_kept, fd);
        if (highest_kept > 3 && ::close_range(3, static_cast<unsigned>(highest_kept - 1), 0) != 0)
            return fail();
        if (spec.terminal == TerminalMode::foreground) {
            // Like tini with a terminal: a group of its own inside clawinit's session, and the
            // terminal's foreground, so the terminal's Ctrl-C goes to the child's job, not to
            // clawinit (another group), and a shell gets job control. Still a group leader, so
            // --kill-scope group works as without a terminal. SIGTTOU is still blocked here
            // (clawinit's mask until the sigprocmask below), which lets a background group
            // take the terminal. A terminal that went away meanwhile only costs the handover.
            if (::setpgid(0, 0) < 0) return fail();
            (void)::tcsetpgrp(STDIN_FILENO, ::getpid());
        } else if (::setsid() < 0) {
            // Its own session and process group: --kill-scope group can signal the child's
            // whole group without touching clawinit.
            return fail();
        }
        if (spec.user) {
            const auto& ids = *spec.user;
            auto fail_user = [](SpawnStep step) {
                errno = encode_user_switch(step, errno);  // what Boost writes to its pipe
                return bp::error_code(errno, bp::system_category());
            };
            if (::setgroups(ids.groups.size(), ids.groups.data()) != 0) return fail_user(SpawnStep::setgroups);
            if (::setgid(ids.gid) != 0) return fail_user(SpawnStep::setgid);
            if (::setuid(ids.uid) != 0) return fail_user(SpawnStep::setuid);
        }
        // clawinit blocks almost every signal; the gateway must start with the mask we were
        // given, or it would never see SIGTERM.
        if (::sigprocmask(SIG_SETMASK, &spec.child_mask, nullptr) != 0) return fail();
        return {};
    }
};

}  // namespace

TerminalMode detect_terminal() {
    if (!::isatty(STDIN_FILENO)) return TerminalMode::none;
    const pid_t foreground = ::tcgetpgrp(STDIN_FILENO);
    return foreground > 0 && foreground == ::getpgrp() ? TerminalMode::foreground : TerminalMode::none;
}

void reclaim_terminal() {
    const pid_t own = ::getpgrp();
    if (::tcgetpgrp(STDIN_FILENO) != own) (void)::tcsetpgrp(STDIN_FILENO, own);
}

std::string user_switch_failure(const std::string& user_spec, const UserIds& ids,
                                const SpawnOutcome& outcome) {
    return fmt::format(
        "cannot switch to user '{}' (uid {}, gid {}): {} failed: {}; clawinit runs as uid {}, "
        "and changing user needs root: run clawinit as root, or drop `user:` (--user, "
        "CLAWINIT_USER) from its configuration",
        user_spec, ids.uid, ids.gid, step_name(outcome.failed_step), std::strerror(outcome.error),
        ::getuid());
}

std::vector<std::string> child_environment(char** environ_now, const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ_now; e && *e; ++e) env.emplace_back(*e);
    for (const auto& entry : extra) {
        bool replaced = false;
        for (auto& existing : env) {
            if (key_of(existing) == key_of(entry)) {
                existing = entry;
                replaced = true;
                break;
            }
        }
        if (!replaced) env.push_back(entry);
    }
    return env;
}

std::string resolve_executable(const std::string& name, const std::vector<std::string>& env,
                               int& error) {
    error = 0;
    if (name.empty()) {
        error = ENOENT;
        return {};
    }
    if (name.find('/') != std::string::npos) return name;  // exec reports what is wrong
    std::string_view path = k_default_path;
    for (const auto& entry : env)
        if (key_of(entry) == "PATH") path = std::string_view(entry).substr(5);
    error = ENOENT;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        if (end == std::string_view::npos) end = path.size();
        std::string dir(path.substr(start, end - start));
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            if (::access(candidate.c_str(), X_OK) == 0) {
                error = 0;
                return candidate;
            }
            error = EACCES;  // keep looking: a later directory may hold a runnable one
        }
        start = end + 1;
    }
    return {};
}

SpawnOutcome spawn_child(const SpawnSpec& spec) {
    // The launcher tells its executor's context about the fork, and in the child Asio then
    // rebuilds that context's reactor (a new epoll, timerfd and eventfd, one epoll_ctl per
    // descriptor it owns: on the main loop, every probe connection) before the exec. A fresh
    // context per spawn has no reactor yet, so the child goes straight to exec; the parent
    // builds one for the process handle while the child execs, and drops it at detach.
    boost::asio::io_context launcher_context{1};
    SpawnOutcome outcome;
    const std::string executable = resolve_executable(spec.command.front(), spec.env, outcome.error);
    if (outcome.error) return outcome;

    std::vector<const char*> envp;
    envp.reserve(spec.env.size() + 1);
    for (const auto& entry : spec.env) envp.push_back(entry.c_str());
    envp.push_back(nullptr);

    std::vector<const char*> argv;
    argv.reserve(spec.command.size() + 1);
    for (const auto& arg : spec.command) argv.push_back(arg.c_str());
    argv.push_back(nullptr);

    bp::posix::default_launcher launcher;
    launcher.env = envp.data();
    bp::error_code ec;
    // A whole argv (argv[0] as the operator wrote it, as a shell or tini would pass it) goes to
    // exec untouched; Boost would otherwise put the resolved path in argv[0].
    const char** whole_argv = argv.data();
    try {
        auto child = launcher(launcher_context.get_executor(), ec, bp::filesystem::path(executable),
                              whole_argv, ChildSetup{spec});
        if (ec) {
            // The launcher's failed child exits on its own; the reaper collects it like any orphan.
            decode_child_error(ec.value(), outcome);
            return outcome;
        }
        outcome.pid = child.id();
        child.detach();
    } catch (const boost::system::system_error&) {
        // In the forked child (pid 0), before exec: never unwind into our own main.
        if (launcher.pid == 0) ::_exit(127);
        // Boost opens a pidfd for the handle we detach at once, and throws when pidfd_open
        // fails (ENOSYS before Linux 5.3 and under valgrind, EPERM under a seccomp profile
        // without it) after the exec succeeded: the child runs, and waitpid is all we need.
        // The half-registered descriptor Asio keeps dies with launcher_context.
        if (launcher.pid < 0) throw;
        outcome.pid = launcher.pid;
    }
    return outcome;
}

}  // namespace clawinit
