// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file udev_handles.hpp
/// Owning handles for libudev's reference-counted objects: each unique_ptr drops its one
/// reference when it goes, so no early return or exception can leak a context, a monitor (a
/// netlink socket) or a device. The make_* functions throw instead of returning null.

#include <memory>

#include <libudev.h>

namespace cmrd::devices {

/// Drops one reference to a udev context.
struct UdevContextUnref {
    void operator()(udev* context) const noexcept { udev_unref(context); }
};
/// Drops one reference to a udev monitor (closing its socket with the last one).
struct UdevMonitorUnref {
    void operator()(udev_monitor* monitor) const noexcept { udev_monitor_unref(monitor); }
};
/// Drops one reference to a udev device.
struct UdevDeviceUnref {
    void operator()(udev_device* device) const noexcept { udev_device_unref(device); }
};
/// Drops one reference to a udev enumeration.
struct UdevEnumerateUnref {
    void operator()(udev_enumerate* enumerate) const noexcept { udev_enumerate_unref(enumerate); }
};

using UdevContext = std::unique_ptr<udev, UdevContextUnref>;
using UdevMonitor = std::unique_ptr<udev_monitor, UdevMonitorUnref>;
using UdevDevice = std::unique_ptr<udev_device, UdevDeviceUnref>;
using UdevEnumerate = std::unique_ptr<udev_enumerate, UdevEnumerateUnref>;

/// A new udev context. @throws std::system_error ("udev_new") when libudev cannot make one.
[[nodiscard]] UdevContext make_udev_context();

/// A monitor on udev's netlink group ("udev": events after the rules ran, with their
/// properties), filtered in the kernel on @p subsystem, already receiving. Events that happen
/// from this call on queue up in its socket until they are read.
/// @throws std::system_error naming the libudev call that failed.
[[nodiscard]] UdevMonitor make_receiving_monitor(udev& context, const char* subsystem);

/// A new, empty enumeration. @throws std::system_error ("udev_enumerate_new").
[[nodiscard]] UdevEnumerate make_enumerate(udev& context);

} // namespace cmrd::devices
