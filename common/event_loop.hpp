// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_loop.hpp
/// The one event loop of cmrd, cmr-notify and `cmrctl watch`: sd-event (libsystemd) behind a
/// few RAII sources. A source lives exactly as long as its C++ object, so a descriptor's watch
/// can be a member declared after the object owning the descriptor and is always removed first.
///
/// Handlers may throw: the exception stops the loop and run() rethrows it in the caller's frame
/// (it never unwinds through sd-event's C code). The loop is single-threaded: sources are made,
/// changed and destroyed on the thread that runs it.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

struct sd_event;
struct sd_event_source;

namespace cmrd::common {

/// The loop's clock: CLOCK_MONOTONIC, as std::chrono::steady_clock is on Linux.
using Clock = std::chrono::steady_clock;

class EventLoop;

/// A handler and the loop it reports exceptions to: the userdata of a source.
template <typename Signature> struct Binding {
    EventLoop* loop;
    std::function<Signature> handler;
};

/// A registered sd-event source; unregistered (and freed) with the object.
class EventSource {
public:
    EventSource() = default;
    /// Takes ownership of @p source (one reference).
    explicit EventSource(sd_event_source* source) noexcept : source_(source) {}
    ~EventSource();
    EventSource(EventSource&& other) noexcept;
    EventSource& operator=(EventSource&& other) noexcept;
    EventSource(const EventSource&) = delete;
    EventSource& operator=(const EventSource&) = delete;

    [[nodiscard]] sd_event_source* get() const noexcept { return source_; }
    [[nodiscard]] explicit operator bool() const noexcept { return source_ != nullptr; }
    /// Runs before sources of a larger value when both are ready (sd-event's priority;
    /// 0 is the default, negative runs first).
    void set_priority(std::int64_t priority);

private:
    sd_event_source* source_ = nullptr;
};

class EventLoop {
public:
    /// @throws std::system_error when sd-event cannot be set up.
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Dispatches sources until exit() is called; @return the code given to exit().
    /// @throws whatever a handler threw (the loop stops at once), std::system_error when
    ///         waiting fails.
    int run();
    /// Runs one iteration, waiting at most @p timeout. @return false when the loop has exited.
    bool run_once(std::chrono::microseconds timeout);
    /// Makes run() return @p code after the current iteration.
    void exit(int code);

    [[nodiscard]] sd_event* get() const noexcept { return event_; }

    /// Used by the sources' trampolines: runs @p body, turning an exception into an exit.
    int guarded(const std::function<void()>& body) noexcept;

private:
    void rethrow_pending();

    sd_event* event_ = nullptr;
    std::exception_ptr pending_;
};

/// A descriptor to watch (EPOLLIN, EPOLLOUT ...). The descriptor itself stays the caller's.
class IoSource : public EventSource {
public:
    IoSource() = default;
    /// @throws std::system_error (an invalid descriptor, for one).
    IoSource(EventLoop& loop, int fd, std::uint32_t events,
             std::function<void(std::uint32_t revents)> handler);

    void set_events(std::uint32_t events);
    /// Runs @p prepare before every wait of the loop (sd-event's prepare callback): the place
    /// to bring the watched events and a companion timer up to date.
    void set_prepare(std::function<void()> prepare);

private:
    struct IoBinding {
        EventLoop* loop;
        std::function<void(std::uint32_t)> handler;
        std::function<void()> prepare;
    };
    std::unique_ptr<IoBinding> binding_;
};

/// A one-shot timer on Clock, re-armed as often as needed; disarmed when made.
class Timer : public EventSource {
public:
    Timer() = default;
    /// @throws std::system_error.
    Timer(EventLoop& loop, std::function<void()> handler);

    /// Fires once at @p when (at once when it has passed), replacing any earlier arming.
    void arm_at(Clock::time_point when);
    void arm_in(Clock::duration delay) { arm_at(Clock::now() + delay); }
    void disarm();

private:
    std::unique_ptr<Binding<void()>> binding_;
};

/// Signals delivered to the loop. They are blocked in the calling thread first (call before
/// any thread starts, so threads inherit the mask and the signals only ever reach the loop).
class SignalSource {
public:
    SignalSource() = default;
    /// @throws std::system_error.
    SignalSource(EventLoop& loop, std::initializer_list<int> signals,
                 std::function<void(int signal)> handler);

private:
    std::unique_ptr<Binding<void(int)>> binding_;
    std::vector<EventSource> sources_;
};

/// Runs after every loop iteration in which any other source was dispatched: the place for
/// "act on what just changed, then arm the next timer".
class PostSource : public EventSource {
public:
    PostSource() = default;
    /// @throws std::system_error.
    PostSource(EventLoop& loop, std::function<void()> handler);

private:
    std::unique_ptr<Binding<void()>> binding_;
};

/// Runs on the next iteration while enabled (sd-event's defer source): work that must not
/// starve the loop's other sources continues in slices.
class DeferSource : public EventSource {
public:
    DeferSource() = default;
    /// @throws std::system_error. Created disabled.
    DeferSource(EventLoop& loop, std::function<void()> handler);
    /// Runs the handler once more on the next iteration.
    void schedule();

private:
    std::unique_ptr<Binding<void()>> binding_;
};

} // namespace cmrd::common
