// SPDX-License-Identifier: GPL-2.0-or-later
#include "name_watch.hpp"

#include <exception>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IProxy.h>
#include <sdbus-c++/Message.h>

#include "log.hpp"

namespace cmrd::bus {

namespace {

const std::string owner_changed_rule =
    "type='signal',sender='org.freedesktop.DBus',"
    "path='/org/freedesktop/DBus',"
    "interface='org.freedesktop.DBus',member='NameOwnerChanged',";

sdbus::Slot
add_owner_match(sdbus::IConnection& bus, const std::string& rule, const std::string& what,
                std::function<void(const std::string& name, const std::string& new_owner)> changed)
{
    return bus.addMatch(rule, [changed = std::move(changed), what](sdbus::Message& message) {
        // Runs inside sd-bus's dispatch: nothing may escape from here.
        try {
            std::string changed_name;
            std::string old_owner;
            std::string new_owner;
            message >> changed_name >> old_owner >> new_owner;
            changed(changed_name, new_owner);
        } catch (const std::exception& e) {
            cmrd::common::log(LOG_ERR, "NameOwnerChanged of " + what + ": " + e.what());
        }
    });
}

} // namespace

bool has_owner(sdbus::IConnection& bus, const std::string& name)
{
    bool owned = false;
    sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus")
        ->callMethod("NameHasOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(name)
        .storeResultsTo(owned);
    return owned;
}

sdbus::Slot watch_name_owner(sdbus::IConnection& bus, const std::string& name,
                             std::function<void(bool present)> changed)
{
    return add_owner_match(bus, owner_changed_rule + "arg0='" + name + "'", name,
                           [changed = std::move(changed), name](const std::string& changed_name,
                                                                const std::string& new_owner) {
                               if (changed_name == name)
                                   changed(!new_owner.empty());
                           });
}

sdbus::Slot watch_name_owners_in(
    sdbus::IConnection& bus, const std::string& name_space,
    std::function<void(const std::string& name, const std::string& new_owner)> changed)
{
    return add_owner_match(bus, owner_changed_rule + "arg0namespace='" + name_space + "'",
                           name_space, std::move(changed));
}

} // namespace cmrd::bus
