#include "sys/text_pages.hpp"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace clawinit {

namespace {

// A static binary has three read-only PT_LOAD segments, a dynamic one four.
struct Ranges {
    static constexpr int k_max = 8;
    std::uintptr_t start[k_max];
    std::uintptr_t end[k_max];
    int count{0};
};

int collect_segments(dl_phdr_info* info, std::size_t, void* data) {
    auto* ranges = static_cast<Ranges*>(data);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    for (int i = 0; i < info->dlpi_phnum && ranges->count < Ranges::k_max; ++i) {
        const ElfW(Phdr)& segment = info->dlpi_phdr[i];
        // Writable segments hold data (private copies once written): never these.
        if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W)) continue;
        const std::uintptr_t first = info->dlpi_addr + segment.p_vaddr;
        ranges->start[ranges->count] = first & ~(page - 1);
        ranges->end[ranges->count] = (first + segment.p_memsz + page - 1) & ~(page - 1);
        ++ranges->count;
    }
    return 1;  // the first object is the executable itself; libraries (dynamic builds) keep theirs
}

}  // namespace

std::size_t release_read_only_pages() {
    // The ranges first, then the madvise calls: the program headers being read live in the
    // first segment, which reading them after its release would map straight back.
    Ranges ranges;
    ::dl_iterate_phdr(collect_segments, &ranges);
    std::size_t released = 0;
    for (int i = 0; i < ranges.count; ++i) {
        // MADV_DONTNEED on a private file mapping never written: the PTEs go, the page cache
        // keeps the pages. A failure (an odd kernel, valgrind) only leaves them mapped.
        const std::size_t length = ranges.end[i] - ranges.start[i];
        if (::madvise(reinterpret_cast<void*>(ranges.start[i]), length, MADV_DONTNEED) == 0)
            released += length;
    }
    return released;
}

}  // namespace clawinit
