#include "sys/text_pages.hpp"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace clawinit {

namespace {

int release_segments(dl_phdr_info* info, std::size_t, void* data) {
    auto* released = static_cast<std::size_t*>(data);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& segment = info->dlpi_phdr[i];
        // Writable segments hold data (private copies once written): never these.
        if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W)) continue;
        const std::uintptr_t first = info->dlpi_addr + segment.p_vaddr;
        const std::uintptr_t start = first & ~(page - 1);
        const std::uintptr_t end = (first + segment.p_memsz + page - 1) & ~(page - 1);
        // MADV_DONTNEED on a private file mapping never written: the PTEs go, the page cache
        // keeps the pages. A failure (an odd kernel, valgrind) only leaves them mapped.
        if (::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) == 0)
            *released += end - start;
    }
    return 1;  // the first object is the executable itself; libraries (dynamic builds) keep theirs
}

}  // namespace

std::size_t release_read_only_pages() {
    std::size_t released = 0;
    ::dl_iterate_phdr(release_segments, &released);
    return released;
}

}  // namespace clawinit
