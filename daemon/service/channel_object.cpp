// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/channel_object.hpp"

#include <limits>

#include "cmrd_bus_names.hpp"
#include "log.hpp"

namespace cmrd::service {

ChannelObject::ChannelObject(sdbus::IConnection& connection, std::string path,
                             std::string device_path, const cmr::ChannelSpec& spec)
    : AdaptorInterfaces(connection, path), path_(std::move(path)),
      device_path_(std::move(device_path)), spec_(spec)
{
    current_.result.spec = spec;
    published_ = current_;
    registerAdaptor();
    emitInterfacesAddedSignal({bus::channel_interface});
}

ChannelObject::~ChannelObject()
{
    try {
        emitInterfacesRemovedSignal({bus::channel_interface});
    } catch (const sdbus::Error& e) {
        common::log(LOG_WARNING, "cannot announce the removal of " + path_ + ": " + e.getMessage());
    }
    unregisterAdaptor();
}

double ChannelObject::CmrrDb()
{
    // design.md: cmrr_db is null whenever cmrr_kind is "none".
    if (current_.result.cmrr_kind == cmr::CmrrKind::none)
        return std::numeric_limits<double>::quiet_NaN();
    return bus_number(current_.result.cmrr_db);
}

bool ChannelObject::flush()
{
    const std::vector<std::string> changed = changed_channel_properties(published_, current_);
    published_ = current_;
    if (changed.empty())
        return false;
    getObject().emitPropertiesChangedSignal(bus::channel_interface, changed);
    return true;
}

} // namespace cmrd::service
