// Signal names <-> numbers, the way `kill -l` spells them. Real-time signals are relative to
// SIGRTMIN/SIGRTMAX as the C library reports them at run time (glibc reserves the first two).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clawinit {

// Accepts "SIGUSR1", "USR1", "usr1", "10", "SIG10", "SIGRTMIN", "SIGRTMIN+3", "RTMAX-2",
// and the aliases IOT, CLD, POLL. Rejects 0, numbers beyond SIGRTMAX and the signals the C
// library keeps for itself between 31 and SIGRTMIN (a process cannot block or wait for them).
std::optional<int> parse_signal(std::string_view text);

// "SIGUSR1", "SIGRTMIN", "SIGRTMIN+3", "SIGRTMAX", or "SIG<n>" for a number with no name.
std::string signal_name(int signal);

}  // namespace clawinit
