// runtime/final_status: what `stop --wait` is told, written and read through the same names.
#include <doctest/doctest.h>

#include <string>

#include "json/reader.hpp"
#include "runtime/final_status.hpp"

using namespace clawinit;

TEST_CASE("the final status is one compact JSON line, in a fixed field order") {
    CHECK(final_status_json(FinalStatus{0, 0, 0.0124, false, 2}) ==
          R"({"status":"exited","exit_code":0,"last_exit":0,"stop_seconds":0.012,)"
          R"("killed":false,"restarts":2})"
          "\n");
    CHECK(final_status_json(FinalStatus{137, std::nullopt, std::nullopt, true, 0}) ==
          R"({"status":"exited","exit_code":137,"last_exit":null,"stop_seconds":null,)"
          R"("killed":true,"restarts":0})"
          "\n");
}

TEST_CASE("what the runtime writes, the CLI reads back") {
    const FinalStatus cases[] = {
        {0, 0, 0.5, false, 0},
        {143, 143, 30.25, true, 18446744073709551615ull},
        {-1, -2147483647 - 1, 0.0, false, 1},
        {127, std::nullopt, std::nullopt, false, 3},
    };
    for (const FinalStatus& written : cases) {
        CAPTURE(final_status_json(written));
        const auto read = parse_final_status(final_status_json(written));
        REQUIRE(read);
        CHECK(*read == written);  // stop_seconds in the cases has at most 3 decimals
    }
}

TEST_CASE("the field names are the ones in final_status_key") {
    const auto doc = parse_json(final_status_json(FinalStatus{3, 4, 1.0, true, 5}));
    REQUIRE(doc.value);
    namespace key = final_status_key;
    CHECK(*doc.value->find(key::status)->string() == "exited");
    CHECK(doc.value->find(key::exit_code)->integer<int>() == 3);
    CHECK(doc.value->find(key::last_exit)->integer<int>() == 4);
    CHECK(doc.value->find(key::stop_seconds)->number() == 1.0);
    CHECK(doc.value->find(key::killed)->boolean() == true);
    CHECK(doc.value->find(key::restarts)->integer<int>() == 5);
    CHECK(doc.value->keys().size() == 6);
}

TEST_CASE("an answer that is not a final status is refused, with a reason") {
    std::string why;
    CHECK_FALSE(parse_final_status("", &why));
    CHECK(why.rfind("at byte 0", 0) == 0);
    CHECK_FALSE(parse_final_status("[]", &why));
    CHECK_FALSE(parse_final_status(R"({"exit_code":"0","killed":false,"restarts":0})", &why));
    CHECK_FALSE(parse_final_status(R"({"exit_code":0,"killed":"no","restarts":0})"));
    CHECK_FALSE(parse_final_status(R"({"exit_code":0,"killed":false})"));
    CHECK_FALSE(
        parse_final_status(R"({"exit_code":0,"killed":false,"restarts":0,"last_exit":1.5})"));
    CHECK_FALSE(
        parse_final_status(R"({"exit_code":0,"killed":false,"restarts":0,"stop_seconds":"1"})"));
    // The two nullable fields may also be absent.
    const auto minimal = parse_final_status(R"({"exit_code":2,"killed":false,"restarts":0})");
    REQUIRE(minimal);
    CHECK(*minimal == FinalStatus{2, std::nullopt, std::nullopt, false, 0});
}
