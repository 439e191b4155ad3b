// json/escape: the one escaper the logger, state.json, the probe answers and the final status use.
#include <doctest/doctest.h>

#include <string>

#include "json/escape.hpp"

using namespace clawinit;

TEST_CASE("quotes and backslashes are escaped") {
    CHECK(json_escape(R"(say "hi" \ bye)") == R"(say \"hi\" \\ bye)");
    CHECK(json_quoted("a\"b") == R"("a\"b")");
    CHECK(json_quoted("") == R"("")");
}

TEST_CASE("control bytes are escaped: common ones by name, the rest as \\u00XX") {
    CHECK(json_escape("\n\r\t") == R"(\n\r\t)");
    CHECK(json_escape(std::string("\0", 1)) == R"(\u0000)");
    CHECK(json_escape("\x01\x1f\b\f") == R"(\u0001\u001f\u0008\u000c)");
}

TEST_CASE("everything else passes through: DEL, UTF-8, even invalid UTF-8") {
    CHECK(json_escape("\x7f") == "\x7f");
    CHECK(json_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK(json_escape("\xff\xc3") == "\xff\xc3");
    CHECK(json_escape("/") == "/");
}
