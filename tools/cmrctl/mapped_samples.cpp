// SPDX-License-Identifier: GPL-2.0-or-later
#include "mapped_samples.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cmrctl {

MappedSamples::MappedSamples(int fd, std::int64_t offset, std::int64_t length)
    : fd_(fd), end_(offset + length), position_(offset)
{}

MappedSamples::~MappedSamples()
{
    unmap();
}

void MappedSamples::unmap()
{
    if (map_ != nullptr)
        ::munmap(map_, map_length_);
    map_ = nullptr;
    map_length_ = 0;
}

void MappedSamples::map_window_at(std::int64_t position, std::size_t bytes)
{
    unmap();
    static const std::int64_t page = ::sysconf(_SC_PAGESIZE);
    const std::int64_t start = position / page * page;
    const auto span = static_cast<std::int64_t>(std::max(window_bytes, bytes)) + page;
    const std::int64_t stop = std::min(end_, start + span);
    // Touching a mapped page beyond the end of the file raises SIGBUS. The file was whole when
    // it was opened; check again here in case it has been cut short since (a file truncated
    // while a window is in use can still fault: that is the price of not copying).
    struct stat status {};
    if (::fstat(fd_, &status) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot stat");
    if (status.st_size < stop)
        throw std::runtime_error("truncated: the file became shorter while it was read");
    map_length_ = static_cast<std::size_t>(stop - start);
    void* map = ::mmap(nullptr, map_length_, PROT_READ, MAP_PRIVATE, fd_, start);
    if (map == MAP_FAILED) {
        map_length_ = 0;
        throw std::system_error(errno, std::generic_category(), "cannot map");
    }
    map_ = map;
    map_offset_ = start;
    // Read-ahead for a file not yet in the page cache; the window is read once, in order.
    ::madvise(map_, map_length_, MADV_SEQUENTIAL);
}

std::span<const std::byte> MappedSamples::next(std::size_t max_units, std::size_t unit_bytes)
{
    if (position_ >= end_ || max_units == 0)
        return {};
    // Whole blocks of max_units whenever the stretch holds them, wherever the windows fall:
    // callers see the same block boundaries as from a plain read (the analyzer's float partial
    // sums follow block boundaries, so its last bits would otherwise depend on the window).
    const std::size_t wanted =
        std::min(max_units * unit_bytes,
                 static_cast<std::size_t>(end_ - position_) / unit_bytes * unit_bytes);
    const auto mapped_end = [&] { return map_offset_ + static_cast<std::int64_t>(map_length_); };
    if (map_ == nullptr || mapped_end() - position_ < static_cast<std::int64_t>(wanted))
        map_window_at(position_, wanted);
    const auto available = static_cast<std::size_t>(mapped_end() - position_);
    const std::size_t units = std::min(max_units, available / unit_bytes);
    if (units == 0) // the stretch ends in a partial unit
        return {};
    const auto* bytes = static_cast<const std::byte*>(map_) + (position_ - map_offset_);
    position_ += static_cast<std::int64_t>(units * unit_bytes);
    return {bytes, units * unit_bytes};
}

} // namespace cmrctl
