// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file bus_event_source.hpp
/// An sdbus-c++ connection served by the project's event loop (common/event_loop.hpp):
/// sdbus-c++ 1.2 cannot attach to sd-event itself, so its descriptor, events and timeout
/// (getEventLoopPollData) are brought up to date before every wait, and its handlers run in
/// processPendingRequest() on the loop's thread. No sdbus-c++ thread, so no locks.
///
/// Fairness: at most @p batch messages, and no more once time_budget has passed, are handled
/// per loop iteration; the rest wait until the loop's other pending sources (timers,
/// descriptors, post sources) have run, so a flood of calls cannot starve them.

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <sdbus-c++/IConnection.h>

#include "event_loop.hpp"

namespace cmrd::bus {

/// The connection to a bus broke (the bus ended, or dropped us): "lost the session bus
/// (Connection reset by peer)". What a program does then is its own choice; the message says
/// which of its buses it was.
class BusLost : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class BusEventSource {
public:
    /// Serves @p connection (which must outlive this) on @p loop. @p bus_name names it in
    /// errors ("the session bus"). @throws std::system_error.
    BusEventSource(common::EventLoop& loop, sdbus::IConnection& connection, std::string bus_name,
                   std::size_t batch = default_batch);
    BusEventSource(const BusEventSource&) = delete;
    BusEventSource& operator=(const BusEventSource&) = delete;

    /// Handles up to the batch of what sd-bus has read or can read without blocking.
    /// @throws BusLost when the connection broke (the bus went away).
    void process();

    static constexpr std::size_t default_batch = 64;
    /// Bus work per iteration stops once this much time has gone into it.
    static constexpr std::chrono::milliseconds time_budget{10};

private:
    void prepare();

    sdbus::IConnection& connection_;
    std::string bus_name_;
    std::size_t batch_;
    common::IoSource io_;
    common::Timer timeout_;
    common::DeferSource more_;
};

} // namespace cmrd::bus
