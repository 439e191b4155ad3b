// runtime/notify_plan: what each lifecycle change tells systemd, as a table of views.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "runtime/notify_plan.hpp"

using namespace clawinit;

namespace {

NotifyView view(Status status, bool ready = false, bool restart_pending = false,
                std::optional<std::string> reason = std::nullopt) {
    return {status, std::move(reason), ready, restart_pending};
}

const std::optional<std::string> k_nothing;

}  // namespace

TEST_CASE("first ready sends READY=1 with the status, once") {
    NotifyPlan plan;
    CHECK(plan.update(view(Status::starting, false, false, "child starting"), 1) ==
          "STATUS=starting: child starting");
    CHECK(plan.update(view(Status::starting, false, false, "child starting"), 2) == k_nothing);
    CHECK(plan.update(view(Status::running, true), 3) == "READY=1\nSTATUS=running");
    CHECK(plan.update(view(Status::running, true), 4) == k_nothing);
}

TEST_CASE("a requested restart sends RELOADING=1 with the time, then READY=1 when ready") {
    NotifyPlan plan;
    plan.update(view(Status::running, true), 1);
    CHECK(plan.update(view(Status::restarting, false, true, "restart requested"), 1234) ==
          "RELOADING=1\nMONOTONIC_USEC=1234\nSTATUS=restarting: restart requested");
    // The old child exits, the new one starts: status changes only.
    CHECK(plan.update(view(Status::restarting, false, false, "child starting"), 1300) ==
          "STATUS=restarting: child starting");
    CHECK(plan.update(view(Status::running, true), 1400) == "READY=1\nSTATUS=running");
    // A second restart is a second RELOADING.
    CHECK(plan.update(view(Status::restarting, false, true), 1500) ==
          "RELOADING=1\nMONOTONIC_USEC=1500\nSTATUS=restarting");
}

TEST_CASE("a restart asked for before the first ready is not a reload") {
    NotifyPlan plan;
    CHECK(plan.update(view(Status::starting, false, true), 1) == "STATUS=starting");
    CHECK(plan.update(view(Status::running, true), 2) == "READY=1\nSTATUS=running");
}

TEST_CASE("a crash restart sends only STATUS: the service stays up for systemd") {
    NotifyPlan plan;
    plan.update(view(Status::running, true), 1);
    CHECK(plan.update(view(Status::backoff, false, false, "crashed"), 2) ==
          "STATUS=backoff: crashed");
    CHECK(plan.update(view(Status::restarting, false), 3) == "STATUS=restarting");
    CHECK(plan.update(view(Status::running, true), 4) == "STATUS=running");
}

TEST_CASE("a stop sends STOPPING=1 once, and nothing but STATUS after it") {
    NotifyPlan plan;
    plan.update(view(Status::running, true), 1);
    CHECK(plan.update(view(Status::stopping, false, false, "SIGTERM"), 2) ==
          "STOPPING=1\nSTATUS=stopping: SIGTERM");
    CHECK(plan.update(view(Status::stopping, false, false, "SIGTERM"), 3) == k_nothing);
    CHECK(plan.update(view(Status::stopping, false, false, "child exited"), 4) ==
          "STATUS=stopping: child exited");
}

TEST_CASE("a stop during a restart never sends READY=1 afterwards") {
    NotifyPlan plan;
    plan.update(view(Status::running, true), 1);
    plan.update(view(Status::restarting, false, true), 2);
    CHECK(plan.update(view(Status::stopping), 3) == "STOPPING=1\nSTATUS=stopping");
    CHECK(plan.update(view(Status::running, true), 4) == "STATUS=running");
}

TEST_CASE("a reason with a newline stays one STATUS line") {
    CHECK(status_text(Status::unready, "ready check failing: a\nb") ==
          "unready: ready check failing: a b");
}
