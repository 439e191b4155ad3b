#include "cli/subcommands.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "cli/http_get.hpp"
#include "cli/restart_watch.hpp"
#include "cli/subcommand_help.hpp"
#include "cli/target.hpp"
#include "config/duration.hpp"
#include "config/signal_names.hpp"
#include "probe/status_document.hpp"
#include "runtime/final_status.hpp"

namespace clawinit {

namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr int k_ok = 0, k_bad_outcome = 1, k_timed_out = 3, k_no_target = 4;  // 2: run.cpp, usage

struct SubOptions {
    std::string name;
    std::vector<std::string> words;  // positional arguments
    bool wait{false};
    bool json{false};
    std::optional<Duration> timeout;
    std::string pid, pid_file, probe, config;
    std::string root;  // check-config --root: where /etc/passwd and /etc/group are
    bool help{false};
};

SubOptions parse(const std::vector<std::string>& args) {
    SubOptions o;
    o.name = args.front();
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size())
                throw ConfigError(fmt::format("{} {}: needs a value", o.name, a));
            return args[++i];
        };
        if (a == "--help" || a == "-h")
            o.help = true;
        else if (a == "--root" && o.name == "check-config")
            o.root = value();
        else if (a == "--wait")
            o.wait = true;
        else if (a == "--json")
            o.json = true;
        else if (a == "--pid")
            o.pid = value();
        else if (a == "--pid-file")
            o.pid_file = value();
        else if (a == "--probe")
            o.probe = value();
        else if (a == "-c" || a == "--config")
            o.config = value();
        else if (a == "--timeout") {
            o.timeout = parse_duration(value());
            if (!o.timeout)
                throw ConfigError(fmt::format("{} --timeout: bad duration '{}'", o.name, args[i]));
        } else if (!a.empty() && a.front() == '-') {
            throw ConfigError(
                fmt::format("{}: unknown option '{}' (see clawinit {} --help)", o.name, a, o.name));
        } else {
            o.words.push_back(a);
        }
    }
    return o;
}

// The configuration the target runs with, as far as this process can know it: the same
// config file and CLAWINIT_* environment (true under docker/kubectl exec).
Config target_config(const SubOptions& o, const Environment& env) {
    std::vector<std::string> args;
    if (!o.config.empty()) args = {"-c", o.config};
    args.insert(args.end(), {"--", "clawinit-subcommand"});
    return parse_invocation(args, env).config;
}

std::optional<IpEndpoint> probe_of(const SubOptions& o, const Config& config) {
    return probe_address(o.probe.empty() ? config.probe_listen : o.probe);
}

std::string last_exit_text(const std::optional<int>& last_exit) {
    return last_exit ? std::to_string(*last_exit) : "-";
}

// The running clawinit's /status (probe/status_document.hpp), or nullopt when its probe
// server cannot be asked or gives no /status document.
std::optional<StatusDocument> fetch_status(const IpEndpoint& probe, Duration timeout = 2s,
                                           std::string* error = nullptr) {
    const HttpResult result = http_get(probe, "/status", timeout);
    if (result.status != 200) {
        if (error) *error = result.error.empty() ? "bad answer" : result.error;
        return std::nullopt;
    }
    return parse_status(result.body, error);
}

std::optional<Duration> seconds(double value) {
    // The upper bound keeps the cast defined: no timeout clawinit publishes is near it.
    if (!(value > 0) || value > 1e9) return std::nullopt;
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(value));
}

// What the running clawinit publishes in /status about how to drive it (see
// probe/snapshot.hpp): it wins over this process's own config, which under `docker exec` or
// `kubectl exec` may be another environment, another file, or none at all.
struct Published {
    std::optional<int> restart_signal;
    std::optional<Duration> restart_timeout;
    std::optional<Duration> stop_timeout;
};

Published published(const std::optional<IpEndpoint>& probe) {
    Published p;
    const auto doc = probe ? fetch_status(*probe) : std::nullopt;
    if (!doc) return p;
    if (doc->restart_signal > 0) p.restart_signal = doc->restart_signal;
    p.restart_timeout = seconds(doc->restart_timeout_seconds);
    p.stop_timeout = seconds(doc->stop_timeout_seconds);
    return p;
}

// The pid the running clawinit gives in /status; nullopt when its probe server cannot be asked.
std::optional<pid_t> published_pid(const std::optional<IpEndpoint>& probe) {
    const auto doc = probe ? fetch_status(*probe) : std::nullopt;
    if (!doc || doc->pid <= 0) return std::nullopt;
    return doc->pid;
}

pid_t target_pid(const SubOptions& o, const std::optional<IpEndpoint>& probe) {
    return find_target(o.pid, o.pid_file, [&] { return published_pid(probe); });
}

int stop(const SubOptions& o, const Config& config) {
    const auto probe = probe_of(o, config);
    const pid_t pid = target_pid(o, probe);
    const Duration stop_timeout =
        (o.wait ? published(probe).stop_timeout : std::nullopt).value_or(config.stop_timeout());
    const auto deadline = SteadyClock::now() + o.timeout.value_or(stop_timeout + 30s);
    if (!o.wait || !probe) {
        if (::kill(pid, SIGTERM) != 0)
            throw TargetError(fmt::format("kill({}, SIGTERM) failed", pid));
        if (!o.wait) return k_ok;
        while (::kill(pid, 0) == 0) {
            if (SteadyClock::now() > deadline) return k_timed_out;
            std::this_thread::sleep_for(20ms);
        }
        std::printf("clawinit pid %d stopped (probe server off: outcome unknown)\n", pid);
        return k_ok;
    }
    // Ask for the outcome first, and signal only once the server has taken the question: the
    // answer then cannot be lost to a stop that is over in a millisecond.
    HttpExchange ex = http_send(*probe, "/status?wait=exit", deadline);
    if (!ex.error.empty() || !http_read_head(ex, deadline))
        throw TargetError(fmt::format("probe server {}: {}", format_address(*probe), ex.error));
    if (::kill(pid, SIGTERM) != 0) throw TargetError(fmt::format("kill({}, SIGTERM) failed", pid));
    const HttpResult outcome = http_finish(ex, deadline);
    if (outcome.status != 200) {
        std::fprintf(stderr, "clawinit stop: no outcome: %s\n", outcome.error.c_str());
        return k_timed_out;
    }
    std::string unreadable;
    const auto result = parse_final_status(outcome.body, &unreadable);
    if (!result) {
        std::fprintf(stderr, "clawinit stop: no outcome: unreadable answer (%s)\n",
                     unreadable.c_str());
        return k_timed_out;
    }
    const bool killed = result->killed;
    const std::string stop_seconds =
        result->stop_seconds ? fmt::format("{:.3f}", *result->stop_seconds) : "-";
    std::printf("clawinit pid %d stopped: exit code %d after %ss, %s\n", pid, result->exit_code,
                stop_seconds.c_str(), killed ? "SIGKILL was needed (grace expired)" : "graceful");
    // Inside the container (`docker exec`) clawinit's exit kills us, so it waits for this
    // connection to close before it exits. We leave the socket to our own exit to close:
    // by then the outcome is printed and our exit code is set, and a SIGKILL cannot change it.
    ex.leave_open();
    return killed ? k_bad_outcome : k_ok;
}

int restart(const SubOptions& o, const Config& config) {
    const auto probe = probe_of(o, config);
    const pid_t pid = target_pid(o, probe);
    // The signal the running clawinit restarts on, as it says itself; this process's config
    // only when its probe server cannot be asked.
    const Published target = published(probe);
    const int signo = target.restart_signal.value_or(
        config.restart_signals.empty() ? SIGUSR1 : config.restart_signals.front());
    if (!o.wait) return ::kill(pid, signo) == 0 ? k_ok : k_no_target;
    if (!probe) throw ConfigError("restart --wait needs the probe server (--probe-listen is off)");
    const Duration restart_timeout =
        target.restart_timeout.value_or(config.effective_restart_timeout());
    const auto deadline = SteadyClock::now() + o.timeout.value_or(restart_timeout + 60s);
    std::string unreachable;
    const auto before = fetch_status(*probe, 2s, &unreachable);
    if (!before) throw TargetError(fmt::format("probe server: {}", unreachable));
    const std::uint64_t awaited = awaited_request(*before);
    // If clawinit exits instead of restarting, this is how we learn why.
    HttpExchange exit_watch = http_send(*probe, "/status?wait=exit", deadline);
    if (exit_watch.error.empty()) http_read_head(exit_watch, deadline);
    const auto started = SteadyClock::now();
    if (::kill(pid, signo) != 0)
        throw TargetError(fmt::format("kill({}, {}) failed", pid, signal_name(signo)));

    RestartVerdict verdict = RestartVerdict::waiting;
    std::optional<StatusDocument> last;
    for (;;) {
        std::string error;
        const auto now = fetch_status(*probe, 2s, &error);
        if (!now) {
            const HttpResult end = exit_watch.error.empty()
                                       ? http_finish(exit_watch, SteadyClock::now() + 2s)
                                       : HttpResult{};
            const auto outcome = end.status == 200 ? parse_final_status(end.body) : std::nullopt;
            const bool stop_seen = last && last->status == Status::stopping;
            if (outcome && stop_seen)
                std::fprintf(stderr,
                             "clawinit restart: a stop arrived during the restart and won; "
                             "clawinit exited with %d\n",
                             outcome->exit_code);
            else if (outcome)
                std::fprintf(stderr,
                             "clawinit restart: the child exited with code %s, not a restart code; "
                             "clawinit exited with %d\n",
                             last_exit_text(outcome->last_exit).c_str(), outcome->exit_code);
            else
                std::fprintf(stderr,
                             "clawinit restart: clawinit went away during the restart (%s)\n",
                             error.c_str());
            return k_bad_outcome;
        }
        last = now;
        verdict = judge_restart(*now, awaited);
        switch (verdict) {
            case RestartVerdict::ready:
                std::printf("restarted: child pid %d -> %d, ready after %.3fs\n", before->child_pid,
                            now->child_pid,
                            std::chrono::duration<double>(SteadyClock::now() - started).count());
                return k_ok;
            case RestartVerdict::expired:
                std::fprintf(stderr,
                             "clawinit restart: child pid %d did not exit within the restart "
                             "timeout\n",
                             before->child_pid);
                return k_bad_outcome;
            case RestartVerdict::not_a_restart_code:
                std::fprintf(stderr,
                             "clawinit restart: the child exited with code %s, not a restart "
                             "code\n",
                             last_exit_text(now->last_exit).c_str());
                return k_bad_outcome;
            case RestartVerdict::stop_won:
            case RestartVerdict::stopping:
                // The child may still be running (the stop's grace): there is no exit code to
                // report yet, and no restart will follow.
                std::fprintf(stderr,
                             "clawinit restart: a stop is under way; no restart will happen\n");
                return k_bad_outcome;
            case RestartVerdict::no_child:
                std::fprintf(stderr,
                             "clawinit restart: no child to restart (crash backoff: %s); the "
                             "respawn follows on its own\n",
                             now->reason.value_or("child crashed").c_str());
                return k_bad_outcome;
            case RestartVerdict::waiting:
                break;
        }
        if (SteadyClock::now() > deadline) {
            // Answered but never ready again, or never answered at all.
            const bool answered = now->last_restart.request >= awaited &&
                                  now->last_restart.outcome != RestartOutcome::pending;
            std::fprintf(stderr, "clawinit restart: %s\n",
                         answered ? "the new child never became ready" : "timed out");
            return answered ? k_bad_outcome : k_timed_out;
        }
        std::this_thread::sleep_for(50ms);
    }
}

int status(const SubOptions& o, const Config& config) {
    const auto probe = probe_of(o, config);
    if (!probe) throw ConfigError("status needs the probe server (--probe-listen is off)");
    const HttpResult result = http_get(*probe, "/status", o.timeout.value_or(2s));
    if (result.status != 200) {
        std::fprintf(stderr, "clawinit status: %s\n",
                     result.error.empty() ? "bad answer" : result.error.c_str());
        return k_no_target;
    }
    if (o.json) {
        std::fputs(result.body.c_str(), stdout);
        return k_ok;
    }
    std::string unreadable;
    const auto doc = parse_status(result.body, &unreadable);
    if (!doc) {
        std::fprintf(stderr, "clawinit status: unreadable /status (%s)\n", unreadable.c_str());
        return k_no_target;
    }
    const HttpResult ready = http_get(*probe, "/ready", 2s);
    std::printf(
        "status     %s\nuptime     %llus\nchild pid  %s\nrestarts   %llu\nlast exit  %s\n"
        "ready      %s\n",
        std::string(status_name(doc->status)).c_str(),
        static_cast<unsigned long long>(doc->uptime_seconds),
        doc->child_pid > 0 ? std::to_string(doc->child_pid).c_str() : "-",
        static_cast<unsigned long long>(doc->restarts), last_exit_text(doc->last_exit).c_str(),
        ready.status == 200 ? "yes" : "no");
    if (doc->reason) std::printf("reason     %s\n", doc->reason->c_str());
    return k_ok;
}

int probe(const SubOptions& o, const Config& config) {
    if (o.words.size() != 1)
        throw ConfigError("usage: clawinit probe live|ready|startup|healthcheck [--probe ADDR]");
    const std::string& which = o.words.front();
    const char* path = which == "live"          ? "/health"
                       : which == "ready"       ? "/ready"
                       : which == "startup"     ? "/startup"
                       : which == "healthcheck" ? "/healthcheck"
                                                : nullptr;
    if (!path)
        throw ConfigError(
            fmt::format("probe: unknown probe '{}' (live, ready, startup or healthcheck)", which));
    const auto address = probe_of(o, config);
    if (!address) throw ConfigError("probe needs the probe server (--probe-listen is off)");
    const HttpResult result = http_get(*address, path, o.timeout.value_or(2s));
    if (result.status == 200) return k_ok;
    if (result.status == 0)
        std::fprintf(stderr, "clawinit probe %s: %s\n", which.c_str(), result.error.c_str());
    else
        std::fprintf(stderr, "clawinit probe %s: %d %s", which.c_str(), result.status,
                     result.body.c_str());
    return k_bad_outcome;
}

int check_config(const SubOptions& o, const Environment& env) {
    if (o.words.size() != 1) throw ConfigError("usage: clawinit check-config [--root DIR] FILE");
    if (!o.root.empty()) set_user_database_root(o.root);
    try {
        std::fputs(to_yaml(load_file_only(o.words.front(), env)).c_str(), stdout);
    } catch (const ConfigError& error) {
        const std::string what = error.what();
        // A file meant for an image names the image's users: say how to check it here.
        if (o.root.empty() && (what.find("unknown user '") != std::string::npos ||
                               what.find("unknown group '") != std::string::npos))
            throw ConfigError(what +
                              "; a file meant for an image: check it against the image's "
                              "/etc/passwd with `clawinit check-config --root DIR FILE` (DIR: "
                              "the image's root, e.g. from `podman image mount IMAGE`), or run "
                              "check-config inside the image");
        throw;
    }
    return k_ok;
}

}  // namespace

bool is_subcommand(std::string_view word) {
    return word == "stop" || word == "restart" || word == "status" || word == "probe" ||
           word == "check-config";
}

int run_subcommand(const std::vector<std::string>& args, const Environment& env) {
    try {
        const SubOptions o = parse(args);
        if (o.help) {
            std::fputs(std::string(subcommand_help(o.name).value_or("")).c_str(), stdout);
            return k_ok;
        }
        if (o.name == "check-config") return check_config(o, env);
        const Config config = target_config(o, env);
        if (o.name == "stop") return stop(o, config);
        if (o.name == "restart") return restart(o, config);
        if (o.name == "status") return status(o, config);
        return probe(o, config);
    } catch (const TargetError& error) {
        std::fprintf(stderr, "clawinit %s: %s\n", args.front().c_str(), error.what());
        return k_no_target;
    }
}

}  // namespace clawinit
