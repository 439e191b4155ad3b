// Reads a whole file named by the operator (the config file, a pid file) without letting what
// is at that path block the caller: a FIFO would hang an open for reading until some writer
// came, a device can be read forever. Only a regular file (or a symlink to one: Kubernetes
// mounts ConfigMaps that way) is read.
#pragma once

#include <cstddef>
#include <string>

namespace clawinit {

struct FileText {
    std::string text;
    std::string error;  // empty when text is the whole file: "not a regular file (a FIFO)"...
    bool too_large = false;
};

// At most max_size bytes; a larger file is an error (it is not what the caller expects).
FileText read_regular_file(const std::string& path, std::size_t max_size);

}  // namespace clawinit
