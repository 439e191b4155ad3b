#include <doctest/doctest.h>

#include "probe/check.hpp"

using namespace clawinit;
using V = std::vector<std::string>;

TEST_CASE("exec check commands split on blanks, with quotes, without a shell") {
    CHECK(split_command("/clawinit probe ready") == V{"/clawinit", "probe", "ready"});
    CHECK(split_command("  a \t b  ") == V{"a", "b"});
    CHECK(split_command("sh -c 'exit 3'") == V{"sh", "-c", "exit 3"});
    CHECK(split_command("echo \"a b\"c ''") == V{"echo", "a bc", ""});
    CHECK(split_command("").empty());
}
