#include <doctest/doctest.h>

#include "config/value_error.hpp"
#include "sys/user.hpp"

using namespace clawinit;

namespace {
constexpr const char* k_passwd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "# comment\n"
    "node:x:1000:1000::/home/node:/bin/sh\n"
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n";
constexpr const char* k_group =
    "root:x:0:\n"
    "node:x:1000:\n"
    "www-data:x:33:\n"
    "docker:x:999:node,other\n";
}  // namespace

TEST_CASE("user by name gets its primary and supplementary groups") {
    auto ids = resolve_user("node", k_passwd, k_group);
    CHECK(ids.uid == 1000);
    CHECK(ids.gid == 1000);
    CHECK(ids.groups == std::vector<gid_t>{1000, 999});
    // A numeric uid with a passwd entry is that user, groups included.
    CHECK(resolve_user("1000", k_passwd, k_group).groups == std::vector<gid_t>{1000, 999});
    // Only groups that list the user: "other" is no member name of node's.
    CHECK(resolve_user("www-data", k_passwd, k_group).groups == std::vector<gid_t>{33});
}

TEST_CASE("user:group gets exactly that group, as gosu, su-exec and docker --user u:g do") {
    CHECK(resolve_user("node:www-data", k_passwd, k_group).groups == std::vector<gid_t>{33});
    CHECK(resolve_user("node:4242", k_passwd, k_group).groups == std::vector<gid_t>{4242});
    CHECK(resolve_user("4242:33", k_passwd, k_group).groups == std::vector<gid_t>{33});
}

TEST_CASE("the passwd entry's name, home and shell; empty fields read as / and /bin/sh") {
    const auto node = resolve_user("node", k_passwd, k_group);
    CHECK(node.name == "node");
    CHECK(node.home == "/home/node");
    CHECK(node.shell == "/bin/sh");
    const auto by_uid = resolve_user("33:33", k_passwd, k_group);
    CHECK(by_uid.name == "www-data");
    CHECK(by_uid.home == "/var/www");
    const auto bare = resolve_user("svc", "svc:x:500:500:::\n", "");
    CHECK(bare.home == "/");
    CHECK(bare.shell == "/bin/sh");
    const auto short_line = resolve_user("old", "old:x:501:501\n", "");
    CHECK(short_line.home == "/");
    CHECK(short_line.shell == "/bin/sh");
    const auto numeric = resolve_user("4242", k_passwd, k_group);
    CHECK(numeric.name.empty());
    CHECK(numeric.home.empty());
}

TEST_CASE("a user switch sets HOME, USER, LOGNAME and SHELL; no passwd entry: HOME=/") {
    CHECK(
        user_environment(resolve_user("node", k_passwd, k_group)) ==
        std::vector<std::string>{"HOME=/home/node", "USER=node", "LOGNAME=node", "SHELL=/bin/sh"});
    CHECK(user_environment(resolve_user("www-data:docker", k_passwd, k_group)) ==
          std::vector<std::string>{"HOME=/var/www", "USER=www-data", "LOGNAME=www-data",
                                   "SHELL=/usr/sbin/nologin"});
    // The inherited USER, LOGNAME and SHELL would name another user: removed (bare names).
    CHECK(user_environment(resolve_user("4242:4242", k_passwd, k_group)) ==
          std::vector<std::string>{"HOME=/", "USER", "LOGNAME", "SHELL"});
}

TEST_CASE("user:group and numeric forms") {
    auto ids = resolve_user("www-data:docker", k_passwd, k_group);
    CHECK(ids.uid == 33);
    CHECK(ids.gid == 999);
    auto numeric = resolve_user("65534:65534", k_passwd, k_group);
    CHECK(numeric.uid == 65534);
    CHECK(numeric.gid == 65534);
    auto bare = resolve_user("4242", "", "");
    CHECK(bare.uid == 4242);
    CHECK(bare.gid == 4242);
    CHECK(resolve_user("33", k_passwd, k_group).gid == 33);
}

TEST_CASE("unknown names are value errors; the loader says where they were given") {
    CHECK_THROWS_WITH_AS(
        resolve_user("nobody-here", k_passwd, k_group),
        "unknown user 'nobody-here' (not in /etc/passwd; a numeric uid needs no entry)",
        ValueError);
    CHECK_THROWS_WITH_AS(
        resolve_user("node:nogroup", k_passwd, k_group),
        "unknown group 'nogroup' (not in /etc/group; a numeric gid needs no entry)", ValueError);
    CHECK_THROWS_WITH_AS(resolve_user(":1", k_passwd, k_group), "bad user ':1' (empty user name)",
                         ValueError);
}

TEST_CASE("ids are 0..4294967294: (uid_t)-1 means 'unchanged' to the kernel") {
    CHECK(resolve_user("4294967294", "", "").uid == 4294967294U);
    CHECK(resolve_user("0:4294967294", "", "").gid == 4294967294U);
    CHECK_THROWS_WITH_AS(resolve_user("4294967295", "", ""),
                         "bad user id '4294967295' (use 0..4294967294)", ValueError);
    CHECK_THROWS_WITH_AS(resolve_user("18446744073709551616", "", ""),
                         "bad user id '18446744073709551616' (use 0..4294967294)", ValueError);
    CHECK_THROWS_WITH_AS(resolve_user("node:4294967295", k_passwd, k_group),
                         "bad group id '4294967295' (use 0..4294967294)", ValueError);
    // An out-of-range number is refused even if a passwd line claims it.
    CHECK_THROWS_AS(resolve_user("4294967295", "odd:x:4294967295:0::/:/bin/sh\n", ""), ValueError);
    // ... and such a line is no match for a name either.
    CHECK_THROWS_AS(resolve_user("odd", "odd:x:4294967295:0::/:/bin/sh\n", ""), ValueError);
}
