// cli/target: which process a client may signal when clawinit is not PID 1.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cli/target.hpp"

using namespace clawinit;

namespace {

ProcessInfo proc(pid_t pid, pid_t ppid, std::string comm, std::vector<std::string> argv) {
    return {pid, ppid, std::move(comm), std::move(argv)};
}

}  // namespace

TEST_CASE("clawinit is named by comm or argv[0]; a client is not a supervisor") {
    CHECK(is_clawinit(proc(7, 1, "clawinit", {"/clawinit", "--", "gw"})));
    CHECK(is_clawinit(proc(7, 1, "gw", {"/usr/bin/clawinit"})));  // renamed comm
    CHECK_FALSE(is_clawinit(proc(1, 0, "catatonit", {"/catatonit", "-P"})));
    CHECK_FALSE(is_clawinit(proc(1, 0, "docker-init", {"/sbin/docker-init", "--"})));
    CHECK(is_clawinit_supervisor(proc(7, 1, "clawinit", {"/clawinit", "--", "gw"})));
    CHECK(is_clawinit_supervisor(proc(7, 1, "clawinit", {"/clawinit"})));
    for (const char* sub : {"stop", "restart", "status", "probe", "check-config"})
        CHECK_FALSE(is_clawinit_supervisor(proc(9, 0, "clawinit", {"/clawinit", sub})));
}

TEST_CASE("the scan finds the one supervisor behind an init, never the client itself") {
    const std::vector<ProcessInfo> ps{
        proc(1, 0, "podman-init", {"/run/podman-init", "--", "/clawinit", "--", "gw"}),
        proc(2, 1, "clawinit", {"/clawinit", "--", "gw"}),
        proc(3, 2, "gw", {"gw"}),
        proc(4, 2, "clawinit", {"/clawinit", "probe", "live"}),  // an exec check
        proc(9, 0, "clawinit", {"/clawinit", "restart", "--wait"}),
    };
    std::string why;
    CHECK(choose_supervisor(ps, 9, why) == 2);
    // The calling process is never its own target, even if it looked like a supervisor.
    CHECK(choose_supervisor({proc(9, 0, "clawinit", {"clawinit"})}, 9, why) == std::nullopt);
    CHECK(why == "no clawinit process found");
}

TEST_CASE("a nested clawinit yields to the outer one; two unrelated ones are refused") {
    std::string why;
    const std::vector<ProcessInfo> nested{
        proc(1, 0, "catatonit", {"catatonit"}),
        proc(5, 1, "clawinit", {"clawinit", "--", "clawinit", "--", "gw"}),
        proc(6, 5, "clawinit", {"clawinit", "--", "gw"}),
    };
    CHECK(choose_supervisor(nested, 99, why) == 5);
    const std::vector<ProcessInfo> two{
        proc(5, 1, "clawinit", {"clawinit", "--", "a"}),
        proc(8, 1, "clawinit", {"clawinit", "--", "b"}),
    };
    CHECK(choose_supervisor(two, 99, why) == std::nullopt);
    CHECK(why == "several clawinit processes (pids 5 8): pass --pid");
}

TEST_CASE("an explicit pid that is not clawinit is refused") {
    // This test binary is not clawinit.
    CHECK_THROWS_AS(find_target(std::to_string(::getpid()), ""), TargetError);
}
