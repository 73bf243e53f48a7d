// SPDX-License-Identifier: GPL-2.0-or-later
#include "reservation_watch.hpp"

#include <charconv>
#include <exception>

#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "name_watch.hpp"

namespace cmrdagent {

int card_of_reservation(const std::string& name)
{
    const std::string prefix = cmrd::bus::reserve_name_prefix;
    if (!name.starts_with(prefix) || name.size() == prefix.size() ||
        name.size() > prefix.size() + 2)
        return -1;
    int card = -1;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    const auto [end, error] = std::from_chars(first, last, card);
    if (error != std::errc() || end != last || (name[prefix.size()] == '0' && card != 0))
        return -1;
    return card;
}

ReservationWatch::ReservationWatch(sdbus::IConnection& bus) : bus_(bus)
{
    // The watch first, then the list: a change in between is seen twice, never missed.
    watch_ = cmrd::bus::watch_name_owners_in(
        bus_, "org.freedesktop.ReserveDevice1",
        [this](const std::string& name, const std::string& new_owner) {
            owner_changed(name, new_owner);
        });
    const auto dbus = sdbus::createProxy(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    std::vector<std::string> names;
    dbus->callMethod("ListNames").onInterface("org.freedesktop.DBus").storeResultsTo(names);
    for (const std::string& name : names) {
        const int card = card_of_reservation(name);
        if (card < 0)
            continue;
        std::string owner;
        try {
            dbus->callMethod("GetNameOwner")
                .onInterface("org.freedesktop.DBus")
                .withArguments(name)
                .storeResultsTo(owner);
        } catch (const sdbus::Error&) {
            continue; // released in between: NameOwnerChanged says so
        }
        owners_[card] = describe(card, owner);
    }
}

CardOwner ReservationWatch::describe(int card, const std::string& owner) const
{
    CardOwner described{owner, "", 0};
    if (owner == bus_.getUniqueName())
        return described;
    try {
        // Get, not GetAll: PipeWire's reservation objects (pw-reserve, WirePlumber) answer
        // only Get, as the convention's reference implementation does.
        const auto object =
            sdbus::createProxy(bus_, owner, cmrd::bus::reserve_path_prefix + std::to_string(card));
        const auto get = [&](const std::string& property) {
            sdbus::Variant value;
            object->callMethod("Get")
                .onInterface("org.freedesktop.DBus.Properties")
                .withTimeout(property_timeout)
                .withArguments(std::string(cmrd::bus::reserve_interface), property)
                .storeResultsTo(value);
            return value;
        };
        described.application = get("ApplicationName").get<std::string>();
        described.priority = get("Priority").get<std::int32_t>();
    } catch (const std::exception& e) {
        // Still reserved, only unnamed: it is reported as such.
        cmrd::common::log(LOG_INFO, "Audio" + std::to_string(card) + " is reserved by " + owner +
                                        ", which does not say who it is: " + e.what());
    }
    return described;
}

void ReservationWatch::owner_changed(const std::string& name, const std::string& new_owner)
{
    const int card = card_of_reservation(name);
    if (card < 0)
        return;
    if (new_owner.empty())
        owners_.erase(card);
    else
        owners_[card] = describe(card, new_owner);
}

} // namespace cmrdagent
