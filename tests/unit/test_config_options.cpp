#include <doctest/doctest.h>

#include <set>
#include <string>

#include "config/options.hpp"
#include "config/value_error.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

const OptionSpec& option(std::string_view name) {
    const OptionSpec* spec = find_option(name);
    REQUIRE_MESSAGE(spec != nullptr, std::string(name));
    return *spec;
}

Config with(std::string_view name, std::string_view value) {
    Config config;
    option(name).set(config, value);
    return config;
}

}  // namespace

TEST_CASE("the table has exactly the options of the spec") {
    const std::set<std::string_view> expected{"grace",
                                              "drain-delay",
                                              "restart-signal",
                                              "restart-exit-code",
                                              "restart-timeout",
                                              "on-crash",
                                              "max-restarts",
                                              "restart-window",
                                              "backoff",
                                              "backoff-max",
                                              "kill-scope",
                                              "rewrite",
                                              "probe-listen",
                                              "ready-check",
                                              "live-check",
                                              "live-failures",
                                              "live-start-period",
                                              "check-interval",
                                              "check-timeout",
                                              "state-dir",
                                              "pid-file",
                                              "user",
                                              "ready-failures",
                                              "not-ready-interval",
                                              "env",
                                              "remap-exit",
                                              "pdeath-signal",
                                              "log-format",
                                              "log-level",
                                              "config"};
    std::set<std::string_view> names;
    for (const OptionSpec& spec : option_table()) {
        CAPTURE(spec.name);
        CHECK(names.insert(spec.name).second);
        CHECK(spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string_view::npos);
        CHECK_FALSE(spec.help.empty());
        CHECK_FALSE(spec.placeholder.empty());
        CHECK((spec.set != nullptr));
        CHECK((spec.get != nullptr));
        // Every repeatable option but env is replaced by a higher source; env merges by name.
        CHECK((spec.clear != nullptr) == (spec.repeat == Repeat::many && spec.name != "env"));
    }
    CHECK(names == expected);
}

TEST_CASE("repeatable options are the spec's") {
    std::set<std::string_view> repeatable;
    for (const OptionSpec& spec : option_table()) {
        if (spec.repeat == Repeat::many) {
            repeatable.insert(spec.name);
        }
    }
    CHECK(repeatable == std::set<std::string_view>{"restart-signal", "restart-exit-code", "rewrite",
                                                   "env", "remap-exit"});
}

TEST_CASE("flag lookup and env names derive from the option name") {
    CHECK(find_short_option('c') == find_option("config"));
    CHECK(find_short_option('x') == nullptr);
    CHECK(find_short_option('\0') == nullptr);
    CHECK(find_option("nope") == nullptr);
    CHECK(env_var_name(option("grace")) == "CLAWINIT_GRACE");
    CHECK(env_var_name(option("restart-signal")) == "CLAWINIT_RESTART_SIGNAL");
    CHECK(env_var_name(option("config")) == "CLAWINIT_CONFIG");
}

TEST_CASE("every default, written out by get, parses back to itself") {
    for (const OptionSpec& spec : option_table()) {
        CAPTURE(spec.name);
        const Config defaults;
        Config copy;
        if (spec.clear != nullptr) {
            spec.clear(copy);
        }
        for (const std::string& value : spec.get(defaults)) {
            spec.set(copy, value);
        }
        CHECK(spec.get(copy) == spec.get(defaults));
    }
}

TEST_CASE("good values land in the config") {
    CHECK(with("grace", "30s").grace == 30s);
    CHECK(with("drain-delay", "1.5").drain_delay == 1500ms);
    CHECK(with("restart-timeout", "2m").restart_timeout == 2min);
    CHECK(with("on-crash", "on-failure").on_crash == OnCrash::on_failure);
    CHECK(with("max-restarts", "0").max_restarts == 0);
    CHECK(with("kill-scope", "child").kill_scope == KillScope::child);
    CHECK(with("probe-listen", "off").probe_listen == "off");
    CHECK(with("probe-listen", "[::]:9000").probe_listen == "[::]:9000");
    CHECK(with("ready-check", "http://127.0.0.1:18789/readyz").ready_check ==
          "http://127.0.0.1:18789/readyz");
    CHECK(with("ready-check", "").ready_check.empty());
    CHECK(with("live-check", "exec:true").live_check == "exec:true");
    CHECK(with("live-failures", "1").live_failures == 1);
    CHECK(with("user", "root:root").user == "root:root");
    CHECK(with("user", "root:root").user_ids->uid == 0);
    CHECK(with("user", "1000").user == "1000");
    CHECK(with("user", "1000").user_ids->uid == 1000);
    CHECK(with("user", "4294967294").user_ids->uid == 4294967294U);
    CHECK_FALSE(with("user", "").user_ids.has_value());
    CHECK(with("restart-timeout", "1ms").restart_timeout == 1ms);
    CHECK(with("pdeath-signal", "TERM").pdeath_signal == SIGTERM);
    CHECK(with("pdeath-signal", "0").pdeath_signal == 0);
    CHECK(with("log-format", "json").log_format == LogFormat::json);
    CHECK(with("log-level", "off").log_level == LogLevel::off);
    CHECK(with("state-dir", "/var/lib/clawinit").state_dir == "/var/lib/clawinit");
    CHECK(with("config", "/etc/clawinit.yaml").config_file == "/etc/clawinit.yaml");
}

TEST_CASE("--log-level reads the names log lines print, and warning for warn") {
    for (const LogLevel level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                                 LogLevel::error, LogLevel::off}) {
        CAPTURE(log_level_name(level));
        const Config config = with("log-level", log_level_name(level));
        CHECK(config.log_level == level);
        CHECK(option("log-level").get(config) ==
              std::vector<std::string>{std::string(log_level_name(level))});
    }
    // The alias is read, and written back as the one name.
    const Config alias = with("log-level", "warning");
    CHECK(alias.log_level == LogLevel::warn);
    CHECK(option("log-level").get(alias) == std::vector<std::string>{"warn"});
}

TEST_CASE("repeatable setters append, ignore repeats and keep the last mapping") {
    Config config;
    option("restart-signal").set(config, "USR2");
    option("restart-signal").set(config, "SIGUSR2");
    CHECK(config.restart_signals == std::vector<int>{SIGUSR1, SIGUSR2});

    option("rewrite").set(config, "SIGTERM:SIGINT");
    option("rewrite").set(config, "HUP:0");
    option("rewrite").set(config, "TERM:INT");
    CHECK(config.rewrite == std::map<int, int>{{SIGHUP, 0}, {SIGTERM, SIGINT}});
    CHECK(option("rewrite").get(config) == std::vector<std::string>{"SIGHUP:0", "SIGTERM:SIGINT"});

    option("remap-exit").set(config, "143:0");
    CHECK(config.remap_exit == std::map<int, int>{{143, 0}});
    option("env").set(config, "A=");
    option("env").set(config, "B=x=y");
    option("env").set(config, "GONE");
    option("env").set(config, "A=again");
    CHECK(config.env == std::vector<std::string>{"A=again", "B=x=y", "GONE"});
    option("restart-exit-code").set(config, "0");
    CHECK(config.restart_exit_codes == std::vector<int>{1, 0});
}

TEST_CASE("bad values throw ValueError that quotes the value and shows the forms") {
    struct Case {
        const char* option;
        const char* value;
        const char* message;
    };
    const Case cases[] = {
        {"grace", "8x", "bad duration '8x' (use 250ms, 8s, 2m or bare seconds)"},
        {"grace", "", "bad duration ''"},
        {"restart-window", "0s", "bad duration '0s' (must be longer than 0)"},
        {"check-interval", "0", "must be longer than 0"},
        {"restart-signal", "SIGFOO", "bad signal 'SIGFOO' (use a name like SIGUSR1"},
        {"restart-signal", "0", "bad signal '0'"},
        {"restart-signal", "KILL", "bad signal 'KILL' (SIGKILL cannot be caught)"},
        {"restart-signal", "TERM", "SIGTERM is a stop signal"},
        {"restart-signal", "CHLD", "SIGCHLD is used for reaping"},
        {"restart-signal", "SEGV", "SIGSEGV is a fault signal"},
        {"restart-exit-code", "256", "bad exit code '256' (use 0..255)"},
        {"restart-exit-code", "-1", "bad exit code '-1'"},
        {"on-crash", "sometimes", "bad value 'sometimes' (use never, on-failure or always)"},
        {"max-restarts", "-1", "bad number '-1' (use a whole number >= 0)"},
        {"max-restarts", "5x", "bad number '5x'"},
        {"live-failures", "0", "bad number '0' (use a whole number >= 1)"},
        {"kill-scope", "pid", "bad value 'pid' (use child or group)"},
        {"rewrite", "TERM", "bad mapping 'TERM' (use SRC:DST"},
        {"rewrite", ":INT", "bad mapping ':INT'"},
        {"rewrite", "TERM:", "bad mapping 'TERM:'"},
        {"rewrite", "0:TERM", "bad signal '0'"},
        {"rewrite", "STOP:TERM", "SIGSTOP cannot be caught"},
        {"rewrite", "TERM:BOGUS", "bad signal 'BOGUS'"},
        {"probe-listen", "8899", "bad address '8899'"},
        {"probe-listen", "0.0.0.0:0", "the port must be 1..65535"},
        {"ready-check", "https://x:443/", "bad check 'https://x:443/'"},
        {"live-check", "exec:", "exec: needs a command"},
        {"ready-check", "exec:\"unterminated",
         "bad check 'exec:\"unterminated' (exec: unterminated \" quote)"},
        {"live-check", "exec:check 'a b",
         "bad check 'exec:check 'a b' (exec: unterminated ' quote)"},
        {"ready-check", "exec:'' x", "bad check 'exec:'' x' (exec: the program name is empty)"},
        {"restart-timeout", "0", "bad duration '0' (must be longer than 0)"},
        {"grace", "0", "bad duration '0' (must be longer than 0)"},
        {"restart-timeout", "0ms", "bad duration '0ms' (must be longer than 0)"},
        {"user", "nosuchuser-clawinit",
         "unknown user 'nosuchuser-clawinit' (not in /etc/passwd; a numeric uid needs no entry)"},
        {"user", "root:nosuchgroup-clawinit",
         "unknown group 'nosuchgroup-clawinit' (not in /etc/group; a numeric gid needs no entry)"},
        {"user", "4294967295", "bad user id '4294967295' (use 0..4294967294)"},
        {"user", "99999999999999999999", "bad user id '99999999999999999999' (use 0..4294967294)"},
        {"user", "0:4294967295", "bad group id '4294967295' (use 0..4294967294)"},
        {"user", ":staff", "bad user ':staff' (use USER or USER:GROUP)"},
        {"user", "a:b:c", "bad user 'a:b:c'"},
        {"env", "=x", "bad variable '=x' (use NAME=VALUE, or NAME alone to remove NAME)"},
        {"env", "", "bad variable ''"},
        {"remap-exit", "143:256", "bad exit code '256'"},
        {"remap-exit", "143", "bad mapping '143'"},
        {"pdeath-signal", "SIGNOPE", "bad signal 'SIGNOPE'"},
        {"log-format", "xml", "bad value 'xml' (use text or json)"},
        {"log-level", "verbose", "(use trace, debug, info, warn, error, off or warning)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.option);
        CAPTURE(c.value);
        Config config;
        CHECK_THROWS_WITH_AS(option(c.option).set(config, c.value), doctest::Contains(c.message),
                             ValueError);
    }
}

TEST_CASE("one source mapping the same key two ways is a contradiction") {
    Config config;
    option("rewrite").set(config, "TERM:INT");
    CHECK_THROWS_WITH_AS(option("rewrite").set(config, "SIGTERM:QUIT"),
                         "SIGTERM is mapped twice (to SIGINT and SIGQUIT)", ValueError);
    option("remap-exit").set(config, "143:0");
    CHECK_THROWS_WITH_AS(option("remap-exit").set(config, "143:1"),
                         "143 is mapped twice (to 0 and 1)", ValueError);
}
