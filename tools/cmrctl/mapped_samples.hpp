// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file mapped_samples.hpp
/// Zero-copy reading of a stretch of a file (the sample data of a float WAV file): the bytes
/// are mapped a window at a time, read in place, and unmapped once passed, so the pages the
/// process holds stay bounded by the window size whatever the length of the file.

#include <cstddef>
#include <cstdint>
#include <span>

namespace cmrctl {

/// A forward-only reader of the bytes [offset, offset + length) of a regular file, through a
/// read-only mapping that slides along the file.
class MappedSamples {
public:
    /// Bytes mapped at a time: large enough that mapping costs nothing per byte, small enough
    /// to keep the resident set small.
    static constexpr std::size_t window_bytes = std::size_t{4} << 20U;

    /// Reads the bytes of @p fd (which stays owned by the caller and must outlive this) from
    /// @p offset on, @p length of them; nothing is mapped before the first next().
    MappedSamples(int fd, std::int64_t offset, std::int64_t length);
    ~MappedSamples();
    MappedSamples(const MappedSamples&) = delete;
    MappedSamples& operator=(const MappedSamples&) = delete;
    MappedSamples(MappedSamples&&) = delete;
    MappedSamples& operator=(MappedSamples&&) = delete;

    /// The next bytes: @p max_units units of @p unit_bytes bytes each, or the whole units
    /// left when fewer remain; valid until the next call. Empty at the end.
    /// @throws std::system_error when mapping fails, std::runtime_error when the file has
    ///         become shorter than the stretch (it would otherwise fault on access).
    std::span<const std::byte> next(std::size_t max_units, std::size_t unit_bytes);

private:
    /// Maps the window that starts at the page holding @p position, with room for at least
    /// @p bytes from there.
    void map_window_at(std::int64_t position, std::size_t bytes);
    void unmap();

    int fd_;
    std::int64_t end_;      // file offset just past the stretch
    std::int64_t position_; // file offset of the next unread byte
    void* map_ = nullptr;   // the current window, or null
    std::size_t map_length_ = 0;
    std::int64_t map_offset_ = 0; // file offset of map_ (page aligned)
};

} // namespace cmrctl
