// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file monitored_device.hpp
/// One device cmrd monitors: its capture engine (real-time thread), the alarm engine over its
/// channels, and its D-Bus objects (the Device and one Channel per measured line).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/sdbus-c++.h>

#include "cmr/alarm_engine.hpp"

#include "capture/capture_config.hpp"
#include "capture/capture_engine.hpp"
#include "capture/capture_snapshot.hpp"
#include "events/event.hpp"
#include "service/channel_object.hpp"
#include "service/device_object.hpp"
#include "service/device_setup.hpp"
#include "service/publish_throttle.hpp"
#include "service/reopen_backoff.hpp"
#include "service/service_clock.hpp"

namespace cmrd::service {

/// An alarm that changed, ready to be recorded and announced.
struct AlarmChange {
    std::string channel_path;
    events::Event event; ///< sequence and time filled in by whoever records it
    /// Seconds of audio analysed on the device when the alarm changed (a clock that tests
    /// and clients can compare with the audio itself).
    double stream_time_s = 0.0;
};

class MonitoredDevice {
public:
    /// Creates the Device object (and the Channel objects when the layout is known) and starts
    /// capturing. @throws std::invalid_argument / sdbus::Error / std::system_error.
    /// @p restored: alarms active on its channels when cmrd last stored an event; they are
    /// active again, without an event, once the channels exist, and the figures decide from
    /// then on (cmr::AlarmEngine::restore).
    MonitoredDevice(sdbus::IConnection& connection, DeviceSetup setup,
                    std::vector<RestoredAlarm> restored = {});
    /// Stops the capture thread and releases the device, then removes the objects.
    ~MonitoredDevice();
    MonitoredDevice(const MonitoredDevice&) = delete;
    MonitoredDevice& operator=(const MonitoredDevice&) = delete;

    /// The capture engine's notification descriptor (readable after each snapshot / state
    /// change; on_notify() re-arms it).
    [[nodiscard]] int notify_fd() const;

    /// Takes the newest snapshot and status: updates the objects (published later by
    /// publish()), runs the alarm engine, and returns the alarms that changed.
    std::vector<AlarmChange> on_notify();

    /// Emits PropertiesChanged for whatever changed, at most once per @p interval.
    void publish(Clock::time_point now, Clock::duration interval);
    /// When publish() next has something to do (nullopt: nothing pending).
    [[nodiscard]] std::optional<Clock::time_point> next_publish(Clock::duration interval) const;

    /// False when the capture thread should be turning its loop (running, stalled...) but its
    /// heartbeat has not moved for @p limit: it hangs, and the watchdog must stop being fed.
    [[nodiscard]] bool capture_alive(Clock::time_point now, Clock::duration limit);

    /// For static devices: reopens the PCM when the capture thread has ended (disconnected,
    /// error) and @p retry_after has passed since it ended (doubling after each reopen that
    /// did not get the device running, up to 16 times). @return whether it restarted.
    bool reopen_if_gone(Clock::time_point now, Clock::duration retry_after);

    /// Tells the capture whether it must leave the card alone for now (what the agents report,
    /// agents/card_access.hpp), and whether an agent's @p feed brings the card's frames through
    /// its sound server instead (null: none). A change restarts the capture: the PCM is closed
    /// before this returns when @p standby or @p feed is set. @return whether anything changed.
    bool set_standby(std::optional<capture::Standby> standby,
                     std::shared_ptr<capture::ServerFeed> feed);

    /// @p feed's warning changed: published, and logged, when it is this device's feed.
    void feed_warning_changed(const capture::ServerFeed& feed);
    /// Publishes who else reserves the card (what an agent reports) on the Device, and logs a
    /// notice naming the application once per episode: when a reservation by another
    /// application or user begins, not each time its priority changes or a report repeats it.
    void set_reservation(std::optional<agents::Reservation> reservation);

    /// While the capture is busy (another program holds the card), finds who holds it in
    /// /proc/asound and publishes it on the Device; logs a notice naming the holders once per
    /// busy episode, and again only when they change. Clears them when the device is no longer
    /// busy. Cheap enough for every second.
    void check_holders();

    /// Replaces the alarm thresholds (configuration reload), keeping alarm states.
    void set_thresholds(std::function<cmr::AlarmThresholds(const std::string&)> thresholds);

    [[nodiscard]] const DeviceIdentity& identity() const { return device_->identity(); }
    [[nodiscard]] const capture::CaptureConfig& capture_config() const { return setup_.capture; }
    [[nodiscard]] capture::CaptureStatus status() const { return engine_->status(); }
    [[nodiscard]] const std::string& path() const { return device_->path(); }
    [[nodiscard]] std::size_t channel_count() const { return channels_.size(); }
    /// Alarms active over all channels (a channel with two alarms counts two).
    [[nodiscard]] std::size_t active_alarm_count() const;

private:
    void make_channels(const cmr::Layout& layout);
    std::vector<cmr::AlarmThresholds> thresholds_per_channel() const;
    void take_snapshot(std::vector<AlarmChange>& changes);
    void log_state_change(const capture::CaptureStatus& status);
    /// The Device's figures now, from @p status and what the device keeps.
    [[nodiscard]] DeviceFigures device_figures(const capture::CaptureStatus& status) const;
    /// Stops the capture thread (closing the PCM) and starts a new one with setup_.capture.
    void restart_engine(Clock::time_point now);

    sdbus::IConnection& connection_;
    DeviceSetup setup_;
    std::vector<RestoredAlarm> restored_; ///< until the channels are made
    std::unique_ptr<DeviceObject> device_;
    std::vector<std::unique_ptr<ChannelObject>> channels_;
    std::unique_ptr<capture::CaptureEngine> engine_;
    std::optional<cmr::AlarmEngine> alarms_;
    capture::CaptureSnapshot snapshot_;
    /// Stream time carried over reopenings, so alarm times never go backwards.
    double time_offset_s_ = 0.0;
    double last_time_s_ = 0.0;
    PublishThrottle publish_throttle_;
    std::uint64_t last_heartbeat_ = 0;
    Clock::time_point heartbeat_seen_ = Clock::now();
    ReopenBackoff reopen_backoff_;
    std::optional<capture::CaptureState> logged_state_;
    std::vector<devices::PcmHolder> holders_;
    /// The holders last logged in this busy episode (nullopt: none logged since it began).
    std::optional<std::vector<devices::PcmHolder>> logged_holders_;
    std::optional<agents::Reservation> reservation_;
};

} // namespace cmrd::service
