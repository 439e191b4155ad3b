#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "probe/status_document.hpp"

using namespace clawinit;

namespace {

StatusDocument sample() {
    StatusDocument d;
    d.status = Status::restarting;
    d.reason = "ready check failing: HTTP 503";
    d.uptime_seconds = 12345;
    d.child_pid = 42;
    d.restarts = 3;
    d.last_exit = 1;
    d.restart_signal = SIGUSR2;
    d.restart_timeout_seconds = 300;
    d.stop_timeout_seconds = 305.5;
    d.pid = 1;
    d.last_restart = {4, RestartOutcome::in_place};
    return d;
}

}  // namespace

TEST_CASE("/status: the seed article's prefix, then every key in a fixed order") {
    CHECK(status_json(sample()) ==
          R"({"status":"restarting","uptime":12345,"child":{"pid":42,"restarts":3,"last_exit":1},)"
          R"("reason":"ready check failing: HTTP 503","restart_signal":"SIGUSR2",)"
          R"("restart_timeout":300,"stop_timeout":305.5,"pid":1,)"
          R"("last_restart":{"request":4,"outcome":"in_place"}})");
    StatusDocument fresh;
    CHECK(status_json(fresh) ==
          R"({"status":"starting","uptime":0,"child":{"pid":null,"restarts":0,"last_exit":null},)"
          R"("restart_timeout":0,"stop_timeout":0,"last_restart":{"request":0,"outcome":"none"}})");
}

TEST_CASE("/status reads back into the same document, for every status and outcome") {
    for (const Status status : k_all_statuses) {
        for (const RestartOutcome outcome : k_all_restart_outcomes) {
            StatusDocument d = sample();
            d.status = status;
            d.last_restart.outcome = outcome;
            CAPTURE(status_name(status));
            CAPTURE(restart_outcome_name(outcome));
            CHECK(parse_status(status_json(d)) == d);
        }
    }
    StatusDocument bare;
    CHECK(parse_status(status_json(bare)) == bare);
}

TEST_CASE("/status from an older clawinit: no pid, restart signal or last_restart") {
    const auto d = parse_status(
        R"({"status":"running","uptime":5,"child":{"pid":7,"restarts":0,"last_exit":null},)"
        R"("restart_timeout":8,"stop_timeout":8,"newer_key":[1,2]})");
    REQUIRE(d);
    CHECK(d->status == Status::running);
    CHECK(d->child_pid == 7);
    CHECK(d->pid == 0);
    CHECK(d->restart_signal == 0);
    CHECK(d->last_restart == LastRestart{});
}

TEST_CASE("/status that is not one: nullopt and why") {
    std::string why;
    CHECK_FALSE(parse_status("<html>", &why));
    CHECK_FALSE(why.empty());
    CHECK_FALSE(parse_status(R"({"status":"sleeping","uptime":1,"child":{"restarts":0}})", &why));
    CHECK(why == "status is not one of clawinit's status words");
    CHECK_FALSE(parse_status(R"({"status":"running","uptime":-1,"child":{"restarts":0}})", &why));
    CHECK_FALSE(parse_status(
        R"({"status":"running","uptime":1,"child":{"restarts":0},"last_restart":{"outcome":"x"}})",
        &why));
    CHECK(why == "last_restart.outcome is not a known outcome");
}

TEST_CASE("/status from a snapshot: the reason's text, the last restart") {
    ProbeSnapshot s;
    s.status = Status::unready;
    s.reason = Reason{ReasonKind::ready_check_failing, "HTTP 503"};
    s.uptime_seconds = 9.9;
    s.last_restart = {2, RestartOutcome::expired};
    const StatusDocument d = status_document(s);
    CHECK(d.reason == std::string("ready check failing: HTTP 503"));
    CHECK(d.uptime_seconds == 9);
    CHECK(d.last_restart == LastRestart{2, RestartOutcome::expired});
    s.uptime_seconds = -1;  // a clock that went backwards
    CHECK(status_document(s).uptime_seconds == 0);
}
