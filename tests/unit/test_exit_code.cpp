// Exit-code mapping over every code and every signal.
#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>

#include "core/exit_code.hpp"

using namespace clawinit;

TEST_CASE("every exit code 0-255 is passed through") {
    for (int code = 0; code <= 255; ++code) {
        CAPTURE(code);
        CHECK(exit_code_from_wait_status(code << 8) == code);
    }
}

TEST_CASE("death by any signal is 128+N, core dump or not") {
    for (int signo = 1; signo <= SIGRTMAX; ++signo) {
        CAPTURE(signo);
        CHECK(exit_code_from_wait_status(signo) == 128 + signo);
        CHECK(exit_code_from_wait_status(signo | 0x80) == 128 + signo);
    }
}

TEST_CASE("stopped and continued statuses are not exits") {
    CHECK(exit_code_from_wait_status((SIGSTOP << 8) | 0x7f) == -1);
    CHECK(exit_code_from_wait_status(0xffff) == -1);
}

TEST_CASE("exec failures follow the shell: 127 not found, 126 not runnable") {
    CHECK(exec_failure_exit_code(ENOENT) == 127);
    CHECK(exec_failure_exit_code(ENOTDIR) == 127);
    CHECK(exec_failure_exit_code(EACCES) == 126);
    CHECK(exec_failure_exit_code(ENOEXEC) == 126);
    CHECK(exec_failure_exit_code(EISDIR) == 126);
    CHECK(exec_failure_exit_code(EPERM) == 126);
}

TEST_CASE("remap applies to listed codes only") {
    const std::map<int, int> remap{{143, 0}, {1, 3}};
    for (int code = 0; code <= 255; ++code) {
        CAPTURE(code);
        const int expected = code == 143 ? 0 : code == 1 ? 3 : code;
        CHECK(remap_exit_code(code, remap) == expected);
    }
}

TEST_CASE("only resource shortages are transient spawn errors") {
    for (int err : {EMFILE, ENFILE, EAGAIN, ENOMEM}) CHECK(is_transient_spawn_error(err));
    for (int err : {0, ENOENT, EACCES, ENOEXEC, EINVAL, EPERM, ENOTDIR, ELOOP})
        CHECK_FALSE(is_transient_spawn_error(err));
}
