// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file frame_ring.hpp
/// A wait-free single-producer, single-consumer ring of interleaved float samples: the capture
/// thread (real-time) pushes what it read from ALSA, the analysis worker (normal priority)
/// takes it out. Neither side ever waits for the other, locks or allocates after construction.
/// A push that does not fit whole is refused, never partly written: the producer counts it as a
/// worker overrun (the analysis fell behind), and the consumer never sees half a block.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <new>
#include <span>
#include <vector>

namespace cmrd::capture {

// The padding clang-analyzer flags is the point: the positions sit on separate cache lines.
class FrameRing { // NOLINT(clang-analyzer-optin.performance.Padding)
public:
    /// Room for @p capacity_samples samples (frames × channels). Allocates; start-up only.
    explicit FrameRing(std::size_t capacity_samples) : samples_(capacity_samples) {}

    FrameRing(const FrameRing&) = delete;
    FrameRing& operator=(const FrameRing&) = delete;

    [[nodiscard]] std::size_t capacity() const noexcept { return samples_.size(); }

    // ---- producer (one thread) ----

    /// Appends all of @p block, or nothing when it does not fit.
    /// @return whether it was appended.
    bool push(std::span<const float> block) noexcept
    {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        const std::size_t tail = tail_.load(std::memory_order_acquire);
        if (block.size() > capacity() - (head - tail))
            return false;
        const std::size_t start = head % capacity();
        const std::size_t first = std::min(block.size(), capacity() - start);
        std::copy_n(block.begin(), first, samples_.begin() + static_cast<std::ptrdiff_t>(start));
        std::copy(block.begin() + static_cast<std::ptrdiff_t>(first), block.end(),
                  samples_.begin());
        // Release: the samples are written before the consumer can see the new head.
        head_.store(head + block.size(), std::memory_order_release);
        return true;
    }

    // ---- consumer (one thread) ----

    /// What is ready to read, as at most two spans (the second is non-empty when the ready
    /// samples wrap around the end of the ring). Valid until pop().
    struct Readable {
        std::span<const float> first;
        std::span<const float> second;
        [[nodiscard]] std::size_t size() const noexcept { return first.size() + second.size(); }
    };
    [[nodiscard]] Readable readable() const noexcept
    {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        // Acquire: pairs with push()'s release, so the samples below the head are complete.
        const std::size_t ready = head_.load(std::memory_order_acquire) - tail;
        const std::size_t start = tail % capacity();
        const std::size_t first = std::min(ready, capacity() - start);
        return {std::span<const float>(samples_.data() + start, first),
                std::span<const float>(samples_.data(), ready - first)};
    }

    /// Gives @p count samples (no more than readable().size()) back to the producer.
    void pop(std::size_t count) noexcept
    {
        // Release: the consumer is done reading them before the producer may overwrite them.
        tail_.fetch_add(count, std::memory_order_release);
    }

private:
    std::vector<float> samples_;
    // Positions count samples since construction and only grow (size_t does not wrap in the
    // life of a daemon: 2^64 samples is millions of years at any sample rate); each side owns
    // one and reads the other's. Apart on cache lines so that the two threads do not share one.
    alignas(64) std::atomic<std::size_t> head_{0};
    alignas(64) std::atomic<std::size_t> tail_{0};
};

} // namespace cmrd::capture
