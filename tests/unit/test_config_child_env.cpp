#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/child_env.hpp"
#include "config/value_error.hpp"

using namespace clawinit;

using Entries = std::vector<std::string>;

TEST_CASE("env entries merge by name: the later wins in the earlier's place, others are kept") {
    Entries entries;
    for (const char* entry : {"A=1", "B=2", "A=3", "C", "B=x=y", "A="}) {
        merge_env_entry(entries, entry);
    }
    CHECK(entries == Entries{"A=", "B=x=y", "C"});
    // A bare name replaces a value, and a value a bare name: the later entry is what holds.
    merge_env_entry(entries, "B");
    merge_env_entry(entries, "C=back");
    CHECK(entries == Entries{"A=", "B", "C=back"});
    // Names are compared whole: AB is not A.
    merge_env_entry(entries, "AB=1");
    CHECK(entries == Entries{"A=", "B", "C=back", "AB=1"});
}

TEST_CASE("an env entry needs a name") {
    Entries entries;
    CHECK_THROWS_WITH_AS(merge_env_entry(entries, "=1"),
                         "bad variable '=1' (use NAME=VALUE, or NAME alone to remove NAME)",
                         ValueError);
    CHECK_THROWS_AS(merge_env_entry(entries, ""), ValueError);
    CHECK(entries.empty());
}

TEST_CASE("entry names and removals") {
    CHECK(env_entry_name("PATH=/bin:/usr/bin") == "PATH");
    CHECK(env_entry_name("URL=a=b") == "URL");
    CHECK(env_entry_name("TZ") == "TZ");
    CHECK(env_entry_removes("TZ"));
    CHECK_FALSE(env_entry_removes("TZ="));
}

TEST_CASE("the child's environment changes: the user switch's variables, then env over them") {
    Config config;
    CHECK(environment_changes(config).empty());
    config.env = {"A=1"};
    CHECK(environment_changes(config) == Entries{"A=1"});
    config.user_ids = UserIds{.uid = 1000,
                              .gid = 1000,
                              .groups = {1000},
                              .name = "node",
                              .home = "/home/node",
                              .shell = "/bin/bash"};
    CHECK(environment_changes(config) ==
          Entries{"HOME=/home/node", "USER=node", "LOGNAME=node", "SHELL=/bin/bash", "A=1"});
    // The config's own HOME (or a removal) beats the passwd entry's, in its place.
    config.env = {"HOME=/data", "SHELL", "A=1"};
    CHECK(environment_changes(config) ==
          Entries{"HOME=/data", "USER=node", "LOGNAME=node", "SHELL", "A=1"});
    // No passwd entry: HOME=/, and the inherited USER, LOGNAME, SHELL go unless env sets them.
    config.user_ids =
        UserIds{.uid = 4242, .gid = 4242, .groups = {4242}, .name = {}, .home = {}, .shell = {}};
    config.env = {"USER=svc"};
    CHECK(environment_changes(config) == Entries{"HOME=/", "USER=svc", "LOGNAME", "SHELL"});
}
