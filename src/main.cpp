#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>

#include "cli/run.hpp"

int main(int argc, char** argv) {
    return clawinit::run_cli(argc, argv);
}

// What std::terminate does by default: one line on stderr, then abort(). run_cli catches every
// exception it expects, so this runs only for a bug (an exception through a noexcept function).
// It replaces libstdc++'s verbose handler, which says the same but links __cxa_demangle to
// spell the exception's type: 47 kB of the static binary for a line nobody should ever see.
namespace __gnu_cxx {
void __verbose_terminate_handler() {
    const char* what = "not a std::exception";
    if (const std::exception_ptr current = std::current_exception()) {
        try {
            std::rethrow_exception(current);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
    } else {
        what = "no exception (std::terminate called)";
    }
    const char prefix[] = "clawinit: terminate called: ";
    (void)!::write(STDERR_FILENO, prefix, sizeof prefix - 1);
    (void)!::write(STDERR_FILENO, what, std::strlen(what));
    (void)!::write(STDERR_FILENO, "\n", 1);
    std::abort();
}
}  // namespace __gnu_cxx
