// SPDX-License-Identifier: GPL-2.0-or-later
#include "pacing.hpp"

#include <cerrno>
#include <ctime>
#include <system_error>

#include <sys/timerfd.h>
#include <unistd.h>

namespace cmr::sim {

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

timespec to_timespec(std::int64_t ns)
{
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / ns_per_s);
    ts.tv_nsec = static_cast<long>(ns % ns_per_s);
    return ts;
}

} // namespace

std::int64_t monotonic_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * ns_per_s + ts.tv_nsec;
}

std::uint64_t frames_in(std::int64_t ns, unsigned rate)
{
    if (ns <= 0)
        return 0;
    // Split so that no product overflows: whole seconds, then the remainder (< 10^9 · rate).
    const auto seconds = static_cast<std::uint64_t>(ns / ns_per_s);
    const auto rest = static_cast<std::uint64_t>(ns % ns_per_s);
    return seconds * rate + rest * rate / static_cast<std::uint64_t>(ns_per_s);
}

std::int64_t ns_for(std::uint64_t frames, unsigned rate)
{
    const std::uint64_t seconds = frames / rate;
    const std::uint64_t rest = frames % rate;
    const std::uint64_t rest_ns = (rest * static_cast<std::uint64_t>(ns_per_s) + rate - 1) / rate;
    return static_cast<std::int64_t>(seconds) * ns_per_s + static_cast<std::int64_t>(rest_ns);
}

// ---------------------------------------------------------------------------------------------

void DeviceClock::configure(unsigned rate)
{
    rate_ = rate;
    reset();
}

void DeviceClock::reset()
{
    running_ = false;
    stalled_ = false;
    base_position_ = 0;
    base_ns_ = 0;
}

void DeviceClock::start(std::int64_t now)
{
    if (running_)
        return;
    running_ = true;
    base_ns_ = now;
    // A stall survives stop/start as it would on a device whose clock has died.
}

void DeviceClock::stop(std::int64_t now)
{
    if (!running_)
        return;
    base_position_ = position(now);
    base_ns_ = now;
    running_ = false;
}

void DeviceClock::stall(std::int64_t now)
{
    if (stalled_)
        return;
    base_position_ = position(now);
    base_ns_ = now;
    stalled_ = true;
}

void DeviceClock::resume(std::int64_t now)
{
    if (!stalled_)
        return;
    stalled_ = false;
    base_ns_ = now;
}

std::uint64_t DeviceClock::position(std::int64_t now) const
{
    if (!advancing())
        return base_position_;
    return base_position_ + frames_in(now - base_ns_, rate_);
}

std::int64_t DeviceClock::time_of(std::uint64_t target) const
{
    if (target <= base_position_)
        return base_ns_;
    return base_ns_ + ns_for(target - base_position_, rate_);
}

// ---------------------------------------------------------------------------------------------

WakeupTimer::WakeupTimer() : fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC))
{
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "timerfd_create");
}

WakeupTimer::~WakeupTimer()
{
    ::close(fd_);
}

void WakeupTimer::arm_at(std::int64_t when_ns)
{
    if (armed_ && when_ns == expiry_ns_)
        return;
    itimerspec spec{};
    // An absolute time of 0 would disarm the timer: the earliest meaningful time is 1 ns.
    spec.it_value = to_timespec(when_ns > 0 ? when_ns : 1);
    ::timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
    armed_ = true;
    expiry_ns_ = when_ns;
}

void WakeupTimer::disarm()
{
    if (!armed_)
        return;
    const itimerspec spec{};
    ::timerfd_settime(fd_, 0, &spec, nullptr);
    // Setting the timer also clears an expiry not yet read: the descriptor is quiet now.
    armed_ = false;
}

void WakeupTimer::acknowledge(std::int64_t now)
{
    // Disarming rather than read(): the kernel may fire a timer a little after its time (timer
    // slack), and a read() before that would leave an expiry to come that nobody expects.
    if (readable(now))
        disarm();
}

} // namespace cmr::sim
