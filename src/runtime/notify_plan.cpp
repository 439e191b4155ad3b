#include "runtime/notify_plan.hpp"

#include <fmt/format.h>

namespace clawinit {

std::string status_text(Status status, const std::optional<std::string>& reason) {
    std::string text(status_name(status));
    if (reason) text += ": " + *reason;
    // One line of the datagram: a newline would start a new assignment.
    for (char& c : text)
        if (c == '\n') c = ' ';
    return text;
}

std::optional<std::string> NotifyPlan::update(const NotifyView& view,
                                              std::uint64_t monotonic_usec) {
    std::string message;
    auto add = [&message](std::string_view line) {
        if (!message.empty()) message += '\n';
        message += line;
    };
    if (view.status == Status::stopping) {
        if (!m_stopping) add("STOPPING=1");
        m_stopping = true;
    } else if (!m_stopping) {
        if (view.restart_pending && m_ready_sent && !m_reloading) {
            add(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec));
            m_reloading = true;
        } else if (view.ready && (!m_ready_sent || m_reloading)) {
            add("READY=1");
            m_ready_sent = true;
            m_reloading = false;
        }
    }
    std::string status = status_text(view.status, view.reason);
    if (status != m_status) {
        add("STATUS=" + status);
        m_status = std::move(status);
    }
    if (message.empty()) return std::nullopt;
    return message;
}

}  // namespace clawinit
