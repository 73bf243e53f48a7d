// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_hold.hpp
/// One card's reservation (org.freedesktop.ReserveDevice1.Audio<N>) held on cmrd's behalf, at
/// the lowest priority there is, so that any application asking for the card gets it: the
/// request (RequestRelease) is passed to cmrd, which closes the card, and only then granted.

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "reserve_device1_adaptor.h"

namespace cmrdagent {

/// Lower than anyone's: WirePlumber holds cards at -20, pw-reserve asks with 0 by default.
inline constexpr std::int32_t hold_priority = std::numeric_limits<std::int32_t>::min();

/// What a RequestRelease for the card gets: true once cmrd has closed the card.
using ReleaseRequest = std::function<bool(int card, std::int32_t priority)>;

class CardHold final : public sdbus::AdaptorInterfaces<org::freedesktop::ReserveDevice1_adaptor> {
public:
    /// Takes Audio<N> if no one holds it (no queueing, replaceable by whoever is granted it).
    /// @return nullptr when someone else holds it. @throws sdbus::Error when the bus fails.
    static std::unique_ptr<CardHold> try_acquire(sdbus::IConnection& bus, int card,
                                                 ReleaseRequest release);
    /// Gives the name up (if it is still ours) and removes the object.
    ~CardHold();
    CardHold(const CardHold&) = delete;
    CardHold& operator=(const CardHold&) = delete;

    [[nodiscard]] int card() const { return card_; }
    /// Whether the card was granted to a requester: no longer held for cmrd; the name is to be
    /// given up once the reply has gone out.
    [[nodiscard]] bool granted() const { return granted_; }

private:
    CardHold(sdbus::IConnection& bus, int card, ReleaseRequest release);

    bool RequestRelease(const int32_t& priority) override;
    int32_t Priority() override { return hold_priority; }
    std::string ApplicationName() override { return "cmrd (hum monitor)"; }
    std::string ApplicationDeviceName() override { return "hw:" + std::to_string(card_); }

    sdbus::IConnection& bus_;
    int card_;
    std::string name_;
    ReleaseRequest release_;
    bool owned_ = false;
    bool granted_ = false;
};

} // namespace cmrdagent
