#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/yaml_file.hpp"
#include "config/yaml_tree.hpp"
#include "temp_dir.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

namespace {

Config load(const std::string& path) {
    Config config;
    apply_config_file(path, config);
    return config;
}

std::string error_of(const std::string& path) {
    try {
        // An unknown user is kept for after the later sources (load.cpp reports it then).
        const std::string deferred = load(path).user_error;
        if (!deferred.empty()) return deferred;
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("empty and comment-only files change nothing") {
    TempDir dir;
    for (const char* text : {"", "# nothing yet\n", "---\n", "\n\n"}) {
        CAPTURE(text);
        const Config config = load(dir.write("c.yaml", text));
        CHECK(config.grace == 8s);
        CHECK(config.restart_signals == std::vector<int>{SIGUSR1});
    }
}

TEST_CASE("a full file: scalars, lists, a scalar for a repeatable key, [] for none") {
    TempDir dir;
    const Config config = load(dir.write("c.yaml", R"(# OpenClaw 2026.9 with external supervision
grace: 2m
drain-delay: 5
restart-signal: SIGUSR2
restart-exit-code: [0, 1]
on-crash: on-failure
max-restarts: 10
backoff: 1.5
rewrite:
  - SIGTERM:SIGINT
  - "HUP:0"
probe-listen: "[::]:8899"
ready-check: http://127.0.0.1:18789/readyz
env: []
remap-exit: [143:0]
log-format: json
command: [openclaw, gateway, run]
)"));
    CHECK(config.grace == 2min);
    CHECK(config.drain_delay == 5s);
    CHECK(config.restart_signals == std::vector<int>{SIGUSR2});
    CHECK(config.restart_exit_codes == std::vector<int>{0, 1});
    CHECK(config.on_crash == OnCrash::on_failure);
    CHECK(config.max_restarts == 10);
    CHECK(config.backoff == 1500ms);
    CHECK(config.rewrite == std::map<int, int>{{SIGHUP, 0}, {SIGTERM, SIGINT}});
    CHECK(config.probe_listen == "[::]:8899");
    CHECK(config.ready_check == "http://127.0.0.1:18789/readyz");
    CHECK(config.env.empty());
    CHECK(config.remap_exit == std::map<int, int>{{143, 0}});
    CHECK(config.log_format == LogFormat::json);
    CHECK(config.command == std::vector<std::string>{"openclaw", "gateway", "run"});
}

TEST_CASE("errors name file, 1-based line and column, and the key") {
    TempDir dir;
    struct Case {
        const char* text;
        const char* message;  // after "FILE:"
    };
    const Case cases[] = {
        {"grace: 8s\nfoo: 1\n", "2:1: key 'foo': unknown key (see --help)"},
        {"gracee: 8s\n", "1:1: key 'gracee': unknown key; did you mean 'grace'?"},
        {"readycheck: tcp://127.0.0.1:1\n",
         "1:1: key 'readycheck': unknown key; did you mean 'ready-check'?"},
        {"restart_signal: USR2\n",
         "1:1: key 'restart_signal': unknown key; did you mean 'restart-signal'?"},
        {"config: other.yaml\n",
         "1:1: key 'config': a config file cannot name another (use -c or CLAWINIT_CONFIG)"},
        {"grace: 1s\n\ngrace: 2s\n", "3:1: key 'grace': given twice (first on line 1)"},
        {"log-level: info\n  # x\ngrace:   8x\n",
         "3:10: key 'grace': bad duration '8x' (use 250ms, 8s, 2m or bare seconds)"},
        {"restart-signal: [USR2,\n   SIGFOO]\n",
         "2:4: key 'restart-signal': bad signal 'SIGFOO' (use a name like SIGUSR1 or USR1, "
         "SIGRTMIN+N, or a number)"},
        {"grace: [1s, 2s]\n", "1:8: key 'grace': takes one value, not a list"},
        {"grace:\n  a: 1\n", "2:3: key 'grace': expects a value, not a mapping"},
        {"env:\n  - A=1\n  - {B: 2}\n", "3:5: key 'env': list items must be single values"},
        {"env:\n  - A=1\n  - [B=2]\n", "3:5: key 'env': list items must be single values"},
        {"grace:\nbackoff: 1s\n", "1:1: key 'grace': has no value"},
        {"grace: ~\n", "1:1: key 'grace': has no value"},
        {"command: []\n", "1:10: key 'command': the program name is empty"},
        {"command: {a: b}\n",
         "1:10: key 'command': expects a list of strings (program and arguments)"},
        {"command: [a, [b]]\n", "1:14: key 'command': list items must be strings"},
        {"grace: 1s\ncommand: node app.js\n",
         "2:10: key 'command': expects a list, not a string: command: [\"node\", \"app.js\"]"},
        {"command: \"node  /app/gw.js --port 80\"\n",
         "1:10: key 'command': expects a list, not a string: "
         "command: [\"node\", \"/app/gw.js\", \"--port\", \"80\"]"},
        {"command: /bin/gateway\n",
         "1:10: key 'command': expects a list, not a string: command: [\"/bin/gateway\"]"},
        {"grace: 1s\nuser: nosuchuser-clawinit\n",
         "2:7: key 'user': unknown user 'nosuchuser-clawinit' (not in /etc/passwd; a numeric uid "
         "needs no entry)"},
        {"user: \"4294967295\"\n", "1:7: key 'user': bad user id '4294967295' (use 0..4294967294)"},
        {"restart-timeout: 0\n",
         "1:18: key 'restart-timeout': bad duration '0' (must be longer than 0)"},
        {"ready-check: 'exec:\"unterminated'\n",
         "1:14: key 'ready-check': bad check 'exec:\"unterminated' (exec: unterminated \" quote)"},
        {"live-check: \"exec:\"\n",
         "1:13: key 'live-check': bad check 'exec:' (exec: needs a command)"},
        {"- grace\n", "1:1: the file must be a mapping of option names to values (see --help)"},
        {"just a string\n",
         "1:1: the file must be a mapping of option names to values (see --help)"},
        {"? [a, b]\n: 1\n", "1:3: keys must be option names (see --help)"},
        {"grace: 1s\n---\ngrace: 2s\n", "3:1: a config file holds one YAML document, not several"},
        {"max-restarts: 1\nmax-restarts: x\n",
         "2:1: key 'max-restarts': given twice (first on line 1)"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const std::string path = dir.write("c.yaml", c.text);
        CHECK(error_of(path) == path + ":" + c.message);
    }
}

TEST_CASE("YAML syntax errors give FILE:LINE:COL and the parser's message") {
    TempDir dir;
    const std::string unclosed = dir.write("u.yaml", "grace: 1s\nenv: [A=1, B=2\n");
    CHECK(error_of(unclosed) == unclosed +
                                    ":3:1: invalid YAML: did not find expected ',' or ']' "
                                    "(while parsing a flow sequence at line 2, column 6)");
    const std::string bad_indent = dir.write("i.yaml", "grace: 1s\n  backoff: 2s\n");
    CHECK(error_of(bad_indent).starts_with(bad_indent + ":2:10: invalid YAML: "));
    const std::string two_colons = dir.write("t.yaml", "grace: 1s: 2s\n");
    CHECK(error_of(two_colons) ==
          two_colons + ":1:10: invalid YAML: mapping values are not allowed in this context");
    // Bytes that are not UTF-8: libyaml gives an offset, the message a line and column.
    const std::string latin1 = dir.write("l.yaml", "grace: 1s\nenv: [caf\xff]\n");
    CHECK(error_of(latin1) == latin1 + ":2:10: invalid YAML: invalid leading UTF-8 octet");
}

TEST_CASE("unreadable files") {
    TempDir dir;
    const std::string missing = dir.path() + "/missing.yaml";
    CHECK(error_of(missing) == missing + ": cannot read: No such file or directory");
    CHECK(error_of(dir.path()) == dir.path() + ": cannot read: not a regular file (a directory)");
    const std::string big = dir.write("big.yaml", "# " + std::string(k_max_config_file_size, 'x'));
    CHECK(error_of(big) == big + ": cannot read: larger than 1 MiB, not a config file");
    // A FIFO would block the open (and the whole start) until a writer came: refused at once.
    const std::string fifo = dir.path() + "/fifo.yaml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(error_of(fifo) == fifo + ": cannot read: not a regular file (a FIFO)");
    CHECK(error_of("/dev/zero") ==
          "/dev/zero: cannot read: not a regular file (a character device)");
}

TEST_CASE("deeply nested documents are an error, not a crash") {
    TempDir dir;
    for (const char* open : {"[", "{", "- ", "a: ["}) {
        CAPTURE(open);
        std::string text;
        for (int i = 0; i < 100'000; ++i) {
            text += open;
        }
        const std::string path = dir.write("deep.yaml", text);
        CHECK(error_of(path).starts_with(path + ":"));
    }
    const std::string nested = dir.write("n.yaml", "env: " + std::string(100'000, '[') + "\n");
    CHECK(error_of(nested).find("nested too deeply") != std::string::npos);
}

TEST_CASE("a stray comma is an error, not an endless loop (as yaml-cpp 0.7's LoadAll was)") {
    TempDir dir;
    for (const char* text : {",", ", 2: J", "grace: 1s\n,\n"}) {
        CAPTURE(text);
        const std::string path = dir.write("comma.yaml", text);
        CHECK(error_of(path).starts_with(path + ":"));
    }
}

TEST_CASE("anchors and aliases resolve like ordinary values") {
    TempDir dir;
    const Config config = load(dir.write("a.yaml", "grace: &t 20s\nrestart-timeout: *t\n"));
    CHECK(config.grace == 20s);
    CHECK(config.restart_timeout == 20s);
}

TEST_CASE("an alias names an anchor defined before it, never the node it is in") {
    TempDir dir;
    const std::string undefined = dir.write("u.yaml", "grace: *t\n");
    CHECK(error_of(undefined) == undefined + ":1:8: invalid YAML: undefined alias 't'");
    const std::string cycle = dir.write("c.yaml", "env: &e [A=1, *e]\n");
    CHECK(error_of(cycle) == cycle + ":1:15: invalid YAML: undefined alias 'e'");
    const Config config = load(dir.write("l.yaml", "env: &e [A=1, B=2]\nrestart-exit-code: [0]\n"));
    CHECK(config.env == std::vector<std::string>{"A=1", "B=2"});
}

TEST_CASE("a plain null, ~ or nothing is a missing value, a quoted one is text") {
    TempDir dir;
    for (const char* value : {"", "~", "null", "Null", "NULL", "!!null x"}) {
        CAPTURE(value);
        const std::string path = dir.write("n.yaml", std::string("grace: ") + value + "\n");
        CHECK(error_of(path) == path + ":1:1: key 'grace': has no value");
    }
    const std::string quoted = dir.write("q.yaml", "grace: \"null\"\n");
    CHECK(error_of(quoted) ==
          quoted + ":1:8: key 'grace': bad duration 'null' (use 250ms, 8s, 2m or bare seconds)");
}

TEST_CASE("a file with more values than any config is refused, not built into a tree") {
    TempDir dir;
    std::string many = "env: [";
    for (std::size_t i = 0; i <= k_max_yaml_nodes; ++i) many += "a,";
    const std::string path = dir.write("m.yaml", many + "]\n");
    const std::string error = error_of(path);
    CHECK(error.starts_with(path + ":1:"));
    CHECK(error.ends_with(": too many values to be a config file"));
}
