// The shell around NotifyPlan: sends its datagrams to $NOTIFY_SOCKET and pings systemd's
// watchdog (WATCHDOG=1 every WATCHDOG_USEC/2) while clawinit's live view holds, so a hung
// gateway (live checks failing) or a spent crash budget lets systemd's watchdog act. Never
// fatal: a send that fails is one warning, then silence until a send works again.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "runtime/notify_plan.hpp"
#include "sys/sd_notify.hpp"

namespace clawinit {

class Notifier {
public:
    // From NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID; null when NOTIFY_SOCKET is unset (a
    // bad one is a warning, and null too). Not movable: the watchdog timer holds `this`.
    static std::unique_ptr<Notifier> from_environment(boost::asio::io_context& io);

    Notifier(boost::asio::io_context& io, NotifyAddress address,
             std::optional<std::chrono::microseconds> watchdog);

    // After every event: what changed goes out now; `live` gates the next watchdog pings.
    void update(const NotifyView& view, bool live);

private:
    void send(std::string_view message);
    void arm_watchdog();

    NotifySocket m_socket;
    NotifyPlan m_plan;
    boost::asio::steady_timer m_watchdog;
    std::optional<std::chrono::microseconds> m_period;
    bool m_live{true};
    int m_failing{0};  // the errno the last failed send gave; 0 while sends work
};

}  // namespace clawinit
