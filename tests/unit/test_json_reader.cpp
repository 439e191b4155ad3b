// json/reader: reads what the writer writes, rejects what is not JSON, bounds nesting.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "json/reader.hpp"
#include "json/writer.hpp"

using namespace clawinit;

namespace {

bool readable(std::string_view text) {
    return parse_json(text).value.has_value();
}

}  // namespace

TEST_CASE("the reader reads back what the writer wrote, compact or pretty") {
    for (const JsonLayout layout : {JsonLayout::compact, JsonLayout::pretty}) {
        CAPTURE(static_cast<int>(layout));
        JsonWriter w(layout);
        w.begin_object();
        w.key("text").string("quote \" backslash \\ newline \n nul " + std::string("\0", 1) +
                             " utf-8 caf\xc3\xa9");
        w.key("neg").integer(std::numeric_limits<std::int64_t>::min());
        w.key("big").integer(std::numeric_limits<std::uint64_t>::max());
        w.key("real").number(0.1);
        w.key("flag").boolean(false);
        w.key("nothing").null();
        w.key("list").begin_array().integer(1).begin_array().end_array().string("").end_array();
        w.key("empty").begin_object().end_object();
        w.end_object();

        const JsonParse parsed = parse_json(w.text());
        REQUIRE_MESSAGE(parsed.value, parsed.error);
        const JsonValue& doc = *parsed.value;
        CHECK(doc.kind() == JsonValue::Kind::object);
        CHECK(doc.keys().size() == 8);
        REQUIRE(doc.find("text"));
        CHECK(*doc.find("text")->string() == "quote \" backslash \\ newline \n nul " +
                                                 std::string("\0", 1) + " utf-8 caf\xc3\xa9");
        CHECK(doc.find("neg")->integer<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
        CHECK(doc.find("big")->integer<std::uint64_t>() ==
              std::numeric_limits<std::uint64_t>::max());
        CHECK(doc.find("real")->number() == 0.1);
        CHECK(doc.find("flag")->boolean() == false);
        CHECK(doc.find("nothing")->is_null());
        const JsonValue& list = *doc.find("list");
        REQUIRE(list.values().size() == 3);
        CHECK(list.keys().empty());
        CHECK(list.values()[1].kind() == JsonValue::Kind::array);
        CHECK(*list.values()[2].string() == "");
        CHECK(doc.find("empty")->kind() == JsonValue::Kind::object);
        CHECK(doc.find("missing") == nullptr);
    }
}

TEST_CASE("typed lookups say no rather than convert") {
    const auto doc =
        parse_json(R"({"n":1.5,"e":1e2,"s":"7","neg":-1,"huge":99999999999999999999,"b":true})");
    REQUIRE(doc.value);
    const JsonValue& v = *doc.value;
    CHECK_FALSE(v.find("n")->integer<int>());  // a fraction is not an integer
    CHECK_FALSE(v.find("e")->integer<int>());  // nor an exponent
    CHECK(v.find("e")->number() == 100.0);
    CHECK_FALSE(v.find("s")->integer<int>());  // a string is not a number
    CHECK_FALSE(v.find("s")->number());
    CHECK_FALSE(v.find("neg")->integer<unsigned>());  // out of range, not wrapped
    CHECK(v.find("neg")->integer<int>() == -1);
    CHECK_FALSE(v.find("huge")->integer<std::uint64_t>());
    CHECK(v.find("huge")->number() == 1e20);  // still a number, as a double
    CHECK_FALSE(v.find("b")->string());
    CHECK_FALSE(v.find("n")->boolean());
    CHECK(v.find("b")->find("x") == nullptr);          // find on a non-object
    CHECK_FALSE(parse_json("1e400").value->number());  // out of double range
}

TEST_CASE("scalars and whitespace at the top level") {
    CHECK(parse_json(" \t\r\n 12 \n").value->integer<int>() == 12);
    CHECK(*parse_json(R"("x")").value->string() == "x");
    CHECK(parse_json("null").value->is_null());
    CHECK(readable("-0"));
    CHECK(readable("0.5e-3"));
    CHECK(readable("1E+2"));
}

TEST_CASE("escapes decode to UTF-8; lone surrogates are rejected") {
    const auto s = parse_json(R"("\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00")");
    REQUIRE(s.value);
    CHECK(*s.value->string() == "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    CHECK_FALSE(readable(R"("\ud83d")"));
    CHECK_FALSE(readable(R"("\ude00")"));
    CHECK_FALSE(readable(R"("\ud83d\u0041")"));
    CHECK_FALSE(readable(R"("\u12")"));
    CHECK_FALSE(readable(R"("\u12g4")"));
    CHECK_FALSE(readable(R"("\x41")"));
}

TEST_CASE("malformed input is rejected with the offset and what was wrong") {
    const char* bad[] = {
        "",
        " ",
        "{",
        "}",
        "[",
        "[1,]",
        "[,1]",
        "{,}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{a:1}",
        "{'a':1}",
        "{\"a\" 1}",
        "[1 2]",
        "\"open",
        "\"a\nb\"",
        "tru",
        "nul",
        "True",
        "NaN",
        "inf",
        "+1",
        "01",
        "1.",
        ".5",
        "1e",
        "1e+",
        "-",
        "0x10",
        "1 2",
        "{} {}",
        "[]]",
        "{\"a\":1}x",
        "\"\\q\"",
        "\xef\xbb\xbf{}",  // a byte-order mark is not JSON
    };
    for (const char* text : bad) {
        CAPTURE(text);
        const JsonParse parsed = parse_json(text);
        CHECK_FALSE(parsed.value);
        CHECK(parsed.error.rfind("at byte ", 0) == 0);
    }
    CHECK(parse_json("{\"a\" 1}").error == "at byte 5: expected ':' after a key");
    CHECK(parse_json("[1,").error == "at byte 3: expected a value, got the end of the text");
    CHECK(parse_json("[1,2").error == "at byte 4: expected ',' or ']' in an array");
    CHECK(parse_json("{} x").error == "at byte 3: trailing characters after the value");
}

TEST_CASE("a key given twice is rejected, at any depth") {
    CHECK_FALSE(readable(R"({"a":1,"a":1})"));
    CHECK(parse_json(R"({"x":{"a":1,"a":2}})").error == "at byte 12: a key given twice");
    CHECK(readable(R"({"a":{"a":1}})"));
}

TEST_CASE("nesting is bounded: k_json_max_depth containers, not one more") {
    const int max = k_json_max_depth;
    CHECK(readable(std::string(max, '[') + std::string(max, ']')));
    CHECK(readable(std::string(max - 1, '[') + "{\"k\":1}" + std::string(max - 1, ']')));
    const JsonParse deeper = parse_json(std::string(max + 1, '[') + std::string(max + 1, ']'));
    CHECK_FALSE(deeper.value);
    CHECK(deeper.error == "at byte " + std::to_string(max) + ": nested too deeply");
    // Absurd depth is an error, not a stack overflow.
    CHECK_FALSE(readable(std::string(1000000, '[')));
    CHECK_FALSE(readable(std::string(100000, '[') + "{\"k\":" + std::string(100000, '[')));
}
