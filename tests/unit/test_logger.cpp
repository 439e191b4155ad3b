// log/logger: the text and JSON line shapes, with and without event fields.
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "json/reader.hpp"
#include "log/logger.hpp"

using namespace clawinit;

namespace {

constexpr std::size_t k_time_size = 24;  // 2026-12-02T06:38:16.123Z
constexpr std::string_view k_json_start = R"({"time":")";

// "2026-12-02T06:38:16.123Z": a digit wherever the shape has a 'd'. (No std::regex: GCC 12's
// false maybe-uninitialized inside it breaks the -Werror ASan build.)
bool is_utc_time(std::string_view text) {
    constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (text.size() != k_shape.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
        if (k_shape[i] == 'd' ? !digit : text[i] != k_shape[i]) return false;
    }
    return true;
}

// The line with its timestamp checked and cut out.
std::string without_time(const std::string& line, std::size_t at) {
    REQUIRE(line.size() > at + k_time_size);
    CHECK(is_utc_time(line.substr(at, k_time_size)));
    return line.substr(0, at) + line.substr(at + k_time_size);
}

const std::string k_msg = R"(spawned pid=2 command="sh -c \"x\"")";
const std::vector<LogField> k_fields{{LogKey::pid, 2}, {LogKey::command, "sh -c \"x\""}};

}  // namespace

TEST_CASE("a text line is the message alone, fields or not") {
    CHECK(without_time(format_log_line(LogFormat::text, LogLevel::info, k_msg), 0) ==
          " clawinit info: " + k_msg + "\n");
    CHECK(without_time(format_log_line(LogFormat::text, LogLevel::info, k_msg, "spawned", k_fields),
                       0) == " clawinit info: " + k_msg + "\n");
}

TEST_CASE("a JSON line without fields keeps its old shape") {
    const std::string line = format_log_line(LogFormat::json, LogLevel::warn, "a \"q\" \\ w\n");
    CHECK(line.rfind(k_json_start, 0) == 0);
    CHECK(without_time(line, k_json_start.size()) ==
          std::string(k_json_start) +
              R"(","level":"warn","logger":"clawinit","msg":"a \"q\" \\ w\n"})" + "\n");
}

TEST_CASE("every line prints its level as --log-level names it") {
    for (const LogLevel level :
         {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
        const std::string name(log_level_name(level));
        CAPTURE(name);
        CHECK(without_time(format_log_line(LogFormat::text, level, "m"), 0) ==
              " clawinit " + name + ": m\n");
        const JsonParse parsed = parse_json(format_log_line(LogFormat::json, level, "m"));
        REQUIRE_MESSAGE(parsed.value, parsed.error);
        CHECK(*parsed.value->find("level")->string() == name);
    }
}

TEST_CASE("a JSON line carries the event and fields after msg, and reads back") {
    const std::string line =
        format_log_line(LogFormat::json, LogLevel::info, k_msg, "spawned", k_fields);
    CHECK(without_time(line, k_json_start.size()) ==
          std::string(k_json_start) +
              R"(","level":"info","logger":"clawinit",)"
              R"("msg":"spawned pid=2 command=\"sh -c \\\"x\\\"\"",)"
              R"("event":"spawned","pid":2,"command":"sh -c \"x\""})" +
              "\n");
    const JsonParse parsed = parse_json(line);
    REQUIRE_MESSAGE(parsed.value, parsed.error);
    CHECK(*parsed.value->find("event")->string() == "spawned");
    CHECK(parsed.value->find("pid")->integer<int>() == 2);
    CHECK(*parsed.value->find("command")->string() == "sh -c \"x\"");
    CHECK(*parsed.value->find("msg")->string() == k_msg);
}
