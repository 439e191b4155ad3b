#include "config/endpoint.hpp"

#include <charconv>
#include <utility>

#include "config/value_error.hpp"

namespace clawinit {
namespace {

constexpr std::string_view k_off = "off";
constexpr std::string_view k_tcp_scheme = "tcp://";
constexpr std::string_view k_http_scheme = "http://";
constexpr std::string_view k_exec_prefix = "exec:";
constexpr std::string_view k_check_usage = "use tcp://HOST:PORT, http://HOST:PORT/PATH or exec:CMD";

[[noreturn]] void fail(std::string_view what, std::string_view text, std::string_view why) {
    throw ValueError("bad " + std::string(what) + " '" + std::string(text) + "' (" +
                     std::string(why) + ")");
}

bool has_space(std::string_view text) {
    return text.find_first_of(" \t\r\n") != std::string_view::npos;
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
    unsigned value = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

// HOST:PORT as part of a larger value: errors quote `whole` and call it `what`.
HostPort parse_host_port_in(std::string_view text, std::string_view what, std::string_view whole) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        fail(what, whole, "use HOST:PORT or [IPV6]:PORT");
    }
    std::string_view host = text.substr(0, colon);
    const auto port = parse_port(text.substr(colon + 1));
    if (!port) {
        fail(what, whole, "the port must be 1..65535");
    }
    if (host.starts_with('[')) {
        if (!host.ends_with(']') || host.size() < 3) {
            fail(what, whole, "an IPv6 address is written [ADDR]:PORT");
        }
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        fail(what, whole, "an IPv6 address needs brackets: [ADDR]:PORT");
    }
    if (host.empty() || has_space(host) || host.find_first_of("[]/") != std::string_view::npos) {
        fail(what, whole, "the host is missing or malformed");
    }
    return HostPort{std::string(host), *port};
}

// HOST:PORT whose host must be an IP: what a socket can use without resolving a name.
IpEndpoint parse_ip_endpoint_in(std::string_view text, std::string_view what,
                                std::string_view whole) {
    IpEndpoint endpoint{parse_host_port_in(text, what, whole), {}};
    if (endpoint.host == "localhost") {
        endpoint.ip = boost::asio::ip::address_v4::loopback();
        return endpoint;
    }
    boost::system::error_code ec;
    endpoint.ip = boost::asio::ip::make_address(endpoint.host, ec);
    if (ec) {
        fail(what, whole,
             "'" + endpoint.host +
                 "' is not an IP address; names are not resolved, "
                 "use an IP or localhost");
    }
    return endpoint;
}

// The exec check's argv: words split on blanks; a quote runs to the same quote character.
std::vector<std::string> exec_argv(std::string_view command, std::string_view whole) {
    std::vector<std::string> argv;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (const char c : command) {
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {
                word += c;
            }
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                argv.push_back(std::exchange(word, {}));
            }
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote != 0) {
        fail("check", whole, std::string("exec: unterminated ") + quote + " quote");
    }
    if (in_word) {
        argv.push_back(word);
    }
    if (argv.empty()) {
        fail("check", whole, "exec: needs a command");
    }
    if (argv.front().empty()) {
        fail("check", whole, "exec: the program name is empty");
    }
    return argv;
}

}  // namespace

IpEndpoint parse_ip_endpoint(std::string_view text) {
    return parse_ip_endpoint_in(text, "address", text);
}

std::optional<IpEndpoint> parse_listen_address(std::string_view text) {
    if (text == k_off) {
        return std::nullopt;
    }
    return parse_ip_endpoint(text);
}

CheckTarget parse_check_target(std::string_view text) {
    constexpr std::string_view what = "check";
    CheckTarget target;
    if (text.starts_with(k_exec_prefix)) {
        target.kind = CheckKind::exec;
        target.command = std::string(text.substr(k_exec_prefix.size()));
        target.argv = exec_argv(target.command, text);
        return target;
    }
    std::string_view rest;
    if (text.starts_with(k_tcp_scheme)) {
        target.kind = CheckKind::tcp;
        rest = text.substr(k_tcp_scheme.size());
    } else if (text.starts_with(k_http_scheme)) {
        target.kind = CheckKind::http;
        rest = text.substr(k_http_scheme.size());
        const auto slash = rest.find('/');
        target.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
        rest = rest.substr(0, slash);
        if (has_space(target.path)) {
            fail(what, text, "the path must not contain spaces");
        }
    } else {
        fail(what, text, k_check_usage);
    }
    target.address = parse_ip_endpoint_in(rest, what, text);
    return target;
}

std::string format_address(const HostPort& address) {
    if (address.host.find(':') != std::string::npos) {
        return "[" + address.host + "]:" + std::to_string(address.port);
    }
    return address.host + ":" + std::to_string(address.port);
}

ListenOption::ListenOption(std::string_view text)
    : m_text(text), m_address(parse_listen_address(text)) {}

CheckOption::CheckOption(std::string_view text) : m_text(text) {
    if (!text.empty()) {
        m_target = parse_check_target(text);
    }
}

}  // namespace clawinit
