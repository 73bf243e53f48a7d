// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file shared_frame_ring.hpp
/// Audio frames between two processes without copying them through D-Bus: a ring of
/// interleaved float samples in a sealed memfd that cmrd-agent (the writer, in the user's
/// session, fed by PipeWire or JACK) creates and passes once to cmrd (the reader) as a Unix
/// file descriptor, with an eventfd to wake the reader.
///
/// The writer never waits for the reader: a sound server's process callback must not depend
/// on cmrd. When the reader falls a whole ring behind, the oldest frames are overwritten and
/// the reader counts them as lost. The reader never writes into the ring (it maps it
/// read-only) and trusts nothing in it: the layout is checked once when it attaches (magic,
/// version, sizes against the file's own size, seals that keep the file from shrinking under
/// the mapping), and every read checks positions and samples, so garbage, a writer that goes
/// backwards, laps the reader or stalls, or ends, is reported, never a crash or a wrong figure.
///
/// Layout (native byte order; both ends run on one machine), version 1:
///   bytes 0-63    header: "CMRDRNG1", version, header size, channels, rate, capacity
///   bytes 64-127  positions: frames claimed (about to be written), frames written, the
///                 writer's xruns, and whether the writer has ended
///   then          capacity × channels float32 samples, frame f at (f mod capacity)
/// A writer advances `claimed` before overwriting old frames and `written` after (a seqlock):
/// a reader that copied frames the writer was overwriting sees it and drops them.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "unique_fd.hpp"

namespace cmrd::common {

/// What a ring carries. Checked on both sides: see the limits below.
struct RingFormat {
    std::uint32_t channels = 0;
    std::uint32_t rate = 0;            ///< frames per second
    std::uint64_t capacity_frames = 0; ///< frames the ring holds

    bool operator==(const RingFormat&) const = default;
};

inline constexpr std::uint32_t ring_version = 1;
inline constexpr std::uint32_t ring_max_channels = 64;
inline constexpr std::uint32_t ring_min_rate = 8000;
inline constexpr std::uint32_t ring_max_rate = 384000;
/// A ring holds between 0.1 s and 30 s of audio, and at most 64 MiB.
inline constexpr std::uint64_t ring_max_bytes = 64ULL << 20U;

/// A ring that cannot be made or attached, with what is wrong ("the ring's file has 1000
/// bytes; 8 channels × 4800 frames need 153728").
class RingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The reason @p format is not acceptable, "" when it is.
[[nodiscard]] std::string check_ring_format(const RingFormat& format);

/// The size of a ring file of @p format (header and samples).
[[nodiscard]] std::uint64_t ring_file_bytes(const RingFormat& format);

/// The writer's end: creates the memfd, sizes and seals it, and maps it.
class SharedRingWriter {
public:
    /// @throws RingError for a format out of the limits or a system call that fails.
    explicit SharedRingWriter(const RingFormat& format);
    ~SharedRingWriter();
    SharedRingWriter(const SharedRingWriter&) = delete;
    SharedRingWriter& operator=(const SharedRingWriter&) = delete;

    /// The memfd to pass to the reader (it gets its own duplicate over D-Bus).
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    [[nodiscard]] const RingFormat& format() const noexcept { return format_; }

    /// Appends whole frames (@p interleaved.size() must be a multiple of channels; a partial
    /// frame at the end is ignored), overwriting the oldest when the ring is full. Never
    /// waits, locks or allocates: callable from a sound server's real-time callback.
    void write(std::span<const float> interleaved) noexcept;
    /// Counts @p count xruns the server reported (the reader reports them as overruns).
    void add_xruns(std::uint64_t count) noexcept;
    /// Marks the stream ended (node removed, server gone): the reader stops waiting.
    void end() noexcept;

private:
    RingFormat format_;
    UniqueFd fd_;
    void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
};

/// The reader's end: validates a memfd it was given and reads frames from it.
class SharedRingReader {
public:
    /// Takes @p fd (a ring a writer made). @throws RingError saying what is wrong with it: not
    /// a sealed memfd, wrong magic or version, a format out of the limits, a size that does not
    /// match the format.
    explicit SharedRingReader(UniqueFd fd);
    ~SharedRingReader();
    SharedRingReader(const SharedRingReader&) = delete;
    SharedRingReader& operator=(const SharedRingReader&) = delete;

    /// The format as checked at attach time (the header is not read again).
    [[nodiscard]] const RingFormat& format() const noexcept { return format_; }

    enum class Status {
        ok,
        /// The writer's position went backwards, or ahead of what it claimed: it is broken or
        /// hostile. Nothing was read; the reader should give up on this ring.
        corrupt,
        /// Frames held samples that are not finite numbers (NaN, infinity): dropped, counted.
        garbage,
    };
    struct Read {
        Status status = Status::ok;
        std::size_t frames = 0;    ///< frames copied into the buffer
        std::uint64_t lost = 0;    ///< frames overwritten before they could be read, or dropped
        bool writer_ended = false; ///< the writer marked the stream ended and all is read
    };
    /// Copies the oldest unread frames into @p out (at most out.size() / channels frames).
    /// Never waits, locks or allocates.
    [[nodiscard]] Read read(std::span<float> out) noexcept;

    /// Skips whatever is unread: the next read() starts with what the writer writes next.
    void skip_to_newest() noexcept { position_ = written(); }

    /// Frames the writer has written so far (as it says; checked only against itself).
    [[nodiscard]] std::uint64_t written() const noexcept;
    /// The xruns the writer reported.
    [[nodiscard]] std::uint64_t writer_xruns() const noexcept;

private:
    RingFormat format_;
    UniqueFd fd_;
    const void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
    std::uint64_t position_ = 0; ///< the next frame to read
};

} // namespace cmrd::common
