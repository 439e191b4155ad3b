// What clawinit tells systemd (or Podman) through sd_notify, decided from the Supervisor's views
// alone: pure, so each rule is a doctest case (tests/unit/test_notify_plan.cpp). The datagram
// goes out through sys/sd_notify.hpp.
//
//   first ready                        READY=1
//   a restart is asked for             RELOADING=1 + MONOTONIC_USEC=<CLOCK_MONOTONIC µs>
//   ready again after it               READY=1
//   a stop begins / clawinit exits     STOPPING=1
//   every change of status or reason   STATUS=<status>[: <reason>] (as /status says it)
//
// A crash restart sends only STATUS (backoff, restarting, running): the service stays up for
// systemd, as it does for /health; RELOADING is for a restart someone asked for. Once
// STOPPING=1 is sent nothing but STATUS follows. WATCHDOG=1 is the shell's timer (notifier.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.hpp"

namespace clawinit {

struct NotifyView {
    Status status{Status::starting};
    std::optional<std::string> reason;
    bool ready{false};            // Supervisor::ready()
    bool restart_pending{false};  // Supervisor::restart_pending()
};

class NotifyPlan {
public:
    // The datagram for this view ("KEY=VALUE" lines joined by '\n'), or nullopt when nothing
    // changed since the last call. monotonic_usec: CLOCK_MONOTONIC now, for RELOADING=1.
    std::optional<std::string> update(const NotifyView& view, std::uint64_t monotonic_usec);

private:
    bool m_ready_sent{false};
    bool m_reloading{false};  // RELOADING=1 went out, READY=1 has not followed yet
    bool m_stopping{false};
    std::string m_status;  // the last STATUS= value sent
};

std::string status_text(Status status, const std::optional<std::string>& reason);

}  // namespace clawinit
