#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/load.hpp"
#include "config/options.hpp"

using namespace clawinit;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string write_temp(const std::string& text) {
    std::string path = (std::filesystem::temp_directory_path() / "clawinit-yaml-XXXXXX").string();
    const int fd = ::mkstemp(path.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("--help lists every option with its placeholder and default") {
    const std::string help = help_text();
    for (const OptionSpec& option : option_table()) {
        CAPTURE(option.name);
        CHECK(contains(help,
                       "--" + std::string(option.name) + " " + std::string(option.placeholder)));
    }
    CHECK(contains(help, "Usage: clawinit [OPTIONS] [--] COMMAND [ARG...]"));
    CHECK(contains(help, "  -c, --config FILE"));
    CHECK(contains(help, "  -h, --help"));
    CHECK(contains(help, "  -V, --version"));
    CHECK(contains(help, "[default: 8s]"));
    CHECK(contains(help, "[repeatable; default: SIGUSR1]"));
    CHECK(contains(help, "[default: same as --grace]"));
    CHECK(contains(help, "[default: 0.0.0.0:8899]"));
    CHECK(contains(help, "CLAWINIT_RESTART_SIGNAL"));
    CHECK(contains(help, "flag > env > file > default"));
}

TEST_CASE("--help fits a 100-column terminal") {
    std::istringstream lines(help_text());
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        CHECK(line.size() <= 100);
    }
}

TEST_CASE("to_yaml of the defaults shows every key") {
    const std::string yaml = to_yaml(Config{});
    CHECK(contains(yaml, "\ngrace: 8s\n"));
    CHECK(contains(yaml, "\nrestart-signal: [SIGUSR1]\n"));
    CHECK(contains(yaml, "\nrewrite: []\n"));
    CHECK(contains(yaml, "\n# ready-check: (none: ready = child running)\n"));
    CHECK(contains(yaml, "\n# restart-timeout: (same as --grace)\n"));
    CHECK_FALSE(contains(yaml, "config:"));
    CHECK_FALSE(contains(yaml, "command:"));
}

TEST_CASE("to_yaml loads back to the same configuration") {
    const Invocation invocation = parse_invocation({"--grace",
                                                    "1500ms",
                                                    "--restart-signal",
                                                    "SIGRTMIN+3",
                                                    "--restart-signal",
                                                    "HUP",
                                                    "--restart-exit-code",
                                                    "0",
                                                    "--restart-timeout",
                                                    "2m",
                                                    "--on-crash",
                                                    "always",
                                                    "--rewrite",
                                                    "TERM:0",
                                                    "--rewrite",
                                                    "WINCH:USR2",
                                                    "--probe-listen",
                                                    "[::1]:9000",
                                                    "--ready-check",
                                                    "http://localhost:18789/readyz",
                                                    "--live-check",
                                                    "exec:test -f /tmp/x",
                                                    "--env",
                                                    "A=b: c",
                                                    "--env",
                                                    "EMPTY=",
                                                    "--env",
                                                    "LIST=x,y",
                                                    "--remap-exit",
                                                    "143:0",
                                                    "--user",
                                                    "root:root",
                                                    "--pdeath-signal",
                                                    "KILL",
                                                    "--log-level",
                                                    "trace",
                                                    "--state-dir",
                                                    "/var/lib/claw # not a comment",
                                                    "--",
                                                    "node",
                                                    "--flag",
                                                    "#x",
                                                    "a, b"},
                                                   {});
    REQUIRE(invocation.kind == InvocationKind::run);
    const Config& original = invocation.config;
    const std::string path = write_temp(to_yaml(original));
    const Config loaded = load_file_only(path, {});
    std::filesystem::remove(path);
    for (const OptionSpec& option : option_table()) {
        if (option.name == k_config_option) {
            continue;
        }
        CAPTURE(option.name);
        CHECK(option.get(loaded) == option.get(original));
    }
    CHECK(loaded.command == original.command);
}

TEST_CASE("to_yaml puts the config's warnings at the top, as comments (check-config)") {
    const std::string path = write_temp("restart-signal: [USR1]\nrewrite: ['USR1:0']\n");
    const Config config = load_file_only(path, {});
    const std::string yaml = to_yaml(config);
    CHECK(contains(yaml,
                   ")\n# warning: rewrite SIGUSR1:0 drops SIGUSR1, a restart signal: the "
                   "child never gets it, so every restart request times out\n"));
    // Still a config file that loads back to the same values.
    const std::string again = write_temp(yaml);
    CHECK(load_file_only(again, {}).rewrite == config.rewrite);
    std::filesystem::remove(path);
    std::filesystem::remove(again);
    CHECK_FALSE(contains(to_yaml(Config{}), "warning"));
}

TEST_CASE("to_yaml shows the child's environment: the user's HOME, USER, LOGNAME, SHELL and env") {
    CHECK(contains(to_yaml(Config{}),
                   "\nenv: []\n# the child's environment: clawinit's own, unchanged\n"));
    Config config;
    config.user = "node";
    config.user_ids = UserIds{.uid = 1000,
                              .gid = 1000,
                              .groups = {1000},
                              .name = "node",
                              .home = "/home/node",
                              .shell = "/bin/sh"};
    config.env = {"A=1", "SHELL", "MULTI=a\nb"};
    const std::string yaml = to_yaml(config);
    CHECK(contains(yaml,
                   "\nenv: [A=1, SHELL, \"MULTI=a\\nb\"]\n"
                   "# the child's environment: clawinit's own, with these changes:\n"
                   "#   HOME=/home/node  (user node)\n"
                   "#   USER=node  (user node)\n"
                   "#   LOGNAME=node  (user node)\n"
                   "#   SHELL removed  (env)\n"
                   "#   A=1  (env)\n"
                   "#   MULTI=a\\nb  (env)\n"));
    config.user = "4242";
    config.user_ids =
        UserIds{.uid = 4242, .gid = 4242, .groups = {4242}, .name = {}, .home = {}, .shell = {}};
    config.env = {};
    CHECK(contains(to_yaml(config),
                   "# the child's environment: clawinit's own, with these changes:\n"
                   "#   HOME=/  (user 4242: no passwd entry)\n"
                   "#   USER removed  (user 4242: no passwd entry)\n"));
}

TEST_CASE("an env name with a line break stays inside its comment (found by fuzz_yaml)") {
    Config config;
    config.env = {"A\n\n:B", "C\nD=1"};
    const std::string yaml = to_yaml(config);
    CHECK(contains(yaml, "#   A\\n\\n:B removed  (env)\n"));
    CHECK(contains(yaml, "#   C\\nD=1  (env)\n"));
    const std::string path = write_temp(yaml);
    CHECK(load_file_only(path, {}).env == config.env);
    std::filesystem::remove(path);
}
