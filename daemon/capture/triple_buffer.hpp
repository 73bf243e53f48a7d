// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file triple_buffer.hpp
/// A wait-free single-writer, single-reader triple buffer: the writer always has a slot of its
/// own to fill, publishing swaps it with the shared middle slot in one atomic exchange, and the
/// reader swaps the middle slot for its own when something new was published. Neither side
/// ever waits for the other, allocates or copies more than it chooses to; the reader always
/// sees the newest complete value (older ones are overwritten, which is what a live display
/// wants).

#include <array>
#include <atomic>
#include <cstdint>

namespace cmrd::capture {

// The padding clang-analyzer flags is the point: the indices sit on separate cache lines.
template <typename T> class TripleBuffer { // NOLINT(clang-analyzer-optin.performance.Padding)
public:
    /// All three slots start as copies of @p initial (construct outside the real-time path:
    /// T may allocate here, never afterwards).
    explicit TripleBuffer(const T& initial) : slots_{initial, initial, initial} {}

    TripleBuffer(const TripleBuffer&) = delete;
    TripleBuffer& operator=(const TripleBuffer&) = delete;

    // ---- writer side (one thread) ----

    /// The writer's private slot: fill it in place, then publish().
    [[nodiscard]] T& write_slot() noexcept { return slots_[back_]; }

    /// Makes the write slot the newest value and takes the previous middle slot (which the
    /// reader does not hold) as the next write slot. The release half of the exchange makes the
    /// slot's contents visible to a reader that acquires it.
    void publish() noexcept
    {
        back_ = middle_.exchange(back_ | fresh_bit, std::memory_order_acq_rel) & index_mask;
    }

    // ---- reader side (one thread at a time) ----

    /// Takes the newest published value if there is one the reader has not taken yet.
    /// @return true when read_slot() changed.
    bool update() noexcept
    {
        if ((middle_.load(std::memory_order_relaxed) & fresh_bit) == 0)
            return false;
        front_ = middle_.exchange(front_, std::memory_order_acq_rel) & index_mask;
        return true;
    }

    /// The reader's slot: the value taken by the last successful update().
    [[nodiscard]] const T& read_slot() const noexcept { return slots_[front_]; }

private:
    static constexpr std::uint8_t index_mask = 0x3;
    static constexpr std::uint8_t fresh_bit = 0x4;

    std::array<T, 3> slots_;
    // Each side's index lives on its own cache line so that the writer and the reader never
    // share a line except through middle_.
    alignas(64) std::uint8_t back_ = 0;
    alignas(64) std::atomic<std::uint8_t> middle_{1};
    alignas(64) std::uint8_t front_ = 2;
};

} // namespace cmrd::capture
