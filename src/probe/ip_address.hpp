// Probe and check addresses are IP literals (or "localhost"): resolving names would need
// getaddrinfo, which Asio runs on a hidden thread and which a static binary cannot do through
// NSS anyway. The gateway is in the same container or pod, so an IP is always at hand.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "config/endpoint.hpp"

namespace clawinit {

// Throws ConfigError "<option>: '<host>' is not an IP address".
boost::asio::ip::address parse_ip_address(std::string_view host, std::string_view option);

// "1.2.3.4:80" or "[::1]:80".
std::string format_address(const HostPort& address);

}  // namespace clawinit
