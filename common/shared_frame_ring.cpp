// SPDX-License-Identifier: GPL-2.0-or-later
#include "shared_frame_ring.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "errno_text.hpp"

namespace cmrd::common {
namespace {

constexpr std::array<char, 8> ring_magic = {'C', 'M', 'R', 'D', 'R', 'N', 'G', '1'};

/// The first 128 bytes of a ring file. The first line is written once by the writer and
/// copied once by the reader; the positions are only touched through atomic_ref.
struct RingHeader {
    std::array<char, 8> magic;
    std::uint32_t version;
    std::uint32_t header_bytes;
    std::uint32_t channels;
    std::uint32_t rate;
    std::uint64_t capacity_frames;
    std::array<std::uint8_t, 32> reserved0;
    // A cache line of its own: the writer's positions.
    std::uint64_t claimed; ///< frames the writer is writing or has written
    std::uint64_t written; ///< frames complete and readable
    std::uint64_t xruns;
    std::uint32_t ended;
    std::uint32_t reserved1;
    std::array<std::uint8_t, 32> reserved2;
};
static_assert(sizeof(RingHeader) == 128);
static_assert(offsetof(RingHeader, claimed) == 64);
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic_ref<float>::is_always_lock_free);

constexpr std::size_t header_bytes = sizeof(RingHeader);

std::string system_error(const std::string& what)
{
    return what + ": " + errno_text(errno);
}

// Loads from the reader's read-only mapping: an aligned 8- or 4-byte atomic load is a plain
// load on the machines cmrd runs on, and never writes (the pages are mapped PROT_READ).
std::uint64_t load(const std::uint64_t& field, std::memory_order order) noexcept
{
    return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(field)).load(order);
}
std::uint32_t load(const std::uint32_t& field, std::memory_order order) noexcept
{
    return std::atomic_ref<std::uint32_t>(const_cast<std::uint32_t&>(field)).load(order);
}
/// Acquire: pairs with the writer's release stores of samples (see SharedRingWriter::write),
/// and keeps the later load of `claimed` after the samples.
float load(const float& sample) noexcept
{
    return std::atomic_ref<float>(const_cast<float&>(sample)).load(std::memory_order_acquire);
}

} // namespace

std::string check_ring_format(const RingFormat& f)
{
    if (f.channels == 0 || f.channels > ring_max_channels)
        return "the ring has " + std::to_string(f.channels) + " channels (1 to " +
               std::to_string(ring_max_channels) + " allowed)";
    if (f.rate < ring_min_rate || f.rate > ring_max_rate)
        return "the ring's rate is " + std::to_string(f.rate) + " Hz (" +
               std::to_string(ring_min_rate) + " to " + std::to_string(ring_max_rate) +
               " Hz allowed)";
    if (f.capacity_frames < f.rate / 10 || f.capacity_frames > std::uint64_t{f.rate} * 30)
        return "the ring holds " + std::to_string(f.capacity_frames) +
               " frames (0.1 s to 30 s of audio allowed)";
    if (ring_file_bytes(f) > ring_max_bytes)
        return "the ring needs " + std::to_string(ring_file_bytes(f)) + " bytes (at most " +
               std::to_string(ring_max_bytes) + " allowed)";
    return {};
}

std::uint64_t ring_file_bytes(const RingFormat& f)
{
    return header_bytes + f.capacity_frames * f.channels * sizeof(float);
}

// ---- writer ----

SharedRingWriter::SharedRingWriter(const RingFormat& format) : format_(format)
{
    if (const std::string problem = check_ring_format(format); !problem.empty())
        throw RingError(problem);
    fd_ = UniqueFd(::memfd_create("cmrd-frame-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (fd_.get() < 0)
        throw RingError(system_error("memfd_create"));
    map_bytes_ = ring_file_bytes(format);
    if (::ftruncate(fd_.get(), static_cast<off_t>(map_bytes_)) != 0)
        throw RingError(system_error("sizing the ring"));
    // Sealed against shrinking: a reader's mapping can never lose its pages (SIGBUS).
    if (::fcntl(fd_.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
        throw RingError(system_error("sealing the ring"));
    // Populated now: the first lap of a real-time writer must not fault in fresh shmem pages
    // (on a 5 ms JACK period, that made the agent's client late: two xruns at start).
    map_ = ::mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_.get(),
                  0);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw RingError(system_error("mapping the ring"));
    }
    RingHeader header{};
    header.magic = ring_magic;
    header.version = ring_version;
    header.header_bytes = header_bytes;
    header.channels = format.channels;
    header.rate = format.rate;
    header.capacity_frames = format.capacity_frames;
    std::memcpy(map_, &header, sizeof header); // before any reader has the descriptor
}

SharedRingWriter::~SharedRingWriter()
{
    if (map_ != nullptr)
        ::munmap(map_, map_bytes_);
}

void SharedRingWriter::write(std::span<const float> interleaved) noexcept
{
    auto* header = static_cast<RingHeader*>(map_);
    auto* samples = reinterpret_cast<float*>(static_cast<char*>(map_) + header_bytes);
    const std::size_t channels = format_.channels;
    const std::uint64_t capacity = format_.capacity_frames;
    std::atomic_ref<std::uint64_t> claimed(header->claimed);
    std::atomic_ref<std::uint64_t> written(header->written);
    std::size_t frames = interleaved.size() / channels;
    const float* from = interleaved.data();
    while (frames > 0) {
        // At most a ring per step: a reader checks that claimed never runs further ahead.
        const std::size_t step =
            static_cast<std::size_t>(std::min<std::uint64_t>(frames, capacity));
        const std::uint64_t at = written.load(std::memory_order_relaxed);
        claimed.store(at + step, std::memory_order_relaxed);
        // Release stores pair with the reader's acquire loads: a reader that saw any sample
        // stored below also sees the claim, so it knows which of the frames it copied were
        // being replaced. (Plain stores on x86; no fence, which TSan cannot follow.)
        for (std::size_t i = 0; i < step; ++i) {
            float* slot = samples + ((at + i) % capacity) * channels;
            for (std::size_t c = 0; c < channels; ++c)
                std::atomic_ref<float>(slot[c]).store(*from++, std::memory_order_release);
        }
        written.store(at + step, std::memory_order_release);
        frames -= step;
    }
}

void SharedRingWriter::add_xruns(std::uint64_t count) noexcept
{
    std::atomic_ref<std::uint64_t>(static_cast<RingHeader*>(map_)->xruns)
        .fetch_add(count, std::memory_order_relaxed);
}

void SharedRingWriter::end() noexcept
{
    std::atomic_ref<std::uint32_t>(static_cast<RingHeader*>(map_)->ended)
        .store(1, std::memory_order_release);
}

// ---- reader ----

SharedRingReader::SharedRingReader(UniqueFd fd) : fd_(std::move(fd))
{
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0)
        throw RingError(system_error("the ring's descriptor"));
    if (!S_ISREG(st.st_mode))
        throw RingError("the ring's descriptor is not a memory file");
    const int seals = ::fcntl(fd_.get(), F_GET_SEALS);
    if (seals < 0)
        throw RingError("the ring's descriptor is not a sealable memory file (memfd)");
    if ((static_cast<unsigned>(seals) & F_SEAL_SHRINK) == 0)
        throw RingError("the ring is not sealed against shrinking (F_SEAL_SHRINK): its writer "
                        "could pull the memory from under cmrd");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < header_bytes || size > ring_max_bytes)
        throw RingError("the ring's file has " + std::to_string(size) + " bytes (" +
                        std::to_string(header_bytes) + " to " + std::to_string(ring_max_bytes) +
                        " allowed)");
    map_bytes_ = static_cast<std::size_t>(size);
    map_ = ::mmap(nullptr, map_bytes_, PROT_READ, MAP_SHARED, fd_.get(), 0);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw RingError(system_error("mapping the ring"));
    }
    try {
        // One copy of the constant part: the writer may change it later; it is never read
        // again.
        RingHeader header{};
        std::memcpy(&header, map_, offsetof(RingHeader, claimed));
        if (header.magic != ring_magic)
            throw RingError("the ring's file does not start with CMRDRNG1");
        if (header.version != ring_version || header.header_bytes != header_bytes)
            throw RingError("the ring has version " + std::to_string(header.version) + " with a " +
                            std::to_string(header.header_bytes) +
                            "-byte header; cmrd reads version " + std::to_string(ring_version) +
                            " (" + std::to_string(header_bytes) + " bytes)");
        format_ = RingFormat{header.channels, header.rate, header.capacity_frames};
        if (const std::string problem = check_ring_format(format_); !problem.empty())
            throw RingError(problem);
        if (ring_file_bytes(format_) != size)
            throw RingError("the ring's file has " + std::to_string(size) + " bytes; " +
                            std::to_string(format_.channels) + " channels × " +
                            std::to_string(format_.capacity_frames) + " frames need " +
                            std::to_string(ring_file_bytes(format_)));
    } catch (...) {
        ::munmap(const_cast<void*>(map_), map_bytes_);
        map_ = nullptr;
        throw;
    }
    // The analysis starts with what comes next, not with whatever old audio the ring holds.
    position_ = written();
}

SharedRingReader::~SharedRingReader()
{
    if (map_ != nullptr)
        ::munmap(const_cast<void*>(map_), map_bytes_);
}

std::uint64_t SharedRingReader::written() const noexcept
{
    return load(static_cast<const RingHeader*>(map_)->written, std::memory_order_acquire);
}

std::uint64_t SharedRingReader::writer_xruns() const noexcept
{
    return load(static_cast<const RingHeader*>(map_)->xruns, std::memory_order_relaxed);
}

SharedRingReader::Read SharedRingReader::read(std::span<float> out) noexcept
{
    const auto* header = static_cast<const RingHeader*>(map_);
    const auto* samples =
        reinterpret_cast<const float*>(static_cast<const char*>(map_) + header_bytes);
    const std::size_t channels = format_.channels;
    const std::uint64_t capacity = format_.capacity_frames;
    Read result;

    const std::uint64_t end = load(header->written, std::memory_order_acquire);
    if (end < position_) {
        result.status = Status::corrupt;
        return result;
    }
    std::uint64_t available = end - position_;
    if (available > capacity) { // lapped: the oldest are gone
        result.lost = available - capacity;
        position_ = end - capacity;
        available = capacity;
    }
    std::size_t frames =
        static_cast<std::size_t>(std::min<std::uint64_t>(available, out.size() / channels));
    for (std::size_t i = 0; i < frames; ++i) {
        const float* slot = samples + ((position_ + i) % capacity) * channels;
        for (std::size_t c = 0; c < channels; ++c)
            out[i * channels + c] = load(slot[c]);
    }
    // A seqlock: which of the copied frames the writer may have been replacing while they were
    // copied (the samples' acquire loads keep this load after them).
    const std::uint64_t claimed = load(header->claimed, std::memory_order_relaxed);
    // The writer claims before it publishes, so an honest claim is never behind what the
    // reader saw published. (How far ahead it is cannot be checked: an honest writer may have
    // moved on since. A claim far ahead only makes the reader drop what it copied.)
    if (claimed < end) {
        result.status = Status::corrupt;
        result.lost = 0;
        return result;
    }
    const std::uint64_t intact_from = claimed > capacity ? claimed - capacity : 0;
    const std::size_t torn =
        intact_from > position_
            ? static_cast<std::size_t>(std::min<std::uint64_t>(frames, intact_from - position_))
            : 0;
    if (torn > 0) {
        std::copy(out.begin() + static_cast<std::ptrdiff_t>(torn * channels),
                  out.begin() + static_cast<std::ptrdiff_t>(frames * channels), out.begin());
        result.lost += torn;
    }
    position_ += frames;
    frames -= torn;
    const bool finite =
        std::all_of(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(frames * channels),
                    [](float s) { return std::isfinite(s); });
    if (!finite) {
        result.status = Status::garbage;
        result.lost += frames;
        frames = 0;
    }
    result.frames = frames;
    result.writer_ended =
        load(header->ended, std::memory_order_acquire) != 0 && position_ == written();
    return result;
}

} // namespace cmrd::common
