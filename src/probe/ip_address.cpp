#include "probe/ip_address.hpp"

#include <fmt/format.h>

#include "config/config.hpp"

namespace clawinit {

boost::asio::ip::address parse_ip_address(std::string_view host, std::string_view option) {
    if (host == "localhost") return boost::asio::ip::make_address_v4("127.0.0.1");
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec)
        throw ConfigError(fmt::format("{}: '{}' is not an IP address (names are not resolved; "
                                      "use an IP or localhost)", option, host));
    return address;
}

std::string format_address(const HostPort& address) {
    if (address.host.find(':') != std::string::npos)
        return fmt::format("[{}]:{}", address.host, address.port);
    return fmt::format("{}:{}", address.host, address.port);
}

}  // namespace clawinit
