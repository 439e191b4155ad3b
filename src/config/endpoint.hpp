// Network addresses and check targets as they appear in options: `--probe-listen`,
// `--ready-check`, `--live-check`. Parsed here once, into the values the probe server, the
// check clients and the CLI use as they are: nothing downstream parses them again.
//
// Hosts are IP literals (or "localhost"): resolving names would need getaddrinfo, which Asio
// runs on a hidden thread and which a static binary cannot do through NSS anyway. The gateway
// is in the same container or pod, so an IP is always at hand.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clawinit {

// The HOST:PORT grammar's result: the host as written, without the brackets of an IPv6 literal.
struct HostPort {
    std::string host;
    std::uint16_t port{0};
};

// A HostPort whose host is an IP (or localhost), parsed: what a socket binds or connects to.
struct IpEndpoint : HostPort {
    boost::asio::ip::address ip;  // "localhost" is 127.0.0.1
};

enum class CheckKind { tcp, http, exec };

struct CheckTarget {
    CheckKind kind{CheckKind::tcp};
    IpEndpoint address;             // tcp and http
    std::string path;               // http: starts with '/', "/" if the URL had none
    std::string command;            // exec: the text after "exec:"
    std::vector<std::string> argv;  // exec: `command` split into words (blanks, '...', "...")
};

// "IP:PORT", "[IPV6]:PORT" or "localhost:PORT", port 1..65535. Throws ValueError saying what
// is wrong.
IpEndpoint parse_ip_endpoint(std::string_view text);

// Like parse_ip_endpoint, but "off" gives nullopt (the probe server is disabled).
std::optional<IpEndpoint> parse_listen_address(std::string_view text);

// "tcp://IP:PORT", "http://IP:PORT[/PATH]" or "exec:CMD". Throws ValueError. CMD is split on
// blanks, with '...' or "..." quoting blanks (no escapes, no shell); an unterminated quote or
// an empty program name is an error here, not a check that fails forever.
CheckTarget parse_check_target(std::string_view text);

// "1.2.3.4:80" or "[::1]:80".
std::string format_address(const HostPort& address);

// `--probe-listen` as the Config holds it: the parsed address (none: "off") and the text as
// given, which check-config prints back. Built from text like a std::filesystem::path, so a
// Config is written `config.probe_listen = "[::]:8899"`; a bad text throws ValueError.
class ListenOption {
public:
    ListenOption(std::string_view text);  // NOLINT(google-explicit-constructor)
    ListenOption(const std::string& text) : ListenOption(std::string_view(text)) {}
    ListenOption(const char* text) : ListenOption(std::string_view(text)) {}

    const std::optional<IpEndpoint>& address() const { return m_address; }
    const std::string& text() const { return m_text; }
    friend bool operator==(const ListenOption& option, std::string_view text) {
        return option.m_text == text;
    }

private:
    std::string m_text;
    std::optional<IpEndpoint> m_address;
};

// `--ready-check` / `--live-check` as the Config holds it: the parsed target, or none (the
// empty text), and the text as given. Built from text like ListenOption.
class CheckOption {
public:
    CheckOption() = default;
    CheckOption(std::string_view text);  // NOLINT(google-explicit-constructor)
    CheckOption(const std::string& text) : CheckOption(std::string_view(text)) {}
    CheckOption(const char* text) : CheckOption(std::string_view(text)) {}

    bool empty() const { return !m_target; }
    void clear() { *this = CheckOption(); }
    const std::optional<CheckTarget>& target() const { return m_target; }
    const std::string& text() const { return m_text; }
    friend bool operator==(const CheckOption& option, std::string_view text) {
        return option.m_text == text;
    }

private:
    std::string m_text;
    std::optional<CheckTarget> m_target;
};

}  // namespace clawinit
