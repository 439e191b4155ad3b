// Options that are each valid but work against each other: one warning each, nothing else.
#include <doctest/doctest.h>

#include <csignal>
#include <string>
#include <vector>

#include "config/warnings.hpp"

using namespace clawinit;
using Warnings = std::vector<std::string>;

TEST_CASE("the defaults and ordinary rewrites give no warning") {
    CHECK(config_warnings(Config{}).empty());
    Config config;
    config.rewrite = {{SIGUSR1, SIGUSR2}, {SIGHUP, 0}, {SIGTERM, SIGINT}};
    config.restart_signals = {SIGUSR1};
    CHECK(config_warnings(config).empty());
}

TEST_CASE("a restart signal rewritten to 0 never reaches the child") {
    Config config;
    config.restart_signals = {SIGUSR1, SIGUSR2};
    config.rewrite = {{SIGUSR2, 0}};
    CHECK(config_warnings(config) ==
          Warnings{"rewrite SIGUSR2:0 drops SIGUSR2, a restart signal: the child never gets it, so "
                   "every restart request times out"});
}

TEST_CASE("a stop signal rewritten to 0 leaves only the SIGKILL at the grace") {
    Config config;
    config.rewrite = {{SIGTERM, 0}, {SIGINT, 0}};
    CHECK(config_warnings(config) ==
          Warnings{"rewrite SIGINT:0 drops SIGINT, a stop signal: the child never gets it and is "
                   "killed with SIGKILL when the grace runs out",
                   "rewrite SIGTERM:0 drops SIGTERM, a stop signal: the child never gets it and is "
                   "killed with SIGKILL when the grace runs out"});
}
