#include <doctest/doctest.h>

#include <algorithm>

#include "sys/process_tree.hpp"

using namespace clawinit;

TEST_CASE("descendants are found through any depth, whatever the order") {
    const std::vector<std::pair<pid_t, pid_t>> table{{30, 20}, {20, 10}, {11, 10}, {40, 1},
                                                     {50, 30}, {10, 5},  {60, 40}};
    auto found = descendants_of(10, table);
    std::sort(found.begin(), found.end());
    CHECK(found == std::vector<pid_t>{11, 20, 30, 50});
    CHECK(descendants_of(50, table).empty());
}

TEST_CASE("the parent's pid is read after the last ')' of /proc/PID/stat") {
    CHECK(parent_from_stat("42 (node) S 1 42 42 0 -1 4194560") == 1);
    CHECK(parent_from_stat("42 (a) b) (c) R 7 42") == 7);  // a comm with ") " in it
    CHECK(parent_from_stat("42 (x) Z 3\n") == 3);
    CHECK(parent_from_stat("42 (x) S 0 1") == 0);  // the kernel's own threads
    CHECK(parent_from_stat("42 (x) S 9") == 9);
    CHECK(parent_from_stat("42 (x) S") == -1);
    CHECK(parent_from_stat("42 (x) S x 1") == -1);
    CHECK(parent_from_stat("42 x S 1 1") == -1);
    CHECK(parent_from_stat("") == -1);
}
