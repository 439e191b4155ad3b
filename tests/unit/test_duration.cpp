#include <doctest/doctest.h>

#include "config/duration.hpp"

using namespace std::chrono_literals;
using clawinit::Duration;
using clawinit::format_duration;
using clawinit::parse_duration;

TEST_CASE("parse_duration accepts every documented spelling") {
    struct Case {
        const char* text;
        Duration expected;
    };
    const Case cases[] = {
        {"250ms", 250ms}, {"8s", 8s},          {"2m", 2min},    {"1h", 1h},
        {"5", 5s},        {"0", 0ms},          {"0s", 0ms},     {"1.5s", 1500ms},
        {"0.5", 500ms},   {"1.25m", 75s},      {"0.001s", 1ms}, {"1.500s", 1500ms},
        {"007s", 7s},     {"0.0005h", 1800ms}, {"2.0ms", 2ms},  {"86400", 24h},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        CHECK(parse_duration(c.text) == c.expected);
    }
}

TEST_CASE("parse_duration rejects what is not a duration") {
    const char* const cases[] = {
        "",
        "s",
        "ms",
        "-1s",
        "+1s",
        " 1s",
        "1s ",
        "1 s",
        "8x",
        "1.s",
        ".5s",
        "1..5",
        "1.5.2",
        "1e3",
        "1d",
        "1sec",
        "1S",
        "0x10",
        "0.5ms",
        "0.0001s",
        "1.0000000001s",
        "99999999999999999999",
        "abc",
        "1h30m",
        "8s8",
    };
    for (const char* text : cases) {
        CAPTURE(text);
        CHECK_FALSE(parse_duration(text).has_value());
    }
}

TEST_CASE("parse_duration rejects values past the maximum instead of overflowing") {
    CHECK(parse_duration(format_duration(clawinit::k_max_duration)) == clawinit::k_max_duration);
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(clawinit::k_max_duration);
    CHECK_FALSE(parse_duration(std::to_string(hours.count() + 1) + "h").has_value());
    CHECK_FALSE(parse_duration("9223372036854775807ms").has_value());
    CHECK_FALSE(parse_duration("9223372036854775808").has_value());
    CHECK_FALSE(parse_duration("99999999999999999999999999h").has_value());
}

TEST_CASE("format_duration picks the largest exact unit") {
    CHECK(format_duration(250ms) == "250ms");
    CHECK(format_duration(8s) == "8s");
    CHECK(format_duration(2min) == "2m");
    CHECK(format_duration(1h) == "1h");
    CHECK(format_duration(1500ms) == "1500ms");
    CHECK(format_duration(90s) == "90s");
    CHECK(format_duration(0ms) == "0s");
    CHECK(format_duration(120min) == "2h");
}

TEST_CASE("format_duration round-trips through parse_duration") {
    const Duration samples[] = {
        0ms, 1ms, 999ms, 1s, 1001ms, 59s, 61s, 3599s, 3601s, 25h, clawinit::k_max_duration};
    for (const Duration sample : samples) {
        CAPTURE(sample.count());
        CHECK(parse_duration(format_duration(sample)) == sample);
    }
}
