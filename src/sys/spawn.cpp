#include "sys/spawn.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <system_error>
// Boost 1.81's process/v2 uses boost::optional without including it.
#include <boost/optional.hpp>
#include <boost/process/v2/process.hpp>

namespace clawinit {

namespace bp = boost::process::v2;

namespace {

constexpr std::string_view k_default_path =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string_view key_of(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

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
        case SpawnStep::setgroups:
            return "setgroups";
        case SpawnStep::setgid:
            return "setgid";
        case SpawnStep::setuid:
            return "setuid";
        case SpawnStep::exec:
            break;
    }
    return "exec";
}

// Runs in the forked child, before exec: everything here must be async-signal-safe.
struct ChildSetup {
    const SpawnSpec& spec;

    template <typename Launcher>
    bp::error_code on_exec_setup(Launcher& launcher, const bp::filesystem::path&,
                                 const char* const*&) {
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
            if (::setgroups(ids.groups.size(), ids.groups.data()) != 0)
                return fail_user(SpawnStep::setgroups);
            if (::setgid(ids.gid) != 0) return fail_user(SpawnStep::setgid);
            if (::setuid(ids.uid) != 0) return fail_user(SpawnStep::setuid);
        }
        // clawinit blocks almost every signal; the gateway must start with the mask we were
        // given, or it would never see SIGTERM.
        if (::sigprocmask(SIG_SETMASK, &spec.child_mask, nullptr) != 0) return fail();
        // The fd limit clawinit was started with: the gateway's own limits are the operator's.
        if (spec.fd_limit && ::setrlimit(RLIMIT_NOFILE, &*spec.fd_limit) != 0) return fail();
        return {};
    }
};

// The launcher tells its executor's context about the fork, and in the child Asio then
// rebuilds that context's reactor before the exec (closing and reopening its epoll, timerfd
// and eventfd, and re-registering every descriptor it owns). On the main loop that would be
// one epoll_ctl per probe connection, so spawns use a context of their own, which owns no
// descriptor once each spawn's process handle is detached. It lives for the whole process:
// a fresh context per spawn had to build a reactor (three new descriptors) in the parent,
// which at the fd limit threw out of the spawn and ended PID 1 (issue 12.3).
std::unique_ptr<boost::asio::io_context>& launcher_context() {
    static std::unique_ptr<boost::asio::io_context> context;
    return context;
}

}  // namespace

std::optional<rlimit> raise_fd_limit() {
    rlimit original{};
    if (::getrlimit(RLIMIT_NOFILE, &original) != 0 || original.rlim_cur >= original.rlim_max)
        return std::nullopt;
    rlimit raised = original;
    raised.rlim_cur = original.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) return std::nullopt;
    return original;
}

void prepare_spawning() {
    auto& context = launcher_context();
    if (context) return;
    auto fresh = std::make_unique<boost::asio::io_context>(1);
    // A descriptor object makes Asio create the context's reactor now (throws at the fd limit).
    boost::asio::posix::stream_descriptor warm_up(*fresh);
    context = std::move(fresh);
}

TerminalMode detect_terminal() {
    if (!::isatty(STDIN_FILENO)) return TerminalMode::none;
    const pid_t foreground = ::tcgetpgrp(STDIN_FILENO);
    return foreground > 0 && foreground == ::getpgrp() ? TerminalMode::foreground
                                                       : TerminalMode::none;
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

std::vector<std::string> child_environment(char** environ_now,
                                           const std::vector<std::string>& changes) {
    std::vector<std::string> env;
    for (char** e = environ_now; e && *e; ++e) env.emplace_back(*e);
    for (const auto& change : changes) {
        const std::string_view key = key_of(change);
        if (key.size() == change.size()) {  // a bare NAME: remove every NAME=...
            std::erase_if(env,
                          [&](const std::string& existing) { return key_of(existing) == key; });
            continue;
        }
        bool replaced = false;
        for (auto& existing : env) {
            if (key_of(existing) == key) {
                existing = change;
                replaced = true;
                break;
            }
        }
        if (!replaced) env.push_back(change);
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

namespace {

// The errno a system_error (std's or Boost's) stands for; EIO when it has none.
template <typename Error>
int error_of(const Error& error) {
    return error.code().value() ? error.code().value() : EIO;
}

SpawnOutcome spawn_or_throw(const SpawnSpec& spec) {
    SpawnOutcome outcome;
    prepare_spawning();  // a no-op but after a failed pidfd (below)
    const std::string executable =
        resolve_executable(spec.command.front(), spec.env, outcome.error);
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
        auto child = launcher(launcher_context()->get_executor(), ec,
                              bp::filesystem::path(executable), whole_argv, ChildSetup{spec});
        if (ec) {
            // The launcher's failed child exits on its own; the reaper collects it like any orphan.
            decode_child_error(ec.value(), outcome);
            return outcome;
        }
        outcome.pid = child.id();
        child.detach();
    } catch (const boost::system::system_error& error) {
        // In the forked child (pid 0), before exec: never unwind into our own main.
        if (launcher.pid == 0) ::_exit(127);
        if (launcher.pid < 0) {
            outcome.error = error_of(error);  // nothing forked
        } else if (ec) {
            decode_child_error(
                ec.value(),
                outcome);  // the exec (or user switch) failed; the reaper collects that child
        } else {
            // Boost opens a pidfd for the handle we detach at once, and throws when
            // pidfd_open fails (ENOSYS before Linux 5.3 and under valgrind, EPERM under a
            // seccomp profile without it, EMFILE at the fd limit) after the exec succeeded:
            // the child runs, and waitpid is all we need. Asio keeps the failed registration
            // (descriptor -1) and the next fork's re-registration in the child would throw on
            // it: the context goes, and the next spawn builds a new one.
            outcome.pid = launcher.pid;
            launcher_context().reset();
        }
    }
    return outcome;
}

}  // namespace

SpawnOutcome spawn_child(const SpawnSpec& spec) {
    // A spawn failure is an event for the Supervisor, never the end of PID 1: whatever escapes
    // (a descriptor at the fd limit, an allocation) becomes the errno of a failed spawn.
    try {
        return spawn_or_throw(spec);
    } catch (const boost::system::system_error& error) {
        return SpawnOutcome{0, error_of(error)};
    } catch (const std::system_error& error) {
        return SpawnOutcome{0, error_of(error)};
    } catch (const std::bad_alloc&) {
        return SpawnOutcome{0, ENOMEM};
    } catch (const std::exception&) {
        return SpawnOutcome{0, EIO};
    }
}

}  // namespace clawinit
