#include "runtime/notifier.hpp"

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "log/logger.hpp"

namespace clawinit {

namespace {

std::uint64_t monotonic_usec() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 +
           static_cast<std::uint64_t>(now.tv_nsec) / 1000;
}

}  // namespace

std::unique_ptr<Notifier> Notifier::from_environment(boost::asio::io_context& io) {
    const char* variable = std::getenv("NOTIFY_SOCKET");
    if (!variable) return nullptr;
    std::string error;
    std::optional<NotifyAddress> address = notify_address(variable, error);
    if (!address) {
        log_event(LogLevel::warn, "notify_failed", "sd_notify: not used: " + error,
                  {{LogKey::reason, error}});
        return nullptr;
    }
    return std::make_unique<Notifier>(
        io, std::move(*address),
        watchdog_period(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid()));
}

Notifier::Notifier(boost::asio::io_context& io, NotifyAddress address,
                   std::optional<std::chrono::microseconds> watchdog)
    : m_socket(std::move(address)), m_watchdog(io), m_period(watchdog) {
    if (m_period) arm_watchdog();
}

void Notifier::update(const NotifyView& view, bool live) {
    m_live = live;
    if (const std::optional<std::string> message = m_plan.update(view, monotonic_usec()))
        send(*message);
}

void Notifier::send(std::string_view message) {
    const int error = m_socket.send(message);
    if (error && error != m_failing) {
        log_event(LogLevel::warn, "notify_failed",
                  fmt::format("sd_notify: sendto NOTIFY_SOCKET failed: {}", std::strerror(error)),
                  {{LogKey::reason, std::strerror(error)}});
    }
    m_failing = error;
}

void Notifier::arm_watchdog() {
    m_watchdog.expires_after(*m_period);
    m_watchdog.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        if (m_live) send("WATCHDOG=1");
        arm_watchdog();
    });
}

}  // namespace clawinit
