// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/name_watch.hpp"

#include <exception>

#include <sdbus-c++/Error.h>
#include <sdbus-c++/Message.h>

#include "log.hpp"

namespace cmrd::client {

sdbus::Slot watch_name_owner(sdbus::IConnection& bus, const std::string& name,
                             std::function<void(bool present)> changed)
{
    const std::string rule = "type='signal',sender='org.freedesktop.DBus',"
                             "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
                             "member='NameOwnerChanged',arg0='" +
                             name + "'";
    return bus.addMatch(rule, [changed = std::move(changed), name](sdbus::Message& message) {
        // Runs inside sd-bus's dispatch: nothing may escape from here.
        try {
            std::string changed_name;
            std::string old_owner;
            std::string new_owner;
            message >> changed_name >> old_owner >> new_owner;
            if (changed_name == name)
                changed(!new_owner.empty());
        } catch (const std::exception& e) {
            cmrd::common::log(LOG_ERR, "NameOwnerChanged of " + name + ": " + e.what());
        }
    });
}

} // namespace cmrd::client
