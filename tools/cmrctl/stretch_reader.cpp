// SPDX-License-Identifier: GPL-2.0-or-later
#include "stretch_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace cmrctl {

StretchReader::StretchReader(int fd, std::int64_t offset, std::int64_t length)
    : fd_(fd), end_(offset + length), position_(offset)
{
    // Read once, in order: read-ahead helps a file not yet in the page cache.
    (void)::posix_fadvise(fd_, offset, length, POSIX_FADV_SEQUENTIAL);
}

std::size_t StretchReader::read(std::span<std::byte> out, std::size_t unit_bytes)
{
    if (position_ >= end_ || unit_bytes == 0)
        return 0;
    // Whole units, as many as fit: callers see the same block boundaries as from libsndfile
    // (the analyzer's float partial sums follow them).
    const std::size_t units =
        std::min(out.size(), static_cast<std::size_t>(end_ - position_)) / unit_bytes;
    const std::size_t wanted = units * unit_bytes;
    std::size_t done = 0;
    while (done < wanted) {
        const ssize_t n = ::pread(fd_, out.data() + done, wanted - done,
                                  static_cast<off_t>(position_) + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::system_error(errno, std::generic_category(), "cannot read");
        if (n == 0)
            throw std::runtime_error("truncated: the file became shorter while it was read (" +
                                     std::to_string(position_ + static_cast<std::int64_t>(done)) +
                                     " of " + std::to_string(end_) + " bytes)");
        done += static_cast<std::size_t>(n);
    }
    position_ += static_cast<std::int64_t>(wanted);
    return wanted;
}

} // namespace cmrctl
