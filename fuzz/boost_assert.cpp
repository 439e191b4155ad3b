// BOOST_ASSERT stays on in the fuzz build (it checks Beast's own invariants), with one known
// false alarm let through: Beast's chunk parser asserts n >= 5 when a final chunk "0\r\n"
// arrives a byte at a time, though the code after it handles n == 4 correctly
// (boostorg/beast#2861, fixed in Boost 1.86; bookworm has 1.81).
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace boost {

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
    if (std::strcmp(expr, "n >= 5") == 0 && std::strstr(file, "basic_parser.ipp") != nullptr)
        return;
    std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line, function, expr);
    std::abort();
}

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {
    std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s\n", file, line, function, expr,
                 msg);
    std::abort();
}

}  // namespace boost
