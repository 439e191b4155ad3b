// How a clawinit recognises that its parent is a clawinit (cli/nested.hpp).
#include <doctest/doctest.h>

#include "cli/nested.hpp"

using namespace clawinit;

TEST_CASE("nested only when CLAWINIT_PARENT names the parent pid exactly") {
    CHECK(nested_under_clawinit("1", 1));  // the outer clawinit is PID 1
    CHECK(nested_under_clawinit("4242", 4242));
    CHECK_FALSE(nested_under_clawinit(nullptr, 1));
    CHECK_FALSE(nested_under_clawinit("", 1));
    CHECK_FALSE(nested_under_clawinit("1", 7));  // passed further down: a grandchild
    CHECK_FALSE(nested_under_clawinit("1x", 1));
    CHECK_FALSE(nested_under_clawinit("01 ", 1));
    CHECK_FALSE(nested_under_clawinit("0", 0));  // no parent (pid namespace init's view)
}

TEST_CASE("the marker the outer clawinit gives its child") {
    CHECK(parent_marker(1) == "CLAWINIT_PARENT=1");
    CHECK(nested_under_clawinit(parent_marker(77).substr(16).c_str(), 77));
}
