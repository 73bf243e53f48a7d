// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/device_object.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "capture/capture_state.hpp"
#include "capture/sample_format.hpp"
#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "service/channel_values.hpp"

namespace cmrd::service {

DeviceObject::DeviceObject(sdbus::IConnection& connection, std::string path,
                           DeviceIdentity identity, capture::AccessMode access)
    : AdaptorInterfaces(connection, path), path_(std::move(path)), identity_(std::move(identity)),
      access_(access)
{
    published_ = current_;
    registerAdaptor();
    emitInterfacesAddedSignal({bus::device_interface});
}

DeviceObject::~DeviceObject()
{
    try {
        emitInterfacesRemovedSignal({bus::device_interface});
    } catch (const sdbus::Error& e) {
        common::log(LOG_WARNING, "cannot announce the removal of " + path_ + ": " + e.getMessage());
    }
    unregisterAdaptor();
}

std::string DeviceObject::State()
{
    return std::string(capture::to_string(current_.status.state));
}

std::string DeviceObject::Format()
{
    return current_.status.format ? std::string(capture::to_string(*current_.status.format))
                                  : std::string();
}

double DeviceObject::MainsHz()
{
    return bus_number(current_.mains_hz);
}

uint32_t DeviceObject::HolderPid()
{
    return current_.holders.empty() ? 0 : static_cast<uint32_t>(current_.holders.front().pid);
}

std::string DeviceObject::HolderCommand()
{
    return current_.holders.empty() ? std::string() : current_.holders.front().command;
}

std::string DeviceObject::HolderUser()
{
    return current_.holders.empty() ? std::string() : current_.holders.front().user;
}

std::string DeviceObject::ReservedBy()
{
    return current_.reservation ? current_.reservation->application : std::string();
}

int32_t DeviceObject::ReservedPriority()
{
    return current_.reservation ? current_.reservation->priority : 0;
}

std::string DeviceObject::ReservedUser()
{
    return current_.reservation ? current_.reservation->user : std::string();
}

bool DeviceObject::flush()
{
    const capture::CaptureStatus& a = published_.status;
    const capture::CaptureStatus& b = current_.status;
    std::vector<std::string> changed;
    const auto check = [&changed](bool same, const char* name) {
        if (!same)
            changed.emplace_back(name);
    };
    check(a.state == b.state, "State");
    check(a.rate == b.rate, "SampleRate");
    check(a.format == b.format, "Format");
    check(a.channels == b.channels, "Inputs");
    check(a.overruns == b.overruns, "Overruns");
    check(a.restarts == b.restarts, "Restarts");
    check(a.worker_overruns == b.worker_overruns, "WorkerOverruns");
    const devices::PcmHolder none;
    const devices::PcmHolder& h0 = published_.holders.empty() ? none : published_.holders.front();
    const devices::PcmHolder& h1 = current_.holders.empty() ? none : current_.holders.front();
    check(h0.pid == h1.pid, "HolderPid");
    check(h0.command == h1.command, "HolderCommand");
    check(h0.user == h1.user, "HolderUser");
    const agents::Reservation nobody;
    const agents::Reservation& r0 = published_.reservation.value_or(nobody);
    const agents::Reservation& r1 = current_.reservation.value_or(nobody);
    check(r0.application == r1.application, "ReservedBy");
    check(r0.priority == r1.priority, "ReservedPriority");
    check(r0.user == r1.user, "ReservedUser");
    check(published_.captured_through == current_.captured_through, "CapturedThrough");
    check(published_.capture_warning == current_.capture_warning, "CaptureWarning");
    check(a.is_realtime() == b.is_realtime(), "Realtime");
    check(a.realtime_detail == b.realtime_detail, "RealtimeDetail");
    check(a.last_error == b.last_error, "LastError");
    const double m0 = bus_number(published_.mains_hz);
    const double m1 = bus_number(current_.mains_hz);
    check((std::isnan(m0) && std::isnan(m1)) || m0 == m1, "MainsHz");
    published_ = current_;
    if (changed.empty())
        return false;
    getObject().emitPropertiesChangedSignal(bus::device_interface, changed);
    return true;
}

} // namespace cmrd::service
