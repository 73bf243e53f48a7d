// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file stretch_reader.hpp
/// Reading a stretch of a file (the sample data of a float WAV file) in large blocks with
/// pread(2), no decoding. Not a memory mapping: another process may cut the file short while
/// it is read, and a mapped page past the new end raises SIGBUS (#12 finding 7: `cmrctl
/// analyze` died so in 2 of 5 runs); a short read is an error that can be reported.

#include <cstddef>
#include <cstdint>
#include <span>

namespace cmrctl {

/// A forward-only reader of the bytes [offset, offset + length) of a regular file.
class StretchReader {
public:
    /// Reads the bytes of @p fd (which stays owned by the caller and must outlive this) from
    /// @p offset on, @p length of them.
    StretchReader(int fd, std::int64_t offset, std::int64_t length);

    /// Reads the next whole units of @p unit_bytes bytes into @p out, as many as fit, or the
    /// whole units left when fewer remain. @return the bytes read, 0 at the end.
    /// @throws std::system_error when reading fails, std::runtime_error when the file has
    ///         become shorter than the stretch ("truncated: ...").
    std::size_t read(std::span<std::byte> out, std::size_t unit_bytes);

private:
    int fd_;
    std::int64_t end_;      // file offset just past the stretch
    std::int64_t position_; // file offset of the next unread byte
};

} // namespace cmrctl
