// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file pacing.hpp
/// What makes the simulated interface run in real time like a sound card: a hardware position
/// that derives from CLOCK_MONOTONIC (DeviceClock), and a timerfd that makes the PCM's poll
/// descriptor readable when the client has something to read (WakeupTimer).
///
/// Positions are frames since the stream was prepared, 64-bit, never wrapping in practice
/// (2^63 frames at 768 kHz last 380 000 years).

#include <cstdint>

namespace cmr::sim {

/// CLOCK_MONOTONIC in nanoseconds.
[[nodiscard]] std::int64_t monotonic_ns();

/// Whole frames elapsed in @p ns nanoseconds at @p rate: floor(ns · rate / 10^9), exact.
[[nodiscard]] std::uint64_t frames_in(std::int64_t ns, unsigned rate);
/// Nanoseconds until @p frames have elapsed at @p rate: ceil(frames · 10^9 / rate), exact, so
/// frames_in(ns_for(f, r), r) ≥ f.
[[nodiscard]] std::int64_t ns_for(std::uint64_t frames, unsigned rate);

/// The hardware ("DMA") position of a capture stream: frames captured so far. It advances with
/// monotonic time while running; it stands still when stopped, before start and while stalled,
/// and a stall loses no position: after resume it moves on from where it stopped.
class DeviceClock {
public:
    /// Sets the rate; the clock is reset (stopped at position 0).
    void configure(unsigned rate);
    /// Stopped at position 0 (after prepare).
    void reset();
    /// Starts advancing at time @p now.
    void start(std::int64_t now);
    /// Stops advancing at @p now, keeping the position reached (stop, xrun, disconnect).
    void stop(std::int64_t now);
    /// Stops advancing until resume() (a stalled device). No effect unless running.
    void stall(std::int64_t now);
    /// Ends a stall at @p now. No effect unless stalled.
    void resume(std::int64_t now);

    /// The position at @p now.
    [[nodiscard]] std::uint64_t position(std::int64_t now) const;
    /// The first time at which the position reaches @p target (only meaningful while
    /// advancing; a target already reached gives a time not after now).
    [[nodiscard]] std::int64_t time_of(std::uint64_t target) const;
    [[nodiscard]] bool advancing() const { return running_ && !stalled_; }
    [[nodiscard]] bool running() const { return running_; }
    [[nodiscard]] bool stalled() const { return stalled_; }
    [[nodiscard]] unsigned rate() const { return rate_; }

private:
    unsigned rate_ = 48000;
    bool running_ = false;
    bool stalled_ = false;
    std::uint64_t base_position_ = 0; ///< the position at base_ns_ (or the frozen position)
    std::int64_t base_ns_ = 0;
};

/// A CLOCK_MONOTONIC timerfd used as the PCM's poll descriptor: readable from the armed time
/// until acknowledged.
class WakeupTimer {
public:
    /// @throws std::system_error when no timerfd can be created.
    WakeupTimer();
    ~WakeupTimer();
    WakeupTimer(const WakeupTimer&) = delete;
    WakeupTimer& operator=(const WakeupTimer&) = delete;
    WakeupTimer(WakeupTimer&&) = delete;
    WakeupTimer& operator=(WakeupTimer&&) = delete;

    [[nodiscard]] int fd() const { return fd_; }
    /// Makes the descriptor readable at monotonic time @p when_ns (one shot; a time already
    /// past makes it readable at once). Re-arming at the armed time costs nothing.
    void arm_at(std::int64_t when_ns);
    /// Not readable, and not going to be.
    void disarm();
    /// Consumes an expiry that has happened, so the descriptor is no longer readable (the timer
    /// is then disarmed). Nothing happens when it has not expired yet.
    void acknowledge(std::int64_t now);
    /// Whether the descriptor is readable at @p now (armed and expired, not acknowledged).
    [[nodiscard]] bool readable(std::int64_t now) const { return armed_ && now >= expiry_ns_; }
    [[nodiscard]] bool armed() const { return armed_; }
    [[nodiscard]] std::int64_t expiry_ns() const { return expiry_ns_; }

private:
    int fd_ = -1;
    bool armed_ = false;
    std::int64_t expiry_ns_ = 0;
};

} // namespace cmr::sim
