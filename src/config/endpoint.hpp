// Network addresses and check targets as they appear in options: `--probe-listen`,
// `--ready-check`, `--live-check`. Parsed here once, so the probe server and the check
// clients read the same grammar that validated the config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

struct HostPort {
    std::string host;  // without the brackets of an IPv6 literal
    std::uint16_t port{0};
};

enum class CheckKind { tcp, http, exec };

struct CheckTarget {
    CheckKind kind{CheckKind::tcp};
    HostPort address;     // tcp and http
    std::string path;     // http: starts with '/', "/" if the URL had none
    std::string command;  // exec: the text after "exec:"
    std::vector<std::string> argv;  // exec: `command` split into words (blanks, '...', "...")
};

// "HOST:PORT" or "[IPV6]:PORT", port 1..65535. Throws ValueError saying what is wrong.
HostPort parse_host_port(std::string_view text);

// Like parse_host_port, but "off" gives nullopt (the probe server is disabled).
std::optional<HostPort> parse_listen_address(std::string_view text);

// "tcp://HOST:PORT", "http://HOST:PORT[/PATH]" or "exec:CMD". Throws ValueError. CMD is
// split on blanks, with '...' or "..." quoting blanks (no escapes, no shell); an unterminated
// quote or an empty program name is an error here, not a check that fails forever.
CheckTarget parse_check_target(std::string_view text);

}  // namespace clawinit
