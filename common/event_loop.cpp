// SPDX-License-Identifier: GPL-2.0-or-later
#include "event_loop.hpp"

#include <csignal>
#include <system_error>
#include <utility>

#include <pthread.h>
#include <systemd/sd-event.h>

namespace cmrd::common {
namespace {

/// sd-event's negative errno results as exceptions naming the call.
int checked(int result, const char* what)
{
    if (result < 0)
        throw std::system_error(-result, std::generic_category(), what);
    return result;
}

std::uint64_t to_usec(Clock::time_point when)
{
    const auto usec =
        std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
    return usec < 0 ? 0 : static_cast<std::uint64_t>(usec);
}

/// Calls the binding's handler with @p args under its loop's guard.
template <typename Signature, typename... Args> int dispatch(void* userdata, Args... args)
{
    auto* binding = static_cast<Binding<Signature>*>(userdata);
    return binding->loop->guarded([&] { binding->handler(args...); });
}

int on_plain(sd_event_source* /*source*/, void* userdata)
{
    return dispatch<void()>(userdata);
}

} // namespace

EventSource::~EventSource()
{
    if (source_ != nullptr)
        sd_event_source_disable_unref(source_);
}

EventSource::EventSource(EventSource&& other) noexcept
    : source_(std::exchange(other.source_, nullptr))
{}

EventSource& EventSource::operator=(EventSource&& other) noexcept
{
    if (this != &other) {
        if (source_ != nullptr)
            sd_event_source_disable_unref(source_);
        source_ = std::exchange(other.source_, nullptr);
    }
    return *this;
}

void EventSource::set_priority(std::int64_t priority)
{
    checked(sd_event_source_set_priority(source_, priority), "sd_event_source_set_priority");
}

EventLoop::EventLoop()
{
    checked(sd_event_new(&event_), "sd_event_new");
}

EventLoop::~EventLoop()
{
    sd_event_unref(event_);
}

int EventLoop::guarded(const std::function<void()>& body) noexcept
{
    try {
        body();
    } catch (...) {
        if (!pending_)
            pending_ = std::current_exception();
        sd_event_exit(event_, -1);
    }
    return 0; // an error return would disable the source; the loop ends instead
}

void EventLoop::rethrow_pending()
{
    if (pending_)
        std::rethrow_exception(std::exchange(pending_, nullptr));
}

int EventLoop::run()
{
    const int result = sd_event_loop(event_);
    rethrow_pending();
    return checked(result, "sd_event_loop");
}

bool EventLoop::run_once(std::chrono::microseconds timeout)
{
    const int result = sd_event_run(event_, static_cast<std::uint64_t>(timeout.count()));
    rethrow_pending();
    checked(result, "sd_event_run");
    return sd_event_get_state(event_) != SD_EVENT_FINISHED;
}

void EventLoop::exit(int code)
{
    checked(sd_event_exit(event_, code), "sd_event_exit");
}

IoSource::IoSource(EventLoop& loop, int fd, std::uint32_t events,
                   std::function<void(std::uint32_t)> handler)
    : binding_(std::make_unique<IoBinding>(IoBinding{&loop, std::move(handler), {}}))
{
    sd_event_source* source = nullptr;
    checked(sd_event_add_io(
                loop.get(), &source, fd, events,
                [](sd_event_source* /*s*/, int /*fd*/, std::uint32_t revents, void* userdata) {
                    auto* binding = static_cast<IoBinding*>(userdata);
                    return binding->loop->guarded([&] { binding->handler(revents); });
                },
                binding_.get()),
            "sd_event_add_io");
    EventSource::operator=(EventSource(source));
}

void IoSource::set_events(std::uint32_t events)
{
    checked(sd_event_source_set_io_events(get(), events), "sd_event_source_set_io_events");
}

void IoSource::set_prepare(std::function<void()> prepare)
{
    binding_->prepare = std::move(prepare);
    checked(sd_event_source_set_prepare(get(),
                                        [](sd_event_source* /*s*/, void* userdata) {
                                            auto* binding = static_cast<IoBinding*>(userdata);
                                            return binding->loop->guarded(binding->prepare);
                                        }),
            "sd_event_source_set_prepare");
}

Timer::Timer(EventLoop& loop, std::function<void()> handler)
    : binding_(std::make_unique<Binding<void()>>(Binding<void()>{&loop, std::move(handler)}))
{
    sd_event_source* source = nullptr;
    // Accuracy 1 µs: sd-event's default (0 means 250 ms) would coalesce wake-ups by up to a
    // quarter second, too coarse for throttled publishing and the watchdog.
    checked(sd_event_add_time(
                loop.get(), &source, CLOCK_MONOTONIC, UINT64_MAX, 1,
                [](sd_event_source* /*s*/, std::uint64_t /*usec*/, void* userdata) {
                    return dispatch<void()>(userdata);
                },
                binding_.get()),
            "sd_event_add_time");
    EventSource::operator=(EventSource(source));
    disarm();
}

void Timer::arm_at(Clock::time_point when)
{
    checked(sd_event_source_set_time(get(), to_usec(when)), "sd_event_source_set_time");
    checked(sd_event_source_set_enabled(get(), SD_EVENT_ONESHOT), "sd_event_source_set_enabled");
}

void Timer::disarm()
{
    checked(sd_event_source_set_enabled(get(), SD_EVENT_OFF), "sd_event_source_set_enabled");
}

SignalSource::SignalSource(EventLoop& loop, std::initializer_list<int> signals,
                           std::function<void(int)> handler)
    : binding_(std::make_unique<Binding<void(int)>>(Binding<void(int)>{&loop, std::move(handler)}))
{
    sigset_t mask;
    sigemptyset(&mask);
    for (const int sig : signals)
        sigaddset(&mask, sig);
    checked(-pthread_sigmask(SIG_BLOCK, &mask, nullptr), "pthread_sigmask");
    for (const int sig : signals) {
        sd_event_source* source = nullptr;
        checked(sd_event_add_signal(
                    loop.get(), &source, sig,
                    [](sd_event_source* /*s*/, const signalfd_siginfo* info, void* userdata) {
                        return dispatch<void(int)>(userdata, static_cast<int>(info->ssi_signo));
                    },
                    binding_.get()),
                "sd_event_add_signal");
        sources_.emplace_back(source);
    }
}

PostSource::PostSource(EventLoop& loop, std::function<void()> handler)
    : binding_(std::make_unique<Binding<void()>>(Binding<void()>{&loop, std::move(handler)}))
{
    sd_event_source* source = nullptr;
    checked(sd_event_add_post(loop.get(), &source, on_plain, binding_.get()), "sd_event_add_post");
    EventSource::operator=(EventSource(source));
}

DeferSource::DeferSource(EventLoop& loop, std::function<void()> handler)
    : binding_(std::make_unique<Binding<void()>>(Binding<void()>{&loop, std::move(handler)}))
{
    sd_event_source* source = nullptr;
    checked(sd_event_add_defer(loop.get(), &source, on_plain, binding_.get()),
            "sd_event_add_defer");
    EventSource::operator=(EventSource(source));
    checked(sd_event_source_set_enabled(get(), SD_EVENT_OFF), "sd_event_source_set_enabled");
}

void DeferSource::schedule()
{
    checked(sd_event_source_set_enabled(get(), SD_EVENT_ONESHOT), "sd_event_source_set_enabled");
}

} // namespace cmrd::common
