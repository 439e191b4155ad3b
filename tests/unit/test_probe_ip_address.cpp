#include <doctest/doctest.h>

#include "config/config.hpp"
#include "probe/ip_address.hpp"

using namespace clawinit;

TEST_CASE("probe and check hosts are IP literals or localhost") {
    CHECK(parse_ip_address("127.0.0.1", "x").to_string() == "127.0.0.1");
    CHECK(parse_ip_address("localhost", "x").to_string() == "127.0.0.1");
    CHECK(parse_ip_address("::1", "x").is_v6());
    CHECK(parse_ip_address("0.0.0.0", "x").is_unspecified());
    CHECK_THROWS_AS(parse_ip_address("gateway.svc", "--ready-check"), ConfigError);
    CHECK(format_address({"::", 8899}) == "[::]:8899");
    CHECK(format_address({"0.0.0.0", 8899}) == "0.0.0.0:8899");
}
