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
