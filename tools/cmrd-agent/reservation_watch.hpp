// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file reservation_watch.hpp
/// Who holds each card's reservation (org.freedesktop.ReserveDevice1.Audio<N>) on the user's
/// session bus, kept current from NameOwnerChanged: the owner's unique name and, for owners
/// other than this agent, the application name and priority they publish on their
/// reservation object (WirePlumber at -20 for every card it manages, JACK2 at 2147483647).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

namespace cmrdagent {

struct CardOwner {
    std::string unique_name;
    std::string application; ///< "" when the owner does not say (or did not answer in time)
    std::int32_t priority = 0;
};

/// The card N of a name org.freedesktop.ReserveDevice1.Audio<N>; -1 for any other name.
[[nodiscard]] int card_of_reservation(const std::string& name);

class ReservationWatch {
public:
    /// Watches the session bus @p bus and reads the current owners; changes are taken in while
    /// the bus is processed (the caller acts on them after each dispatch). @throws sdbus::Error
    /// when the bus refuses the watch.
    explicit ReservationWatch(sdbus::IConnection& bus);

    /// The owned reservations, by card.
    [[nodiscard]] const std::map<int, CardOwner>& owners() const { return owners_; }

private:
    void owner_changed(const std::string& name, const std::string& new_owner);
    [[nodiscard]] CardOwner describe(int card, const std::string& owner) const;

    sdbus::IConnection& bus_;
    std::map<int, CardOwner> owners_;
    sdbus::Slot watch_;
};

/// How long the agent waits for another application's reservation properties: a reserving
/// application that hangs must not hang the agent.
inline constexpr std::chrono::milliseconds property_timeout{500};

} // namespace cmrdagent
