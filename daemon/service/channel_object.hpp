// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file channel_object.hpp
/// The D-Bus object of one measured channel (org.cmrd.Monitor1.Channel).

#include <string>

#include <sdbus-c++/sdbus-c++.h>

#include "monitor1_adaptor.h"
#include "service/channel_values.hpp"

namespace cmrd::service {

/// Serves a channel's latest figures as properties. update() stores new figures (getters answer
/// with them at once); flush() announces what changed since the last flush with one
/// PropertiesChanged signal, so the caller decides how often clients are woken.
/// Announces itself (InterfacesAdded) when made and its end (InterfacesRemoved) when destroyed.
/// All calls on the thread that runs the connection's event loop.
class ChannelObject final : public sdbus::AdaptorInterfaces<org::cmrd::Monitor1::Channel_adaptor,
                                                            sdbus::ManagedObject_adaptor> {
public:
    ChannelObject(sdbus::IConnection& connection, std::string path, std::string device_path,
                  const cmr::ChannelSpec& spec);
    ~ChannelObject();
    ChannelObject(const ChannelObject&) = delete;
    ChannelObject& operator=(const ChannelObject&) = delete;

    void update(const ChannelFigures& figures) { current_ = figures; }
    /// Emits PropertiesChanged for the properties that changed since the last flush.
    /// @return whether a signal went out.
    bool flush();

    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] const ChannelFigures& figures() const noexcept { return current_; }
    [[nodiscard]] const cmr::ChannelSpec& spec() const noexcept { return spec_; }

private:
    sdbus::ObjectPath Device() override { return device_path_; }
    std::string Id() override { return spec_.id(); }
    std::string Kind() override { return spec_.is_pair() ? "pair" : "single"; }
    uint32_t Hot() override { return static_cast<uint32_t>(spec_.hot); }
    uint32_t Cold() override { return static_cast<uint32_t>(spec_.cold); }
    uint32_t Input() override { return static_cast<uint32_t>(spec_.input); }
    double MainsHz() override { return bus_number(current_.result.mains_hz); }
    double LevelDbfs() override { return bus_number(current_.result.level_dbfs); }
    double HumDbfs() override { return bus_number(current_.result.hum_dbfs); }
    std::vector<BusHarmonic> Harmonics() override
    {
        return bus_harmonics(current_.result.harmonics);
    }
    double CmHumDbfs() override { return bus_number(current_.result.cm_hum_dbfs); }
    std::vector<BusHarmonic> CmHarmonics() override
    {
        return bus_harmonics(current_.result.cm_harmonics);
    }
    double CmrrDb() override;
    std::string CmrrKind() override { return bus_cmrr_kind(current_.result); }
    std::string Symmetry() override { return bus_symmetry(current_.result); }
    double LegGainDb() override { return bus_number(current_.result.leg_gain_db); }
    std::string Alarm() override { return std::string(cmr::to_string(current_.alarm)); }
    std::vector<std::string> ActiveAlarms() override { return current_.active_alarms; }
    double StreamTime() override { return current_.stream_time_s; }

    std::string path_;
    sdbus::ObjectPath device_path_;
    cmr::ChannelSpec spec_;
    ChannelFigures current_;
    ChannelFigures published_;
};

} // namespace cmrd::service
