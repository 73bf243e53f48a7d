// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/object_paths.hpp"

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <system_error>

#include <systemd/sd-bus.h>

#include "cmrd_bus_names.hpp"

namespace cmrd::bus {

std::string device_path(std::string_view device_name)
{
    // sd_bus_path_encode escapes everything outside [A-Za-z0-9] as _XX, so any device name
    // (a card id may hold characters an object path cannot) gives a valid, reversible path.
    char* encoded = nullptr;
    const std::string name(device_name);
    if (const int err = sd_bus_path_encode(devices_path, name.c_str(), &encoded); err < 0)
        throw std::system_error(-err, std::generic_category(),
                                "cannot make an object path for device '" + name + "'");
    const std::unique_ptr<char, decltype(&std::free)> owner(encoded, &std::free);
    return std::string(encoded);
}

std::string channel_path(std::string_view device_path, const cmr::ChannelSpec& ch)
{
    std::string path(device_path);
    if (ch.is_pair())
        path += "/pair_" + std::to_string(ch.hot) + "_" + std::to_string(ch.cold);
    else
        path += "/input_" + std::to_string(ch.input);
    return path;
}

} // namespace cmrd::bus
