// libFuzzer target: the YAML config loader. The input is the file's content (written to a
// memfd, read through /proc/self/fd like any path). A bad file must end in ConfigError, the
// one clear "file:line:col: ..." line; any other exception escaping is a crash here.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/config.hpp"
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
    }
    return 0;
}
