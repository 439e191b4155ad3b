#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/load.hpp"

using namespace clawinit;
using namespace std::chrono_literals;
using Args = std::vector<std::string>;

namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "clawinit-load-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = (m_path / name).string();
        std::ofstream(path) << text;
        return path;
    }

private:
    std::filesystem::path m_path;
};

Config run(const Args& args, const Environment& env = {}) {
    const Invocation invocation = parse_invocation(args, env);
    REQUIRE(invocation.kind == InvocationKind::run);
    return invocation.config;
}

}  // namespace

TEST_CASE("a bare command runs with the defaults") {
    const Config config = run({"/bin/true"});
    CHECK(config.command == Args{"/bin/true"});
    CHECK(config.grace == 8s);
    CHECK(config.restart_signals == std::vector<int>{SIGUSR1});
    CHECK(config.config_file.empty());
}

TEST_CASE("flag spellings: --name VALUE, --name=VALUE, -c FILE, -cFILE") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "grace: 3s\n");
    CHECK(run({"--grace", "2s", "x"}).grace == 2s);
    CHECK(run({"--grace=250ms", "x"}).grace == 250ms);
    CHECK(run({"-c", file, "x"}).grace == 3s);
    CHECK(run({"-c" + file, "x"}).config_file == file);
    CHECK(run({"--config=" + file, "x"}).grace == 3s);
}

TEST_CASE("the command starts at the first non-option or after --") {
    CHECK(run({"--grace", "1s", "node", "server.js", "--grace", "-v"}).command ==
          Args{"node", "server.js", "--grace", "-v"});
    CHECK(run({"--", "--grace", "1s"}).command == Args{"--grace", "1s"});
    CHECK(run({"--grace", "1s", "--", "--", "x"}).command == Args{"--", "x"});
    CHECK(run({"-"}).command == Args{"-"});
    CHECK(run({"--grace", "1s", "--", "--"}).command == Args{"--"});
}

TEST_CASE("help and version") {
    CHECK(parse_invocation({"--help"}, {}).kind == InvocationKind::help);
    CHECK(parse_invocation({"-h"}, {}).kind == InvocationKind::help);
    CHECK(parse_invocation({"--version"}, {}).kind == InvocationKind::version);
    CHECK(parse_invocation({"-V"}, {}).kind == InvocationKind::version);
    // Asking for help must work even when the rest of the line or the environment is wrong.
    CHECK(
        parse_invocation({"--grace", "bad", "--help", "--nope"}, {{"CLAWINIT_GRACE", "x"}}).kind ==
        InvocationKind::help);
    CHECK_THROWS_WITH_AS(parse_invocation({"--help=yes"}, {}), "option '--help' takes no value",
                         ConfigError);
    // After the command starts, --help belongs to the child.
    CHECK(run({"app", "--help"}).command == Args{"app", "--help"});
}

TEST_CASE("flag errors") {
    struct Case {
        Args args;
        const char* message;
    };
    const Case cases[] = {
        {{"--foo", "x"}, "unknown option '--foo' (see --help)"},
        {{"--foo=1", "x"}, "unknown option '--foo' (see --help)"},
        {{"-x", "app"}, "unknown option '-x' (see --help)"},
        {{"--GRACE", "1s", "x"}, "unknown option '--GRACE'; did you mean '--grace'?"},
        {{"--restart-timout", "1s", "x"},
         "unknown option '--restart-timout'; did you mean '--restart-timeout'?"},
        {{"--live_check", "tcp://127.0.0.1:1", "x"},
         "unknown option '--live_check'; did you mean '--live-check'?"},
        {{"--grace"}, "option '--grace' needs a value: --grace D"},
        {{"x", "--grace"}, nullptr},
        {{"--grace", "8x", "app"},
         "option '--grace': bad duration '8x' (use 250ms, 8s, 2m or bare seconds)"},
        {{"--restart-signal", "SIGFOO", "app"},
         "option '--restart-signal': bad signal 'SIGFOO' (use a name like SIGUSR1 or USR1, "
         "SIGRTMIN+N, or a number)"},
        {{"--grace=", "app"},
         "option '--grace': bad duration '' (use 250ms, 8s, 2m or bare seconds)"},
        {{}, "no command given: clawinit [OPTIONS] [--] COMMAND [ARG...]"},
        {{"--grace", "1s"}, "no command given: clawinit [OPTIONS] [--] COMMAND [ARG...]"},
        {{"--grace", "1s", "--"}, "no command given: clawinit [OPTIONS] [--] COMMAND [ARG...]"},
    };
    for (const Case& c : cases) {
        CAPTURE(doctest::toString(c.args.size()));
        if (c.message == nullptr) {
            CHECK_NOTHROW(parse_invocation(c.args, {}));
        } else {
            CHECK_THROWS_WITH_AS(parse_invocation(c.args, {}), c.message, ConfigError);
        }
    }
}

TEST_CASE("precedence for a scalar: flag > env > file > default") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "grace: 3s\n");
    const Environment env{{"CLAWINIT_GRACE", "4s"}};
    CHECK(run({"-c", file, "--grace", "5s", "x"}, env).grace == 5s);
    CHECK(run({"-c", file, "x"}, env).grace == 4s);
    CHECK(run({"-c", file, "x"}).grace == 3s);
    CHECK(run({"x"}).grace == 8s);
    // The last of several flags wins.
    CHECK(run({"--grace", "1s", "--grace", "2s", "x"}).grace == 2s);
}

TEST_CASE("precedence for a repeatable option: the highest source replaces the whole list") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "restart-signal: [USR2, HUP]\n");
    const Environment env{{"CLAWINIT_RESTART_SIGNAL", "RTMIN+1, WINCH"}};
    const Args flags{"--restart-signal", "USR2", "--restart-signal", "ALRM", "x"};
    Args with_file = flags;
    with_file.insert(with_file.begin(), {"-c", file});

    CHECK(run(with_file, env).restart_signals == std::vector<int>{SIGUSR2, SIGALRM});
    CHECK(run({"-c", file, "x"}, env).restart_signals == std::vector<int>{SIGRTMIN + 1, SIGWINCH});
    CHECK(run({"-c", file, "x"}).restart_signals == std::vector<int>{SIGUSR2, SIGHUP});
    CHECK(run({"x"}).restart_signals == std::vector<int>{SIGUSR1});
}

TEST_CASE("repeatable options from a lower source survive when a higher one is silent") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "env: [A=1, B=2]\nrewrite: TERM:INT\n");
    const Config config =
        run({"-c", file, "--env", "C=3", "x"}, {{"CLAWINIT_REMAP_EXIT", "143:0,137:0"}});
    CHECK(config.env == std::vector<std::string>{"A=1", "B=2", "C=3"});
    CHECK(config.rewrite == std::map<int, int>{{SIGTERM, SIGINT}});
    CHECK(config.remap_exit == std::map<int, int>{{137, 0}, {143, 0}});
}

TEST_CASE("env merges by name across sources: file < CLAWINIT_ENV < flags, others kept") {
    TempDir dir;
    const std::string file =
        dir.write("c.yaml", "env: [A=1, OPENCLAW_SUPERVISOR_MODE=external, TZ=UTC]\n");
    using Entries = std::vector<std::string>;
    // A flag for another name keeps the file's whole list (issue: it used to replace it).
    CHECK(run({"-c", file, "--env", "B=2", "x"}).env ==
          Entries{"A=1", "OPENCLAW_SUPERVISOR_MODE=external", "TZ=UTC", "B=2"});
    // A flag for the same name wins, in the file's place.
    CHECK(run({"-c", file, "--env", "A=3", "x"}).env ==
          Entries{"A=3", "OPENCLAW_SUPERVISOR_MODE=external", "TZ=UTC"});
    // The environment sits between: over the file, under the flags; a bare name removes.
    const Environment env{{"CLAWINIT_ENV", "A=env, TZ, C=env"}};
    CHECK(run({"-c", file, "x"}, env).env ==
          Entries{"A=env", "OPENCLAW_SUPERVISOR_MODE=external", "TZ", "C=env"});
    CHECK(run({"-c", file, "--env", "C=flag", "--env", "TZ=Asia/Tokyo", "x"}, env).env ==
          Entries{"A=env", "OPENCLAW_SUPERVISOR_MODE=external", "TZ=Asia/Tokyo", "C=flag"});
    // An empty list from a higher source adds nothing and removes nothing.
    CHECK(run({"-c", file, "x"}, {{"CLAWINIT_ENV", ""}}).env ==
          Entries{"A=1", "OPENCLAW_SUPERVISOR_MODE=external", "TZ=UTC"});
    CHECK_THROWS_WITH_AS(run({"--env", "=oops", "x"}),
                         "option '--env': bad variable '=oops' (use NAME=VALUE, or NAME alone to "
                         "remove NAME)",
                         ConfigError);
}

TEST_CASE("an empty env value is the empty list for a repeatable option") {
    const Config config =
        run({"x"}, {{"CLAWINIT_RESTART_EXIT_CODE", ""}, {"CLAWINIT_RESTART_SIGNAL", " USR2 ,, "}});
    CHECK(config.restart_exit_codes.empty());
    CHECK(config.restart_signals == std::vector<int>{SIGUSR2});
}

TEST_CASE("unknown CLAWINIT_* variables are ignored (Kubernetes service links)") {
    const Environment env{{"CLAWINIT_PORT", "tcp://10.96.0.12:8899"},
                          {"CLAWINIT_PORT_8899_TCP_ADDR", "10.96.0.12"},
                          {"CLAWINIT_SERVICE_HOST", "10.96.0.12"},
                          {"CLAWINIT_SERVICE_PORT", "8899"},
                          {"CLAWINIT_LOG_LEVEL", "debug"},
                          {"PATH", "/usr/bin"}};
    const Config config = run({"x"}, env);
    CHECK(config.log_level == LogLevel::debug);
    CHECK(config.probe_listen == "0.0.0.0:8899");
}

TEST_CASE("a known variable with a bad value is an error naming it") {
    struct Case {
        const char* name;
        const char* value;
        const char* message;
    };
    const Case cases[] = {
        {"CLAWINIT_GRACE", "x",
         "env CLAWINIT_GRACE: bad duration 'x' (use 250ms, 8s, 2m or bare seconds)"},
        {"CLAWINIT_RESTART_SIGNAL", "USR2,NOPE",
         "env CLAWINIT_RESTART_SIGNAL: bad signal 'NOPE' (use a name like SIGUSR1 or USR1, "
         "SIGRTMIN+N, or a number)"},
        {"CLAWINIT_ON_CRASH", "sometimes",
         "env CLAWINIT_ON_CRASH: bad value 'sometimes' (use never, on-failure or always)"},
        {"CLAWINIT_PROBE_LISTEN", "99999",
         "env CLAWINIT_PROBE_LISTEN: bad address '99999' (use HOST:PORT or [IPV6]:PORT)"},
        {"CLAWINIT_MAX_RESTARTS", "",
         "env CLAWINIT_MAX_RESTARTS: bad number '' (use a whole number >= 0)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CHECK_THROWS_WITH_AS(parse_invocation({"x"}, {{c.name, c.value}}), c.message, ConfigError);
    }
}

TEST_CASE("the config file comes from -c, else CLAWINIT_CONFIG") {
    TempDir dir;
    const std::string from_env = dir.write("env.yaml", "grace: 1s\n");
    const std::string from_flag = dir.write("flag.yaml", "grace: 2s\n");
    const Environment env{{"CLAWINIT_CONFIG", from_env}};
    CHECK(run({"x"}, env).grace == 1s);
    CHECK(run({"x"}, env).config_file == from_env);
    CHECK(run({"--config", from_flag, "x"}, env).grace == 2s);
    CHECK(run({"--config", from_flag, "x"}, env).config_file == from_flag);
    CHECK(run({"x"}, {{"CLAWINIT_CONFIG", ""}}).config_file.empty());
    CHECK_THROWS_WITH_AS(run({"x"}, {{"CLAWINIT_CONFIG", from_env + ".missing"}}),
                         (from_env + ".missing: cannot read: No such file or directory").c_str(),
                         ConfigError);
}

TEST_CASE("the command can come from the file, and the command line overrides it") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "command: [node, server.js, --port, '3000']\n");
    CHECK(run({"-c", file}).command == Args{"node", "server.js", "--port", "3000"});
    CHECK(run({"-c", file, "--", "sh"}).command == Args{"sh"});
    const std::string spaced = dir.write("s.yaml", "command: ['/usr/local/bin/my gateway']\n");
    CHECK(run({"-c", spaced}).command == Args{"/usr/local/bin/my gateway"});
}

TEST_CASE("a command given as one string is refused, even when the command line has one") {
    // It would be exec'd as a program named "node app.js" (exit 127): no shell splits it.
    TempDir dir;
    const std::string file = dir.write("c.yaml", "grace: 2s\ncommand: node app.js\n");
    const std::string message =
        file +
        ":2:10: key 'command': expects a list, not a string: command: [\"node\", \"app.js\"]";
    CHECK_THROWS_WITH_AS(run({"-c", file}), message.c_str(), ConfigError);
    CHECK_THROWS_WITH_AS(run({"-c", file, "--", "sh"}), message.c_str(), ConfigError);
    CHECK_THROWS_WITH_AS(load_file_only(file, {}), message.c_str(), ConfigError);
}

TEST_CASE("config errors found at load, with where they were given: the run and check-config") {
    TempDir dir;
    struct Case {
        Args args;
        Environment env;
        std::string message;
    };
    const std::string user_file = dir.write("u.yaml", "grace: 2s\nuser: nosuchuser-clawinit\n");
    const std::string unknown_user =
        "unknown user 'nosuchuser-clawinit' (not in /etc/passwd; a numeric uid needs no entry)";
    const Case cases[] = {
        {{"-c", user_file, "x"}, {}, user_file + ":2:7: key 'user': " + unknown_user},
        {{"--user", "nosuchuser-clawinit", "x"}, {}, "option '--user': " + unknown_user},
        {{"x"}, {{"CLAWINIT_USER", "nosuchuser-clawinit"}}, "env CLAWINIT_USER: " + unknown_user},
        {{"--user", "4294967295", "x"},
         {},
         "option '--user': bad user id '4294967295' (use 0..4294967294)"},
        {{"--user", "root:4294967295", "x"},
         {},
         "option '--user': bad group id '4294967295' (use 0..4294967294)"},
        {{"--restart-timeout", "0", "x"},
         {},
         "option '--restart-timeout': bad duration '0' (must be longer than 0)"},
        {{"x"},
         {{"CLAWINIT_RESTART_TIMEOUT", "0s"}},
         "env CLAWINIT_RESTART_TIMEOUT: bad duration '0s' (must be longer than 0)"},
        {{"--ready-check", "exec:\"unterminated", "x"},
         {},
         "option '--ready-check': bad check 'exec:\"unterminated' (exec: unterminated \" quote)"},
        {{"--live-check", "exec:   ", "x"},
         {},
         "option '--live-check': bad check 'exec:   ' (exec: needs a command)"},
        {{"--live-check", "exec:\"\"", "x"},
         {},
         "option '--live-check': bad check 'exec:\"\"' (exec: the program name is empty)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.message);
        CHECK_THROWS_WITH_AS(parse_invocation(c.args, c.env), c.message.c_str(), ConfigError);
    }
    // check-config loads the file the same way.
    CHECK_THROWS_WITH_AS(load_file_only(user_file, {}),
                         (user_file + ":2:7: key 'user': " + unknown_user).c_str(), ConfigError);
}

TEST_CASE("--user is resolved at load: the spawn gets numbers") {
    const Config config = run({"--user", "root:0", "x"});
    REQUIRE(config.user_ids.has_value());
    CHECK(config.user_ids->uid == 0);
    CHECK(config.user_ids->gid == 0);
    CHECK_FALSE(run({"x"}).user_ids.has_value());
    // CLAWINIT_USER= over a file's user keeps clawinit's own user (runAsNonRoot).
    TempDir dir;
    const std::string file = dir.write("c.yaml", "user: \"1000\"\n");
    CHECK(run({"-c", file, "x"}).user_ids->uid == 1000);
    CHECK_FALSE(run({"-c", file, "x"}, {{"CLAWINIT_USER", ""}}).user_ids.has_value());
    CHECK(run({"-c", file, "--user", "2000", "x"}, {{"CLAWINIT_USER", ""}}).user_ids->uid == 2000);
}

TEST_CASE("an unknown user is an error only if it is the value that wins") {
    // An image's file names a user of that image (`user: node`); on a machine without it,
    // `--user root` or `CLAWINIT_USER=` over it must run (flag > env > file).
    TempDir dir;
    const std::string file = dir.write("c.yaml", "grace: 2s\nuser: nosuchuser-clawinit\n");
    CHECK(run({"-c", file, "--user", "root", "x"}).user_ids->uid == 0);
    CHECK_FALSE(run({"-c", file, "x"}, {{"CLAWINIT_USER", ""}}).user_ids.has_value());
    CHECK(run({"-c", file, "x"}, {{"CLAWINIT_USER", "0"}}).user_ids->uid == 0);
    // The winner is checked wherever it came from, and reported from there.
    const std::string unknown =
        "unknown user 'nosuchuser-clawinit' (not in /etc/passwd; a numeric uid needs no entry)";
    CHECK_THROWS_WITH_AS(parse_invocation({"-c", file, "x"}, {{"CLAWINIT_GRACE", "3s"}}),
                         (file + ":2:7: key 'user': " + unknown).c_str(), ConfigError);
    CHECK_THROWS_WITH_AS(parse_invocation({"-c", file, "--user", "nosuchuser-clawinit", "x"},
                                          {{"CLAWINIT_USER", "0"}}),
                         ("option '--user': " + unknown).c_str(), ConfigError);
    // Other bad values stay errors even when overridden: they are wrong everywhere.
    const std::string bad_id = dir.write("b.yaml", "user: \"4294967295\"\n");
    CHECK_THROWS_AS(parse_invocation({"-c", bad_id, "--user", "root", "x"}, {}), ConfigError);
}

TEST_CASE("contradictory combinations are refused after all sources are merged") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "backoff-max: 10s\n");
    CHECK_THROWS_WITH_AS(run({"-c", file, "--backoff", "20s", "x"}),
                         "backoff (20s) is longer than backoff-max (10s)", ConfigError);
    CHECK_THROWS_WITH_AS(run({"--check-interval", "500ms", "x"}),
                         "check-timeout (1s) is longer than check-interval (500ms): a check must "
                         "end before the next one is due",
                         ConfigError);
    CHECK(run({"--backoff", "30s", "--check-timeout", "2s", "x"}).backoff == 30s);
}

TEST_CASE("load_file_only: file, env and defaults, no command needed") {
    TempDir dir;
    const std::string file = dir.write("c.yaml", "grace: 3s\ndrain-delay: 1s\n");
    const std::string other = dir.write("o.yaml", "grace: 9s\n");
    const Config config = load_file_only(
        file, {{"CLAWINIT_DRAIN_DELAY", "2s"}, {"CLAWINIT_CONFIG", other}, {"CLAWINIT_PORT", "x"}});
    CHECK(config.grace == 3s);
    CHECK(config.drain_delay == 2s);  // env over file, as the run sees it (README: check-config)
    CHECK(config.config_file == file);
    CHECK(config.command.empty());
    const std::string bad = dir.write("b.yaml", "backoff: 1m\n");
    CHECK_THROWS_WITH_AS(load_file_only(bad, {}), "backoff (1m) is longer than backoff-max (30s)",
                         ConfigError);
}
