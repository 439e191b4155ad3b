#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/yaml_scalar.hpp"
#include "config/yaml_tree.hpp"

using namespace clawinit;

namespace {

// What the config loader reads back for "v: TEXT".
const YamlNode& value_of(const std::string& text) {
    static YamlDocument document;
    document = parse_yaml("v: " + text + "\n");
    REQUIRE(document.root() != nullptr);
    REQUIRE(document.root()->items.size() == 2);
    return *document.root()->items[1];
}

}  // namespace

TEST_CASE("plain where nothing could be misread") {
    for (const char* value : {"8s", "SIGUSR1", "A=1", "SIGRTMIN+3", "TERM:0", "143:0", "-x",
                              "--flag", "exec:test -f /tmp/x", "http://localhost:18789/readyz",
                              "a#b", "caf\xc3\xa9", "back\\slash", "it's"}) {
        CAPTURE(value);
        CHECK(yaml_scalar(value) == value);
    }
}

TEST_CASE("double-quoted, with escapes, where plain would read back as something else") {
    CHECK(yaml_scalar("") == "\"\"");
    CHECK(yaml_scalar("~") == "\"~\"");
    CHECK(yaml_scalar("a, b") == "\"a, b\"");
    CHECK(yaml_scalar("MULTI=a\nb") == "\"MULTI=a\\nb\"");
    CHECK(yaml_scalar("say \"hi\"") == "say \"hi\"");  // a quote inside a plain value is text
    CHECK(yaml_scalar("\"hi\"") == "\"\\\"hi\\\"\"");
    CHECK(yaml_scalar("\x01") == "\"\\x01\"");
    CHECK(yaml_scalar("a\xc2\x85"
                      "b") == "\"a\\Nb\"");
    CHECK(yaml_scalar("\xef\xbb\xbf") == "\"\\ufeff\"");
    // Not UTF-8 (a flag or the environment can hold it): the byte's number, never the byte.
    CHECK(yaml_scalar("\xff") == "\"\\xff\"");
}

TEST_CASE("every value reads back as the same string, alone and in a flow list") {
    const std::vector<std::string> values = {
        "", "~", "null", "Null", "NULL", "-", "- a", "-x", "a: b", "a:b", "a:", ":", "?", "? a",
        "a #b", "a#b", "#a", " a", "a ", "a,b", "[x", "x]", "{", "}", "\"q", "'q", "q'", "\n",
        "a\tb", "\t", "\r", "\x01", "\x7f", "caf\xc3\xa9", "back\\slash", "%x", "@x", "`x", "!x",
        "&x", "*x", "|", ">", "[::1]:9000", "/var/lib/claw # not a comment", "A=b: c", "--",
        // Line breaks of YAML's own (NEL, LS, PS; the fuzzer's first find), a byte-order mark, a
        // C1 control, a non-character, and characters that are none of these.
        "SI\xc2\x85"
        "NT",
        "a\xe2\x80\xa8"
        "b",
        "a\xe2\x80\xa9",
        "\xef\xbb\xbf"
        "x",
        "\xc2\x80", "\xef\xbf\xbe",
        "\xc2\xa0"
        "x\xc2\xa0",
        "\xf0\x9f\x90\xbe", "SIGHUP:?0", "a:?"};
    for (const std::string& value : values) {
        CAPTURE(value);
        const YamlNode& alone = value_of(yaml_scalar(value));
        CHECK(alone.kind == YamlNode::Kind::scalar);
        CHECK(alone.text == value);
        const YamlNode& list = value_of(yaml_flow_list({value, value}));
        REQUIRE(list.kind == YamlNode::Kind::sequence);
        REQUIRE(list.items.size() == 2);
        CHECK(list.items[1]->kind == YamlNode::Kind::scalar);
        CHECK(list.items[1]->text == value);
    }
    CHECK(yaml_flow_list({}) == "[]");
    CHECK(yaml_flow_list({"a", "b c"}) == "[a, b c]");
}

TEST_CASE("comment text never ends its comment line and holds nothing YAML refuses") {
    CHECK(yaml_comment_text("A=1\tx") == "A=1\tx");
    CHECK(yaml_comment_text("a\nb\rc") == "a\\nb\\rc");
    CHECK(yaml_comment_text("\x01\x7f") == "??");
    CHECK(yaml_comment_text("T0\xe2\x80\xa9"
                            "U") == "T0?U");  // PS: fuzz_yaml's find
    CHECK(yaml_comment_text("\xc2\x85\xc2\x80\xe2\x80\xa8\xff") == "????");
    CHECK(yaml_comment_text("caf\xc3\xa9") == "caf\xc3\xa9");
    const std::string text = "v: 1 # " + yaml_comment_text("a\xe2\x80\xa9: b\xc2\x85- c\n");
    const YamlDocument document = parse_yaml(text);
    REQUIRE(document.root() != nullptr);
    CHECK(document.root()->items.size() == 2);
}
