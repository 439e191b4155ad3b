#include <doctest/doctest.h>

#include "config/config.hpp"
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

TEST_CASE("unknown names are configuration errors") {
    CHECK_THROWS_AS(resolve_user("nobody-here", k_passwd, k_group), ConfigError);
    CHECK_THROWS_AS(resolve_user("node:nogroup", k_passwd, k_group), ConfigError);
    CHECK_THROWS_AS(resolve_user(":1", k_passwd, k_group), ConfigError);
}
