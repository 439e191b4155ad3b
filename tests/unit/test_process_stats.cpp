#include <doctest/doctest.h>
#include <unistd.h>

#include <ctime>
#include <string>

#include "sys/process_stats.hpp"

using namespace clawinit;

TEST_CASE("process stats: statm's size and resident pages") {
    const auto statm = parse_statm("2816 512 384 229 0 309 0\n");
    REQUIRE(statm);
    CHECK(statm->size_pages == 2816);
    CHECK(statm->resident_pages == 512);
    CHECK_FALSE(parse_statm(""));
    CHECK_FALSE(parse_statm("2816"));
    CHECK_FALSE(parse_statm("x 1"));
}

TEST_CASE("process stats: stat's starttime, after a command name with spaces and parens") {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize ...
    const std::string tail =
        " S 0 1 1 0 -1 4194560 300 0 0 0 5 3 0 0 20 0 1 0 123456 2883584 "
        "512 18446744073709551615\n";
    CHECK(parse_stat_start_ticks("1 (clawinit)" + tail) == 123456u);
    CHECK(parse_stat_start_ticks("77 (a) b (c)" + tail) == 123456u);
    // A negative field before it (nice -5) is skipped, not the end.
    CHECK(parse_stat_start_ticks(
              "1 (x) S 0 1 1 0 -1 4194560 300 0 0 0 5 3 0 0 15 -5 1 0 99 2 3\n") == 99u);
    CHECK_FALSE(parse_stat_start_ticks("1 clawinit S 0"));
    CHECK_FALSE(parse_stat_start_ticks("1 (clawinit) S 0 1 1"));
}

TEST_CASE("process stats: /proc/stat's btime") {
    CHECK(parse_boot_time("cpu  1 2 3\nintr 5 6\nctxt 9\nbtime 1700000000\nprocesses 4\n") ==
          1700000000);
    CHECK_FALSE(parse_boot_time("cpu  1 2 3\nctxt 9\n"));
    CHECK_FALSE(parse_boot_time("btime x\n"));
}

TEST_CASE("process stats: this process, read from /proc") {
    const ProcessStats p = read_process_stats();
    REQUIRE(p.resident_memory_bytes);
    REQUIRE(p.virtual_memory_bytes);
    CHECK(*p.resident_memory_bytes > 0);
    CHECK(*p.virtual_memory_bytes >= *p.resident_memory_bytes);
    REQUIRE(p.open_fds);
    CHECK(*p.open_fds >= 3);  // stdin, stdout, stderr at least
    // One more open descriptor is one more counted, so the directory's own is not.
    const int fd = ::dup(0);
    REQUIRE(fd >= 0);
    CHECK(read_process_stats().open_fds == *p.open_fds + 1);
    ::close(fd);
    REQUIRE(p.max_fds);
    CHECK(*p.max_fds >= *p.open_fds);
    REQUIRE(p.cpu_seconds);
    CHECK(*p.cpu_seconds >= 0);
    REQUIRE(p.start_time_seconds);
    // This test process started between the year 2020 and now (a second of rounding allowed).
    CHECK(*p.start_time_seconds > 1577836800);
    CHECK(*p.start_time_seconds <= static_cast<double>(std::time(nullptr)) + 1);
}
