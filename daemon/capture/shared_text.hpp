// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file shared_text.hpp
/// Short texts passed from the capture thread to other threads without locks or allocation:
/// a fixed-size seqlock-protected buffer (SharedText) and a fixed-size builder (FixedText) to
/// compose messages on the real-time path.

#include <array>
#include <atomic>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace cmrd::capture {

/// Composes a message in a fixed buffer; whatever does not fit is cut off. Never allocates.
template <std::size_t N> class FixedText {
public:
    FixedText& operator<<(std::string_view s) noexcept
    {
        const std::size_t n = s.size() < N - size_ ? s.size() : N - size_;
        s.copy(chars_.data() + size_, n);
        size_ += n;
        return *this;
    }
    FixedText& operator<<(long long v) noexcept
    {
        std::array<char, 24> digits{};
        const auto r = std::to_chars(digits.data(), digits.data() + digits.size(), v);
        return *this << std::string_view(digits.data(),
                                         static_cast<std::size_t>(r.ptr - digits.data()));
    }
    FixedText& operator<<(int v) noexcept { return *this << static_cast<long long>(v); }
    FixedText& operator<<(unsigned v) noexcept { return *this << static_cast<long long>(v); }
    FixedText& operator<<(long v) noexcept { return *this << static_cast<long long>(v); }
    FixedText& operator<<(unsigned long v) noexcept { return *this << static_cast<long long>(v); }
    [[nodiscard]] std::string_view view() const noexcept { return {chars_.data(), size_}; }

private:
    std::array<char, N> chars_{};
    std::size_t size_ = 0;
};

/// A text with one writer thread and any number of readers. The writer never waits or
/// allocates (a seqlock: the sequence is odd while writing); a reader copies and retries if a
/// write overlapped. The characters are atomics so that the overlap is not a data race
/// in the C++ memory model (and ThreadSanitizer agrees).
template <std::size_t N> class SharedText {
public:
    /// Replaces the text (cut to N characters). Writer thread only.
    void store(std::string_view text) noexcept
    {
        // No fences (ThreadSanitizer cannot model them): the size and characters are stored
        // with release and loaded with acquire instead, so a reader that sees anything of this
        // write also sees the odd sequence number stored before it, and retries.
        const std::uint32_t seq = sequence_.load(std::memory_order_relaxed);
        sequence_.store(seq + 1, std::memory_order_relaxed);
        const std::size_t n = text.size() < N ? text.size() : N;
        size_.store(n, std::memory_order_release);
        for (std::size_t i = 0; i < n; ++i)
            chars_[i].store(text[i], std::memory_order_release);
        sequence_.store(seq + 2, std::memory_order_release);
    }

    /// A consistent copy of the text. Any thread; allocates the returned string.
    [[nodiscard]] std::string load() const
    {
        std::array<char, N> copy{};
        for (;;) {
            const std::uint32_t before = sequence_.load(std::memory_order_acquire);
            if (before % 2 != 0) {
                std::this_thread::yield(); // a write is in progress: a handful of stores
                continue;
            }
            const std::size_t n = size_.load(std::memory_order_acquire);
            for (std::size_t i = 0; i < n; ++i)
                copy[i] = chars_[i].load(std::memory_order_acquire);
            // The acquire loads above keep this one after them.
            if (sequence_.load(std::memory_order_relaxed) == before)
                return std::string(copy.data(), n);
        }
    }

private:
    std::atomic<std::uint32_t> sequence_{0};
    std::atomic<std::size_t> size_{0};
    std::array<std::atomic<char>, N> chars_{};
};

} // namespace cmrd::capture
