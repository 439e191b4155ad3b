// log/fields: an event and typed fields become JSON members a strict reader accepts.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "json/reader.hpp"
#include "log/fields.hpp"

using namespace clawinit;
using namespace std::chrono_literals;

TEST_CASE("fields are written as typed members after the event, in the order given") {
    const std::vector<LogField> fields{
        {LogKey::pid, 2},
        {LogKey::command, "sh -c \"x\""},
        {LogKey::restart, false},
        {LogKey::restarts, std::uint64_t{3}},
        {LogKey::duration_ms, 1500ms},
        {LogKey::exit_code, -1},
        {LogKey::delay_ms, 0.25},
    };
    CHECK(log_members_json("spawned", fields) ==
          R"(,"event":"spawned","pid":2,"command":"sh -c \"x\"","restart":false,"restarts":3,)"
          R"("duration_ms":1500,"exit_code":-1,"delay_ms":0.25)");
}

TEST_CASE("no event and no fields: nothing; an event alone: just the event") {
    CHECK(log_members_json("", {}) == "");
    CHECK(log_members_json("exiting", {}) == R"(,"event":"exiting")");
    const std::vector<LogField> one{{LogKey::signal, std::string("SIGTERM")}};
    CHECK(log_members_json("", one) == R"(,"signal":"SIGTERM")");
}

TEST_CASE("a key given twice is written once, so the line stays strict JSON") {
    const std::vector<LogField> twice{{LogKey::pid, 1}, {LogKey::pid, 2}};
    CHECK(log_members_json("x", twice) == R"(,"event":"x","pid":1)");
}

TEST_CASE("extreme values stay exact or become null, never invalid JSON") {
    const std::vector<LogField> fields{
        {LogKey::count, std::numeric_limits<std::uint64_t>::max()},
        {LogKey::pid, std::numeric_limits<std::int64_t>::min()},
        {LogKey::duration_ms, std::numeric_limits<double>::quiet_NaN()},
        {LogKey::detail, std::string("nul \0 tab \t", 11)},
    };
    const std::string members = log_members_json("e", fields);
    CHECK(members == R"(,"event":"e","count":18446744073709551615,"pid":-9223372036854775808,)"
                     R"("duration_ms":null,"detail":"nul \u0000 tab \t")");
    CHECK(parse_json("{\"msg\":\"m\"" + members + "}").value);
}

TEST_CASE("every key has its own snake_case name, none taken by the line's own members") {
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < k_log_key_count; ++i) {
        const std::string_view name = log_key_name(static_cast<LogKey>(i));
        CAPTURE(i);
        CHECK_FALSE(name.empty());
        CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
        CHECK(names.insert(name).second);
    }
    for (const char* own : {"time", "level", "logger", "msg", "event"})
        CHECK_FALSE(names.count(own));
    CHECK(log_key_name(LogKey::pid) == "pid");
    CHECK(log_key_name(LogKey::window_ms) == "window_ms");
}
