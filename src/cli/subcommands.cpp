#include "cli/subcommands.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "cli/http_get.hpp"
#include "cli/subcommand_help.hpp"
#include "cli/target.hpp"
#include "config/duration.hpp"
#include "config/signal_names.hpp"
#include "json/reader.hpp"
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

// A /status body (probe/answer.cpp's answer_status) as a tree. A body that is not JSON reads
// as an empty document, so every field takes its fallback, as when the server is not there.
JsonValue status_document(const std::string& body) {
    JsonParse parsed = parse_json(body);
    return parsed.value ? std::move(*parsed.value) : JsonValue();
}

// /status keeps the child's fields in a nested object: {"child":{"pid":..,"restarts":..}}.
const JsonValue* child_field(const JsonValue& status, std::string_view key) {
    const JsonValue* child = status.find("child");
    return child ? child->find(key) : nullptr;
}

// A scalar as the server wrote it ("running", "12", "true"); `fallback` if absent or null.
std::string text_or(const JsonValue* value, const char* fallback = "-") {
    if (!value) return fallback;
    if (const std::string* text = value->string()) return *text;
    if (const auto number = value->number_text()) return std::string(*number);
    if (const auto flag = value->boolean()) return *flag ? "true" : "false";
    return fallback;
}

long long integer_or_0(const JsonValue* value) {
    return value ? value->integer<long long>().value_or(0) : 0;
}

std::string last_exit_text(const FinalStatus& outcome) {
    return outcome.last_exit ? std::to_string(*outcome.last_exit) : "-";
}

// What the running clawinit publishes in /status about how to drive it (see
// probe/snapshot.hpp): it wins over this process's own config, which under `docker exec` or
// `kubectl exec` may be another environment, another file, or none at all.
struct Published {
    std::optional<int> restart_signal;
    std::optional<Duration> restart_timeout;
    std::optional<Duration> stop_timeout;
};

std::optional<Duration> seconds_field(const JsonValue& status, std::string_view key) {
    const JsonValue* value = status.find(key);
    const auto seconds = value ? value->number() : std::nullopt;
    // The upper bound keeps the cast defined: no timeout clawinit publishes is near it.
    if (!seconds || !(*seconds >= 0) || *seconds > 1e9) return std::nullopt;
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*seconds));
}

Published published(const std::optional<IpEndpoint>& probe) {
    Published p;
    if (!probe) return p;
    const HttpResult status = http_get(*probe, "/status", 2s);
    if (status.status != 200) return p;
    const JsonValue doc = status_document(status.body);
    if (const JsonValue* name = doc.find("restart_signal"); name && name->string())
        p.restart_signal = parse_signal(*name->string());
    p.restart_timeout = seconds_field(doc, "restart_timeout");
    p.stop_timeout = seconds_field(doc, "stop_timeout");
    return p;
}

// The pid the running clawinit gives in /status; nullopt when its probe server cannot be asked.
std::optional<pid_t> published_pid(const std::optional<IpEndpoint>& probe) {
    if (!probe) return std::nullopt;
    const HttpResult status = http_get(*probe, "/status", 2s);
    if (status.status != 200) return std::nullopt;
    const JsonValue* pid = status_document(status.body).find("pid");
    const auto value = pid ? pid->integer<pid_t>() : std::nullopt;
    if (!value || *value <= 0) return std::nullopt;
    return value;
}

pid_t target_pid(const SubOptions& o, const std::optional<IpEndpoint>& probe) {
    return find_target(o.pid, o.pid_file, [&] { return published_pid(probe); });
}

int stop(const SubOptions& o, const Config& config) {
    const auto probe = probe_of(o, config);
    const pid_t pid = target_pid(o, probe);
    const Duration stop_timeout = (o.wait ? published(probe).stop_timeout : std::nullopt)
                                      .value_or(config.drain_delay + config.grace);
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
    const HttpResult before = http_get(*probe, "/status", 2s);
    if (before.status != 200) throw TargetError(fmt::format("probe server: {}", before.error));
    const JsonValue before_doc = status_document(before.body);
    const long long restarts0 = integer_or_0(child_field(before_doc, "restarts"));
    const long long child0 = integer_or_0(child_field(before_doc, "pid"));
    // If clawinit exits instead of restarting, this is how we learn why.
    HttpExchange exit_watch = http_send(*probe, "/status?wait=exit", deadline);
    if (exit_watch.error.empty()) http_read_head(exit_watch, deadline);
    const auto started = SteadyClock::now();
    if (::kill(pid, signo) != 0)
        throw TargetError(fmt::format("kill({}, {}) failed", pid, signal_name(signo)));

    bool saw_restarting = false;
    bool saw_stop = false;  // a stop (SIGTERM) began meanwhile: it wins, no restart follows
    for (;;) {
        const HttpResult now = http_get(*probe, "/status", 2s);
        if (now.status != 200) {
            const HttpResult end = exit_watch.error.empty()
                                       ? http_finish(exit_watch, SteadyClock::now() + 2s)
                                       : HttpResult{};
            const auto outcome = end.status == 200 ? parse_final_status(end.body) : std::nullopt;
            if (outcome && saw_stop)
                std::fprintf(stderr,
                             "clawinit restart: a stop arrived during the restart and won; "
                             "clawinit exited with %d\n",
                             outcome->exit_code);
            else if (outcome)
                std::fprintf(stderr,
                             "clawinit restart: the child exited with code %s, not a restart code; "
                             "clawinit exited with %d\n",
                             last_exit_text(*outcome).c_str(), outcome->exit_code);
            else
                std::fprintf(stderr,
                             "clawinit restart: clawinit went away during the restart (%s)\n",
                             now.error.c_str());
            return k_bad_outcome;
        }
        const JsonValue doc = status_document(now.body);
        const std::string status = text_or(doc.find("status"));
        const long long restarts = integer_or_0(child_field(doc, "restarts"));
        const long long child = integer_or_0(child_field(doc, "pid"));
        saw_restarting |= status == "restarting";
        saw_stop |= text_or(doc.find("reason")) == "graceful shutdown";
        if (restarts > restarts0 && status == "running") {
            std::printf("restarted: child pid %lld -> %lld, ready after %.3fs\n", child0, child,
                        std::chrono::duration<double>(SteadyClock::now() - started).count());
            return k_ok;
        }
        if (restarts == restarts0 && saw_stop) {
            // The child may still be running (the stop's grace): there is no exit code to
            // report yet, and no restart will follow.
            std::fprintf(stderr, "clawinit restart: a stop is under way; no restart will happen\n");
            return k_bad_outcome;
        }
        if (restarts == restarts0 && (status == "stopping" || status == "backoff")) {
            std::fprintf(stderr,
                         "clawinit restart: the child exited with code %s, not a restart code\n",
                         text_or(child_field(doc, "last_exit")).c_str());
            return k_bad_outcome;
        }
        if (restarts == restarts0 && saw_restarting && status == "running" && child == child0) {
            std::fprintf(
                stderr,
                "clawinit restart: child pid %lld did not exit within the restart timeout\n",
                child0);
            return k_bad_outcome;
        }
        if (SteadyClock::now() > deadline) {
            std::fprintf(stderr, "clawinit restart: %s\n",
                         restarts > restarts0 ? "the new child never became ready" : "timed out");
            return restarts > restarts0 ? k_bad_outcome : k_timed_out;
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
    const HttpResult ready = http_get(*probe, "/ready", 2s);
    const JsonValue doc = status_document(result.body);
    std::printf(
        "status     %s\nuptime     %ss\nchild pid  %s\nrestarts   %s\nlast exit  %s\nready      "
        "%s\n",
        text_or(doc.find("status")).c_str(), text_or(doc.find("uptime")).c_str(),
        text_or(child_field(doc, "pid")).c_str(), text_or(child_field(doc, "restarts")).c_str(),
        text_or(child_field(doc, "last_exit")).c_str(), ready.status == 200 ? "yes" : "no");
    if (const JsonValue* reason = doc.find("reason"); reason && reason->string())
        std::printf("reason     %s\n", reason->string()->c_str());
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
