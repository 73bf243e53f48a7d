// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus_event_source.hpp"

#include <chrono>
#include <cstdint>
#include <limits>

#include <sdbus-c++/Error.h>

namespace cmrd::bus {

BusEventSource::BusEventSource(common::EventLoop& loop, sdbus::IConnection& connection,
                               std::string bus_name, std::size_t batch)
    : connection_(connection), bus_name_(std::move(bus_name)), batch_(batch),
      io_(loop, connection.getEventLoopPollData().fd, 0,
          [this](std::uint32_t /*revents*/) { process(); }),
      timeout_(loop, [this] { process(); }), more_(loop, [this] { process(); })
{
    io_.set_prepare([this] { prepare(); });
    // sd-bus may already hold messages (read while a synchronous call waited): look at once.
    more_.schedule();
}

void BusEventSource::process()
{
    try {
        for (std::size_t i = 0; i < batch_; ++i)
            if (!connection_.processPendingRequest())
                return;
    } catch (const sdbus::Error& e) {
        // Only a broken connection fails here: handlers' own errors become error replies.
        throw BusLost("lost " + bus_name_ + " (" + e.getMessage() + ")");
    }
    more_.schedule(); // more may be queued: continue after the loop's other sources
}

void BusEventSource::prepare()
{
    const sdbus::IConnection::PollData poll = connection_.getEventLoopPollData();
    io_.set_events(static_cast<std::uint32_t>(static_cast<unsigned short>(poll.events)));
    if (poll.timeout_usec == std::numeric_limits<std::uint64_t>::max()) {
        timeout_.disarm();
        return;
    }
    timeout_.arm_at(common::Clock::time_point(
        std::chrono::duration_cast<common::Clock::duration>(poll.getAbsoluteTimeout())));
}

} // namespace cmrd::bus
