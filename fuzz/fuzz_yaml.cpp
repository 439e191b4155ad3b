// libFuzzer target: the YAML config loader. The input is the file's content (written to a
// memfd, read through /proc/self/fd like any path). A bad file must end in ConfigError, the
// one clear "file:line:col: ..." line; any other exception escaping is a crash here. A file
// that loads must print (check-config's to_yaml) as a file that loads back to the same values.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.hpp"
#include "config/load.hpp"
#include "config/options.hpp"
#include "config/yaml_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const int fd = ::memfd_create("clawinit-fuzz.yaml", 0);
    if (fd < 0) std::abort();
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        std::abort();
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    clawinit::Config config;
    try {
        clawinit::apply_config_file(path, config);
    } catch (const clawinit::ConfigError& error) {
        // Every error names the file it is about.
        if (std::string(error.what()).rfind(path, 0) != 0) std::abort();
        return 0;
    }
    // An unknown user stays as written (user_error): the printed file names it again.
    const std::string printed = clawinit::to_yaml(config);
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, printed.data(), printed.size(), 0) != static_cast<ssize_t>(printed.size()))
        std::abort();
    clawinit::Config again;
    clawinit::apply_config_file(path, again);  // a ConfigError escaping here is a crash too
    for (const clawinit::OptionSpec& option : clawinit::option_table()) {
        if (option.name != clawinit::k_config_option && option.get(again) != option.get(config))
            std::abort();
    }
    if (again.command != config.command) std::abort();
    return 0;
}
