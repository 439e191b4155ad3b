#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/endpoint.hpp"
#include "config/value_error.hpp"

using namespace clawinit;

TEST_CASE("parse_ip_endpoint: IPv4, localhost and bracketed IPv6; a name is refused") {
    const IpEndpoint v4 = parse_ip_endpoint("0.0.0.0:8899");
    CHECK(v4.host == "0.0.0.0");
    CHECK(v4.port == 8899);
    CHECK(parse_ip_endpoint("localhost:1").port == 1);
    const IpEndpoint v6 = parse_ip_endpoint("[::]:8899");
    CHECK(v6.host == "::");
    CHECK(v6.port == 8899);
    CHECK(v6.ip.is_v6());
    CHECK_THROWS_AS(parse_ip_endpoint("gateway:65535"), ValueError);  // a socket needs an IP
}

TEST_CASE("parse_ip_endpoint rejects bad addresses with the reason") {
    struct Case {
        const char* text;
        const char* reason;
    };
    const Case cases[] = {
        {"8899", "use HOST:PORT"},
        {":8899", "host is missing"},
        {"[]:8899", "IPv6 address is written"},
        {"host:0", "port must be 1..65535"},
        {"host:65536", "port must be 1..65535"},
        {"host:", "port must be 1..65535"},
        {"host:http", "port must be 1..65535"},
        {"host:-1", "port must be 1..65535"},
        {"::1:8899", "needs brackets"},
        {"[::1:8899", "IPv6 address is written"},
        {"my host:80", "host is missing or malformed"},
        {"host/x:80", "host is missing or malformed"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const std::string quoted = std::string("bad address '") + c.text + "'";
        CHECK_THROWS_WITH_AS(parse_ip_endpoint(c.text), doctest::Contains(quoted.c_str()),
                             ValueError);
        CHECK_THROWS_WITH_AS(parse_ip_endpoint(c.text), doctest::Contains(c.reason), ValueError);
    }
}

TEST_CASE("parse_listen_address: off disables the probe server") {
    CHECK_FALSE(parse_listen_address("off").has_value());
    CHECK(parse_listen_address("127.0.0.1:9000")->port == 9000);
    CHECK_THROWS_AS(parse_listen_address("OFF"), ValueError);
    CHECK_THROWS_AS(parse_listen_address(""), ValueError);
}

TEST_CASE("parse_check_target: tcp, http and exec") {
    const CheckTarget tcp = parse_check_target("tcp://127.0.0.1:18789");
    CHECK(tcp.kind == CheckKind::tcp);
    CHECK(tcp.address.host == "127.0.0.1");
    CHECK(tcp.address.port == 18789);

    const CheckTarget http = parse_check_target("http://localhost:18789/readyz?full=1");
    CHECK(http.kind == CheckKind::http);
    CHECK(http.address.host == "localhost");
    CHECK(http.address.port == 18789);
    CHECK(http.path == "/readyz?full=1");
    CHECK(parse_check_target("http://[::1]:80").path == "/");
    CHECK(parse_check_target("http://[::1]:80").address.host == "::1");

    const CheckTarget exec = parse_check_target("exec:pg_isready -q");
    CHECK(exec.kind == CheckKind::exec);
    CHECK(exec.command == "pg_isready -q");
    CHECK(exec.argv == std::vector<std::string>{"pg_isready", "-q"});
    CHECK(parse_check_target("exec:  sh -c 'test -f \"/tmp/a b\"'\t").argv ==
          std::vector<std::string>{"sh", "-c", "test -f \"/tmp/a b\""});
    CHECK(parse_check_target("exec:a\"\"b ''").argv == std::vector<std::string>{"ab", ""});
}

TEST_CASE("parse_check_target rejects malformed checks") {
    const char* const cases[] = {
        "",
        "localhost:80",
        "https://host:443/",
        "tcp://host",
        "tcp://:80",
        "tcp://host:80/x",
        "http://host/readyz",
        "http://host:99999/",
        "exec:",
        "exec:   ",
        "http://host:80/a b",
        "udp://host:53",
        "exec:\"",
        "exec:a 'b",
        "exec:''",
        "exec:\"\" arg",
    };
    for (const char* text : cases) {
        CAPTURE(text);
        const std::string quoted = std::string("bad check '") + text + "' (";
        CHECK_THROWS_WITH_AS(parse_check_target(text), doctest::Contains(quoted.c_str()),
                             ValueError);
    }
    CHECK_THROWS_WITH_AS(parse_check_target("exec:\"unterminated"),
                         "bad check 'exec:\"unterminated' (exec: unterminated \" quote)",
                         ValueError);
    CHECK_THROWS_WITH_AS(parse_check_target("exec:\t\n"),
                         "bad check 'exec:\t\n' (exec: needs a command)", ValueError);
    CHECK_THROWS_WITH_AS(parse_check_target("exec:\"\" x"),
                         "bad check 'exec:\"\" x' (exec: the program name is empty)", ValueError);
}

TEST_CASE("exec check commands split on blanks, with quotes, without a shell") {
    // Once in src/probe/check.cpp as split_command; the config's parse is now the only grammar.
    using V = std::vector<std::string>;
    CHECK(parse_check_target("exec:/clawinit probe ready").argv ==
          V{"/clawinit", "probe", "ready"});
    CHECK(parse_check_target("exec:  a \t b  ").argv == V{"a", "b"});
    CHECK(parse_check_target("exec:sh -c 'exit 3'").argv == V{"sh", "-c", "exit 3"});
    CHECK(parse_check_target("exec:echo \"a b\"c ''").argv == V{"echo", "a bc", ""});
    CHECK_THROWS(parse_check_target("exec:"));  // was an empty argv, a check that always failed
}

TEST_CASE("probe and check hosts are IP literals or localhost") {
    // Once probe/ip_address.cpp's parse_ip_address, a second parse after the config's.
    CHECK(parse_ip_endpoint("127.0.0.1:1").ip.to_string() == "127.0.0.1");
    CHECK(parse_ip_endpoint("localhost:1").ip.to_string() == "127.0.0.1");
    CHECK(parse_ip_endpoint("localhost:1").host == "localhost");
    CHECK(parse_ip_endpoint("[::1]:1").ip.is_v6());
    CHECK(parse_ip_endpoint("0.0.0.0:1").ip.is_unspecified());
    CHECK(parse_listen_address("[::]:8899")->ip.is_v6());
    CHECK(parse_check_target("tcp://10.0.0.7:80").address.ip.to_string() == "10.0.0.7");
    CHECK_THROWS_WITH_AS(parse_ip_endpoint("gateway.svc:80"),
                         "bad address 'gateway.svc:80' ('gateway.svc' is not an IP address; "
                         "names are not resolved, use an IP or localhost)",
                         ValueError);
    CHECK_THROWS_WITH_AS(parse_listen_address("gateway:8899"),
                         doctest::Contains("'gateway' is not an IP address"), ValueError);
    CHECK_THROWS_WITH_AS(parse_check_target("http://gateway:80/readyz"),
                         doctest::Contains("bad check 'http://gateway:80/readyz' ('gateway'"),
                         ValueError);
    CHECK(format_address({"::", 8899}) == "[::]:8899");
    CHECK(format_address({"0.0.0.0", 8899}) == "0.0.0.0:8899");
}

TEST_CASE("the config keeps the parsed value and the text as given") {
    const ListenOption off = "off";
    CHECK_FALSE(off.address().has_value());
    CHECK(off == "off");
    const ListenOption v6 = "[::]:08899";
    CHECK(v6.address()->port == 8899);
    CHECK(v6.text() == "[::]:08899");  // check-config prints what was written
    CHECK_THROWS_AS(ListenOption("8899"), ValueError);

    CheckOption check;
    CHECK(check.empty());
    check = "exec:pg_isready -q";
    CHECK(check.target()->argv == std::vector<std::string>{"pg_isready", "-q"});
    CHECK(check == "exec:pg_isready -q");
    check.clear();
    CHECK(check.empty());
    CHECK(check.text().empty());
    CHECK(CheckOption("").empty());
    CHECK_THROWS_AS(CheckOption("udp://127.0.0.1:53"), ValueError);
}
