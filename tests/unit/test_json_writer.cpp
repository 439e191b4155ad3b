// json/writer: separators, layouts, numbers, and misuse caught at once.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "json/writer.hpp"

using namespace clawinit;

TEST_CASE("compact: every type, no space, no trailing comma") {
    JsonWriter w;
    w.begin_object();
    w.key("s").string("a\"b\n");
    w.key("i").integer(-42);
    w.key("u").integer(std::numeric_limits<std::uint64_t>::max());
    w.key("d").number(0.1);
    w.key("f").fixed(1.0 / 3, 3);
    w.key("t").boolean(true);
    w.key("n").null();
    w.key("a").begin_array().integer(1).string("x").begin_object().end_object().end_array();
    w.end_object();
    CHECK(w.text() ==
          R"({"s":"a\"b\n","i":-42,"u":18446744073709551615,"d":0.1,"f":0.333,"t":true,"n":null,)"
          R"("a":[1,"x",{}]})");
}

TEST_CASE("empty containers and scalar documents") {
    CHECK(JsonWriter().begin_object().end_object().text() == "{}");
    CHECK(JsonWriter().begin_array().end_array().text() == "[]");
    CHECK(JsonWriter().integer(7).text() == "7");
    CHECK(JsonWriter(JsonLayout::pretty).begin_object().end_object().text() == "{}");
}

TEST_CASE("pretty: two-space indent, one member per line, empty containers stay on one line") {
    JsonWriter w(JsonLayout::pretty);
    w.begin_object();
    w.key("a").integer(1);
    w.key("inner").begin_object().key("x").boolean(false).end_object();
    w.key("none").begin_object().end_object();
    w.key("list").begin_array().integer(1).integer(2).end_array();
    w.end_object();
    CHECK(w.text() ==
          "{\n"
          "  \"a\": 1,\n"
          "  \"inner\": {\n"
          "    \"x\": false\n"
          "  },\n"
          "  \"none\": {},\n"
          "  \"list\": [\n"
          "    1,\n"
          "    2\n"
          "  ]\n"
          "}");
}

TEST_CASE("numbers: shortest round trip; no NaN or infinity in JSON, so null") {
    CHECK(JsonWriter().number(1.25).text() == "1.25");
    CHECK(JsonWriter().number(1e300).text() == "1e+300");
    CHECK(JsonWriter().number(-0.0).text() == "-0");
    CHECK(JsonWriter().number(std::nan("")).text() == "null");
    CHECK(JsonWriter().number(std::numeric_limits<double>::infinity()).text() == "null");
    CHECK(JsonWriter().fixed(0.0125, 3).text() == "0.013");
    CHECK(JsonWriter().fixed(2, 3).text() == "2.000");
    CHECK(JsonWriter().fixed(-std::numeric_limits<double>::infinity(), 3).text() == "null");
}

TEST_CASE("keys are escaped like strings") {
    JsonWriter w;
    w.begin_object().key("a\"\\\x01").integer(1).end_object();
    CHECK(w.text() == R"({"a\"\\\u0001":1})");
}

TEST_CASE("misuse is a logic_error, not malformed output") {
    CHECK_THROWS_AS(JsonWriter().begin_object().integer(1), std::logic_error);  // no key
    CHECK_THROWS_AS(JsonWriter().begin_array().key("k"), std::logic_error);     // key in array
    CHECK_THROWS_AS(JsonWriter().begin_object().key("a").key("b"), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().begin_object().key("a").end_object(), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().begin_object().end_array(), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().end_object(), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().integer(1).integer(2), std::logic_error);  // two documents
    CHECK_THROWS_AS(JsonWriter().begin_object().end_object().begin_array(), std::logic_error);
    CHECK_THROWS_AS(JsonWriter().begin_object().text(), std::logic_error);  // still open
    CHECK_THROWS_AS(JsonWriter().text(), std::logic_error);                 // nothing written
}
