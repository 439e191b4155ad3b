// The decision after PR_SET_PDEATHSIG: did the parent clawinit started under die already?
#include <doctest/doctest.h>
#include <unistd.h>

#include "sys/parent_death.hpp"

using namespace clawinit;

TEST_CASE("the parent is gone when getppid() no longer names it") {
    CHECK_FALSE(parent_gone(4242, 4242));
    CHECK(parent_gone(4242, 1));     // adopted by init
    CHECK(parent_gone(4242, 17));    // adopted by a subreaper (systemd --user, a shell)
    CHECK(parent_gone(4242, 0));     // adopted by a process outside our PID namespace
    CHECK_FALSE(parent_gone(1, 1));  // started by init (a systemd service): nothing died
}

TEST_CASE("a parent outside the PID namespace (clawinit is PID 1) cannot be judged") {
    CHECK_FALSE(parent_gone(0, 0));
}

TEST_CASE("set_parent_death_signal with the real parent reports it alive") {
    CHECK_FALSE(set_parent_death_signal(0, ::getppid()));  // signal 0 clears the setting again
}
