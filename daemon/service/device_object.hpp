// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file device_object.hpp
/// The D-Bus object of one monitored device (org.cmrd.Monitor1.Device).

#include <optional>
#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "agents/agent_registry.hpp"
#include "capture/access_mode.hpp"
#include "capture/capture_status.hpp"
#include "devices/pcm_holders.hpp"
#include "monitor1_adaptor.h"
#include "service/device_setup.hpp"

namespace cmrd::service {

/// What changes: the capture engine's status and the device's mains frequency.
struct DeviceFigures {
    capture::CaptureStatus status;
    std::optional<double> mains_hz;
    /// Who holds the card while the device is busy, first the one named on the bus; empty
    /// when cmrd has the card or cannot tell.
    std::vector<devices::PcmHolder> holders;
    /// Another application's reservation of the card on a user's session bus, as an agent
    /// reports it; empty when none is reported.
    std::optional<agents::Reservation> reservation;
    /// Where the frames come from when not from the card itself (ServerFeed::source); "" for
    /// direct capture.
    std::string captured_through;
    /// ServerFeed::warning; "" for direct capture.
    std::string capture_warning;
};

/// Serves a device's identity and capture status as properties; update() / flush() as for
/// ChannelObject. Announces itself and its end with InterfacesAdded / InterfacesRemoved.
class DeviceObject final : public sdbus::AdaptorInterfaces<org::cmrd::Monitor1::Device_adaptor,
                                                           sdbus::ManagedObject_adaptor> {
public:
    DeviceObject(sdbus::IConnection& connection, std::string path, DeviceIdentity identity,
                 capture::AccessMode access);
    ~DeviceObject();
    DeviceObject(const DeviceObject&) = delete;
    DeviceObject& operator=(const DeviceObject&) = delete;

    void update(const DeviceFigures& figures) { current_ = figures; }
    /// Emits PropertiesChanged for what changed since the last flush; @return whether it did.
    bool flush();

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const DeviceIdentity& identity() const noexcept { return identity_; }
    [[nodiscard]] const DeviceFigures& figures() const noexcept { return current_; }

private:
    std::string Name() override { return identity_.name; }
    std::string Pcm() override { return identity_.pcm; }
    std::string Origin() override { return identity_.origin; }
    std::string CardId() override { return identity_.card_id; }
    std::string Model() override { return identity_.model; }
    std::string State() override;
    uint32_t SampleRate() override { return current_.status.rate; }
    std::string Format() override;
    uint32_t Inputs() override { return static_cast<uint32_t>(current_.status.channels); }
    uint64_t Overruns() override { return current_.status.overruns; }
    uint64_t Restarts() override { return current_.status.restarts; }
    uint64_t WorkerOverruns() override { return current_.status.worker_overruns; }
    uint32_t HolderPid() override;
    std::string HolderCommand() override;
    std::string HolderUser() override;
    std::string Access() override { return std::string(capture::to_string(access_)); }
    std::string ReservedBy() override;
    int32_t ReservedPriority() override;
    std::string ReservedUser() override;
    std::string CapturedThrough() override { return current_.captured_through; }
    std::string CaptureWarning() override { return current_.capture_warning; }
    bool Realtime() override { return current_.status.is_realtime(); }
    std::string RealtimeDetail() override { return current_.status.realtime_detail; }
    std::string LastError() override { return current_.status.last_error; }
    double MainsHz() override;

    std::string path_;
    DeviceIdentity identity_;
    capture::AccessMode access_;
    DeviceFigures current_;
    DeviceFigures published_;
};

} // namespace cmrd::service
