// SPDX-License-Identifier: GPL-2.0-or-later
#include "devices/udev_handles.hpp"

#include <cerrno>
#include <string>
#include <system_error>

namespace cmrd::devices {
namespace {

/// libudev reports failures as null or a negative errno value; errno may be 0 after a null
/// when the failure was an allocation inside a helper, so fall back to ENOMEM then.
[[noreturn]] void throw_udev_error(int err, const std::string& what)
{
    throw std::system_error(err > 0 ? err : ENOMEM, std::generic_category(), what);
}

} // namespace

UdevContext make_udev_context()
{
    errno = 0;
    UdevContext context{udev_new()};
    if (!context)
        throw_udev_error(errno, "udev_new");
    return context;
}

UdevMonitor make_receiving_monitor(udev& context, const char* subsystem)
{
    errno = 0;
    UdevMonitor monitor{udev_monitor_new_from_netlink(&context, "udev")};
    if (!monitor)
        throw_udev_error(errno, "udev_monitor_new_from_netlink(\"udev\")");
    if (const int r =
            udev_monitor_filter_add_match_subsystem_devtype(monitor.get(), subsystem, nullptr);
        r < 0)
        throw_udev_error(-r, std::string("udev_monitor_filter_add_match_subsystem_devtype(\"") +
                                 subsystem + "\")");
    if (const int r = udev_monitor_enable_receiving(monitor.get()); r < 0)
        throw_udev_error(-r, "udev_monitor_enable_receiving");
    return monitor;
}

UdevEnumerate make_enumerate(udev& context)
{
    errno = 0;
    UdevEnumerate enumerate{udev_enumerate_new(&context)};
    if (!enumerate)
        throw_udev_error(errno, "udev_enumerate_new");
    return enumerate;
}

} // namespace cmrd::devices
