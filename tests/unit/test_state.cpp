// state.json's encoding: round trips, and every way a file can be corrupt.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "state/state.hpp"

using namespace clawinit;

namespace {

PersistedState full_state() {
    PersistedState s;
    s.boot_count = 7;
    s.restarts = {{"signal", 3}, {"crash", 2}};
    s.last_exit = 143;
    s.last_stop_reason = "SIGTERM";
    s.last_stop_seconds = 1.25;
    s.last_stop_killed = true;
    s.kills_after_grace = 2;
    s.started_at = 1700000000;
    s.updated_at = 1700000123;
    s.last_restart_at = 1700000100;
    return s;
}

// A valid document with one member's value replaced; for the type and range tables.
std::string with_value(std::string_view key, std::string_view value) {
    std::string text = encode_state(full_state());
    // Built with append: GCC 12 at -O3 gives a false -Wrestrict on "literal" + std::string.
    std::string needle = "\"";
    needle.append(key).append("\": ");
    const auto start = text.find(needle) + needle.size();
    auto end = text.find('\n', start);
    if (text[end - 1] == ',') --end;
    if (key == "restarts") end = text.find('}', start) + 1;
    return text.replace(start, end - start, value);
}

}  // namespace

TEST_CASE("encoding is pretty, in a fixed key order, with a trailing newline") {
    CHECK(encode_state(full_state()) ==
          "{\n"
          "  \"boot_count\": 7,\n"
          "  \"started_at\": 1700000000,\n"
          "  \"updated_at\": 1700000123,\n"
          "  \"restarts\": {\n"
          "    \"crash\": 2,\n"
          "    \"signal\": 3\n"
          "  },\n"
          "  \"last_restart_at\": 1700000100,\n"
          "  \"last_exit\": 143,\n"
          "  \"last_stop_reason\": \"SIGTERM\",\n"
          "  \"last_stop_seconds\": 1.25,\n"
          "  \"last_stop_killed\": true,\n"
          "  \"kills_after_grace\": 2\n"
          "}\n");
}

TEST_CASE("a fresh state encodes nulls and an empty restarts object") {
    const std::string text = encode_state(PersistedState{});
    CHECK(text.find("\"restarts\": {},") != std::string::npos);
    CHECK(text.find("\"last_exit\": null,") != std::string::npos);
    CHECK(text.find("\"last_stop_seconds\": null,") != std::string::npos);
    CHECK(text.find("\"last_stop_reason\": \"\",") != std::string::npos);
    CHECK(decode_state(text) == PersistedState{});
}

TEST_CASE("every field round-trips") {
    const PersistedState s = full_state();
    CHECK(decode_state(encode_state(s)) == s);
}

TEST_CASE("extreme values round-trip") {
    PersistedState s;
    s.boot_count = k_max_count;
    s.restarts = {{"crash", k_max_count}, {"", 0}};
    s.last_exit = std::numeric_limits<int>::min();
    s.started_at = std::numeric_limits<std::int64_t>::min();
    s.updated_at = std::numeric_limits<std::int64_t>::max();
    s.last_restart_at = -1;
    for (double seconds : {0.0, 0.1, 1e-300, 1e300, 123456.789, 5e-324}) {
        CAPTURE(seconds);
        s.last_stop_seconds = seconds;
        CHECK(decode_state(encode_state(s)) == s);
    }
}

TEST_CASE("reasons with quotes, backslashes, control and non-ASCII bytes round-trip") {
    PersistedState s;
    s.last_stop_reason = "say \"hi\"\\ \n\r\t\b\f\x01\x1f\x7f caf\xc3\xa9";
    s.restarts = {{"we\"ird\nkey", 1}};
    const std::string text = encode_state(s);
    // Control characters escaped so each field stays on one line; DEL and UTF-8 pass through.
    CHECK(text.find(R"("say \"hi\"\\ \n\r\t\u0008\u000c\u0001\u001f)"
                    "\x7f caf\xc3\xa9\"") != std::string::npos);
    CHECK(text.find(R"("we\"ird\nkey": 1)") != std::string::npos);
    CHECK(decode_state(text) == s);
}

TEST_CASE("a non-finite duration is written as null, never as unreadable JSON") {
    PersistedState s;
    s.last_stop_seconds = std::numeric_limits<double>::infinity();
    auto back = decode_state(encode_state(s));
    REQUIRE(back);
    CHECK_FALSE(back->last_stop_seconds);
}

TEST_CASE("a document cut at any byte is corrupt, unless only trailing space was cut") {
    for (const PersistedState& s : {full_state(), PersistedState{}}) {
        const std::string text = encode_state(s);
        const auto closing = text.rfind('}');
        for (std::size_t size = 0; size < text.size(); ++size) {
            CAPTURE(size);
            const auto decoded = decode_state(std::string_view(text).substr(0, size));
            if (size > closing) {
                CHECK(decoded == s);
            } else {
                CHECK_FALSE(decoded);
            }
        }
    }
}

TEST_CASE("garbage is corrupt") {
    const char* inputs[] = {
        "",
        " ",
        "\n",
        "null",
        "true",
        "0",
        "\"state\"",
        "[]",
        "[{}]",
        "{",
        "}",
        "{}}",
        "{} {}",
        "{}x",
        "{,}",
        "{\"boot_count\"}",
        "{\"boot_count\":}",
        "{\"boot_count\" 1}",
        "{\"boot_count\": 1,}",
        "{\"boot_count\": 1 \"started_at\": 2}",
        "{'boot_count': 1}",
        "{boot_count: 1}",
        "\xef\xbb\xbf{}",
        "{\"a\": [1,]}",
        "{\"a\": [1 2]}",
        "{\"a\": tru}",
        "{\"a\": nul}",
        "{\"a\": True}",
        "{\"a\": undefined}",
        "{\"a\": \"unterminated}",
        "{\"a\": \"bad \\x escape\"}",
        "{\"a\": \"\\u12\"}",
        "{\"a\": \"\\ud800\"}",
        "{\"a\": \"\\udc00\"}",
        "{\"a\": \"\\ud800\\u0041\"}",
        "{\"a\": \"raw\ttab\"}",
        "{\"a\": \"raw\nnewline\"}",
        "// comment\n{}",
        "{\"a\": 1} // comment",
    };
    for (const std::string input : inputs) {
        CAPTURE(input);
        CHECK_FALSE(decode_state(input));
    }
    // A NUL after the document, as a torn write on some filesystems leaves.
    CHECK_FALSE(decode_state(std::string_view("{}\0", 3)));
    CHECK_FALSE(decode_state(std::string_view("{}\n\0\0\0\0", 7)));
}

TEST_CASE("numbers that JSON forbids are corrupt") {
    for (const std::string n : {"01", "+1", ".5", "1.", "1e", "1e+", "-", "--1", "0x10", "1_000",
                                "NaN", "Infinity", "-Infinity", "1 2"}) {
        CAPTURE(n);
        CHECK_FALSE(decode_state(with_value("boot_count", n)));
        CHECK_FALSE(decode_state(with_value("last_stop_seconds", n)));
    }
}

TEST_CASE("a wrong type for a known key is corrupt") {
    const std::pair<const char*, const char*> cases[] = {
        {"boot_count", "\"7\""},
        {"boot_count", "null"},
        {"boot_count", "true"},
        {"boot_count", "{}"},
        {"boot_count", "[]"},
        {"boot_count", "1.5"},
        {"boot_count", "1e3"},
        {"boot_count", "-1"},
        {"started_at", "\"now\""},
        {"started_at", "null"},
        {"started_at", "0.5"},
        {"updated_at", "false"},
        {"last_restart_at", "[0]"},
        {"last_exit", "\"143\""},
        {"last_exit", "1.0"},
        {"last_exit", "false"},
        {"last_stop_reason", "null"},
        {"last_stop_reason", "7"},
        {"last_stop_reason", "[\"x\"]"},
        {"last_stop_seconds", "\"1.5\""},
        {"last_stop_seconds", "true"},
        {"last_stop_killed", "1"},
        {"last_stop_killed", "null"},
        {"last_stop_killed", "\"true\""},
        {"kills_after_grace", "-1"},
        {"kills_after_grace", "null"},
        {"kills_after_grace", "1.5"},
        {"restarts", "[]"},
        {"restarts", "null"},
        {"restarts", "7"},
        {"restarts", "{\"crash\": \"1\"}"},
        {"restarts", "{\"crash\": -1}"},
        {"restarts", "{\"crash\": 1.5}"},
        {"restarts", "{\"crash\": null}"},
        {"restarts", "{\"crash\": {}}"},
        {"restarts", "{\"crash\": 1, \"crash\": 2}"},
    };
    for (const auto& [key, value] : cases) {
        const std::string text = with_value(key, value);
        CAPTURE(text);
        CHECK_FALSE(decode_state(text));
    }
}

TEST_CASE("numbers too big for their field are corrupt, not wrapped") {
    CHECK_FALSE(decode_state(with_value("boot_count", "18446744073709551616")));
    CHECK_FALSE(decode_state(with_value("boot_count", "99999999999999999999999999999999")));
    CHECK_FALSE(decode_state(with_value("restarts", "{\"crash\": 18446744073709551616}")));
    CHECK(decode_state(with_value("started_at", "-9223372036854775808")));
    CHECK_FALSE(decode_state(with_value("started_at", "9223372036854775808")));
    CHECK_FALSE(decode_state(with_value("updated_at", "-9223372036854775809")));
    CHECK(decode_state(with_value("last_exit", "2147483647")));
    CHECK_FALSE(decode_state(with_value("last_exit", "2147483648")));
    CHECK_FALSE(decode_state(with_value("last_stop_seconds", "1e999")));
    CHECK(decode_state(with_value("last_stop_seconds", "-0")));
    CHECK(decode_state(with_value("last_stop_seconds", "2.5E+2"))->last_stop_seconds == 250.0);
}

TEST_CASE("counts above 2^53-1 are corrupt: a hand-edited 2^64-1 would wrap to 0 when counted") {
    CHECK(k_max_count == 9007199254740991U);
    CHECK(decode_state(with_value("boot_count", "9007199254740991"))->boot_count == k_max_count);
    CHECK_FALSE(decode_state(with_value("boot_count", "9007199254740992")));
    CHECK_FALSE(decode_state(with_value("boot_count", "18446744073709551615")));
    CHECK(decode_state(with_value("restarts", "{\"crash\": 9007199254740991}")));
    CHECK_FALSE(decode_state(with_value("restarts", "{\"crash\": 9007199254740992}")));
    CHECK_FALSE(decode_state(with_value("restarts", "{\"signal\": 18446744073709551615}")));
}

TEST_CASE("counting saturates at the limit instead of wrapping") {
    CHECK(count_up(0) == 1);
    CHECK(count_up(k_max_count - 1) == k_max_count);
    CHECK(count_up(k_max_count) == k_max_count);
    CHECK(count_up(std::numeric_limits<std::uint64_t>::max()) == k_max_count);
    // A count past the limit in memory is written as the limit, so the file stays readable.
    PersistedState s;
    s.boot_count = std::numeric_limits<std::uint64_t>::max();
    s.restarts = {{"crash", k_max_count + 5}};
    const auto back = decode_state(encode_state(s));
    REQUIRE(back);
    CHECK(back->boot_count == k_max_count);
    CHECK(back->restarts.at("crash") == k_max_count);
}

TEST_CASE("a key given twice is corrupt") {
    CHECK_FALSE(decode_state("{\"boot_count\": 1, \"boot_count\": 2}"));
    CHECK_FALSE(decode_state("{\"future\": 1, \"future\": 2}"));
}

TEST_CASE("unknown top-level keys of any JSON type are skipped") {
    std::string text = encode_state(full_state());
    text.insert(1,
                "\n  \"future_number\": -1.5e3, \"future_text\": \"x\\u00e9\\ud83d\\ude00\","
                " \"future_null\": null, \"future_flag\": false,"
                " \"future_list\": [1, \"two\", [null], {\"k\": true}],"
                " \"future_object\": {\"a\": {\"b\": []}},");
    CHECK(decode_state(text) == full_state());
}

TEST_CASE("unknown values nested absurdly deep are corrupt, not a stack overflow") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_FALSE(decode_state("{\"future\": " + deep + "}"));
}

TEST_CASE("missing keys keep their defaults") {
    auto s = decode_state("{\"boot_count\": 4}");
    REQUIRE(s);
    PersistedState expected;
    expected.boot_count = 4;
    CHECK(*s == expected);
    CHECK(decode_state("{}") == PersistedState{});
    CHECK(decode_state(" \t\r\n{ } \n") == PersistedState{});
}

TEST_CASE("escapes in strings decode to the bytes they name") {
    auto s = decode_state(
        "{\"last_stop_reason\": "
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\"}");
    REQUIRE(s);
    CHECK(s->last_stop_reason == "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}
