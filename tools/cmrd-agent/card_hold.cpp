// SPDX-License-Identifier: GPL-2.0-or-later
#include "card_hold.hpp"

#include "cmrd_bus_names.hpp"
#include "log.hpp"

namespace cmrdagent {
namespace {

// org.freedesktop.DBus.RequestName flags and replies (the D-Bus specification).
constexpr std::uint32_t allow_replacement = 0x1;
constexpr std::uint32_t do_not_queue = 0x4;
constexpr std::uint32_t primary_owner = 1;

std::unique_ptr<sdbus::IProxy> bus_daemon(sdbus::IConnection& bus)
{
    return sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus");
}

} // namespace

CardHold::CardHold(sdbus::IConnection& bus, int card, ReleaseRequest release)
    : AdaptorInterfaces(bus, cmrd::bus::reserve_path_prefix + std::to_string(card)), bus_(bus),
      card_(card), name_(cmrd::bus::reserve_name_prefix + std::to_string(card)),
      release_(std::move(release))
{
    // The object before the name: a requester may call RequestRelease the moment we own it.
    registerAdaptor();
}

std::unique_ptr<CardHold> CardHold::try_acquire(sdbus::IConnection& bus, int card,
                                                ReleaseRequest release)
{
    std::unique_ptr<CardHold> hold(new CardHold(bus, card, std::move(release)));
    std::uint32_t reply = 0;
    bus_daemon(bus)
        ->callMethod("RequestName")
        .onInterface("org.freedesktop.DBus")
        .withArguments(hold->name_, allow_replacement | do_not_queue)
        .storeResultsTo(reply);
    if (reply != primary_owner)
        return nullptr;
    hold->owned_ = true;
    return hold;
}

CardHold::~CardHold()
{
    if (owned_) {
        try {
            std::uint32_t reply = 0;
            bus_daemon(bus_)
                ->callMethod("ReleaseName")
                .onInterface("org.freedesktop.DBus")
                .withArguments(name_)
                .storeResultsTo(reply);
        } catch (const sdbus::Error& e) {
            cmrd::common::log(LOG_WARNING, "releasing " + name_ + ": " + e.getMessage());
        }
    }
    unregisterAdaptor();
}

bool CardHold::RequestRelease(const int32_t& priority)
{
    if (priority <= hold_priority)
        return false;
    const bool released = release_(card_, priority);
    granted_ = granted_ || released;
    return released;
}

} // namespace cmrdagent
