// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/monitored_device.hpp"

#include <algorithm>

#include "agents/card_access.hpp"
#include "capture/capture_state.hpp"
#include "capture/sample_format.hpp"
#include "log.hpp"
#include "service/object_paths.hpp"

namespace cmrd::service {
namespace {

bool thread_should_be_looping(capture::CaptureState state)
{
    using capture::CaptureState;
    switch (state) {
    case CaptureState::running:
    case CaptureState::xrun_recovering:
    case CaptureState::suspended:
    case CaptureState::stalled:
        return true;
    default:
        // starting/busy wait in open or back-off, and the final states have no loop.
        return false;
    }
}

bool thread_has_ended(capture::CaptureState state)
{
    using capture::CaptureState;
    return state == CaptureState::disconnected || state == CaptureState::error ||
           state == CaptureState::stopped;
}

events::EventFigures figures_of(const cmr::ChannelResult& r, std::optional<double> value)
{
    events::EventFigures f;
    f.mains_hz = r.mains_hz;
    f.hum_dbfs = r.hum_dbfs;
    f.cm_hum_dbfs = r.cm_hum_dbfs;
    f.cmrr_db = r.cmrr_db; // empty when cmrr_kind is none: libcmr sets both from one estimate
    f.cmrr_kind = bus_cmrr_kind(r);
    f.symmetry = bus_symmetry(r);
    f.value = value;
    return f;
}

std::vector<std::string> active_alarm_names(const cmr::AlarmEngine& engine, std::size_t ch)
{
    std::vector<std::string> names;
    for (const cmr::AlarmKind kind : {cmr::AlarmKind::wiring, cmr::AlarmKind::hum,
                                      cmr::AlarmKind::cmrr_low, cmr::AlarmKind::ground_loop})
        if (engine.active(ch, kind))
            names.emplace_back(cmr::to_string(kind));
    return names;
}

} // namespace

MonitoredDevice::MonitoredDevice(sdbus::IConnection& connection, DeviceSetup setup,
                                 std::vector<RestoredAlarm> restored)
    : connection_(connection), setup_(std::move(setup)), restored_(std::move(restored))
{
    const std::string path = bus::device_path(setup_.identity.name);
    device_ =
        std::make_unique<DeviceObject>(connection_, path, setup_.identity, setup_.capture.access);
    if (!setup_.capture.layout.empty())
        make_channels(setup_.capture.layout);
    engine_ = std::make_unique<capture::CaptureEngine>(setup_.capture);
    engine_->start();
}

MonitoredDevice::~MonitoredDevice()
{
    // Everything the device held (PCM, thread, eventfds) is gone before its objects are
    // announced removed: a client seeing InterfacesRemoved sees the device released.
    engine_.reset();
    channels_.clear(); // InterfacesRemoved for the channels before their device
    device_.reset();
}

int MonitoredDevice::notify_fd() const
{
    return engine_->notify_fd();
}

void MonitoredDevice::make_channels(const cmr::Layout& layout)
{
    channels_.clear();
    for (const cmr::ChannelSpec& spec : layout)
        channels_.push_back(std::make_unique<ChannelObject>(
            connection_, bus::channel_path(device_->path(), spec), device_->path(), spec));
    alarms_.emplace(thresholds_per_channel());
    // A fresh analysis: an alarm active now (restored below) is not cleared by the missing
    // figures of its first seconds.
    alarms_->hold_active_until(time_offset_s_ + cmr::AlarmEngine::fresh_analysis_s);
    for (const RestoredAlarm& alarm : std::exchange(restored_, {})) {
        const auto found = std::find_if(layout.begin(), layout.end(), [&](const auto& spec) {
            return spec.id() == alarm.channel_id;
        });
        const std::string what = setup_.identity.name + " " + alarm.channel_id + ": " +
                                 std::string(cmr::to_string(alarm.kind));
        if (found == layout.end()) {
            common::log(LOG_WARNING, what + " was active when cmrd stopped, but the line is no "
                                            "longer monitored: forgotten");
            continue;
        }
        alarms_->restore(static_cast<std::size_t>(found - layout.begin()), alarm.kind);
        common::log(LOG_INFO, what + " still active from before cmrd restarted");
    }
}

std::vector<cmr::AlarmThresholds> MonitoredDevice::thresholds_per_channel() const
{
    std::vector<cmr::AlarmThresholds> out;
    for (const auto& channel : channels_)
        out.push_back(setup_.thresholds ? setup_.thresholds(channel->spec().id())
                                        : cmr::AlarmThresholds{});
    return out;
}

void MonitoredDevice::set_thresholds(
    std::function<cmr::AlarmThresholds(const std::string&)> thresholds)
{
    setup_.thresholds = std::move(thresholds);
    if (alarms_)
        alarms_->set_thresholds(thresholds_per_channel());
}

std::vector<AlarmChange> MonitoredDevice::on_notify()
{
    std::vector<AlarmChange> changes;
    // Re-arm the descriptor first: whatever arrives after this read wakes us again.
    (void)engine_->wait(std::chrono::milliseconds(0));
    take_snapshot(changes);
    const capture::CaptureStatus status = engine_->status();
    // Running again (a change of state, as logged) ends the back-off.
    if (status.state == capture::CaptureState::running && logged_state_ != status.state)
        reopen_backoff_.running();
    log_state_change(status);
    if (thread_has_ended(status.state))
        reopen_backoff_.ended(Clock::now());
    device_->update(device_figures(status));
    publish_throttle_.changed();
    return changes;
}

void MonitoredDevice::check_holders()
{
    const capture::CaptureStatus status = engine_->status();
    std::vector<devices::PcmHolder> holders;
    if (status.state == capture::CaptureState::busy) {
        const DeviceIdentity& id = setup_.identity;
        const int card = id.card_number >= 0
                             ? id.card_number
                             : devices::card_index_of_pcm(setup_.capture.pcm).value_or(-1);
        if (card >= 0)
            holders = devices::capture_holders(card);
        if (!holders.empty() && logged_holders_ != holders) {
            common::log(LOG_NOTICE,
                        setup_.identity.name + " is held by " + devices::describe_holders(holders));
            logged_holders_ = holders;
        }
    } else {
        logged_holders_.reset(); // the episode is over: the next one is told again
    }
    if (holders == holders_)
        return;
    holders_ = std::move(holders);
    device_->update(device_figures(status));
    publish_throttle_.changed();
}

void MonitoredDevice::log_state_change(const capture::CaptureStatus& status)
{
    using capture::CaptureState;
    if (logged_state_ == status.state)
        return;
    const std::string& name = setup_.identity.name;
    const std::string& pcm = setup_.capture.pcm;
    switch (status.state) {
    case CaptureState::running:
        common::log(LOG_INFO,
                    name + ": capturing " + std::to_string(status.channels) + " inputs of " + pcm +
                        ", " +
                        (status.format ? std::string(capture::to_string(*status.format)) : "?") +
                        " at " + std::to_string(status.rate) + " Hz, " +
                        std::to_string(status.period_frames) + "-frame periods, " +
                        (status.is_realtime()
                             ? "real-time priority " + std::to_string(status.realtime_priority)
                             : "normal priority (" + status.realtime_detail + ")"));
        break;
    case CaptureState::busy:
    case CaptureState::stalled:
    case CaptureState::disconnected:
        common::log(LOG_WARNING, name + " (" + pcm +
                                     "): " + std::string(capture::to_string(status.state)) +
                                     (status.last_error.empty() ? "" : ": " + status.last_error));
        break;
    case CaptureState::shared:
        common::log(LOG_NOTICE, name + " (" + pcm + "): " + status.last_error);
        break;
    case CaptureState::error:
        common::log(LOG_ERR, name + " (" + pcm + "): capture failed: " + status.last_error +
                                 (setup_.reopen_when_gone ? " (retrying every few seconds)" : ""));
        break;
    default:
        // Starting, overrun recovery, suspend: transient and counted. Not remembered either,
        // so a device failing the same way after each reopen is logged once.
        return;
    }
    logged_state_ = status.state;
}

void MonitoredDevice::take_snapshot(std::vector<AlarmChange>& changes)
{
    if (!engine_->latest(snapshot_))
        return;
    if (channels_.size() != snapshot_.channels.size()) {
        // The layout became known only now (the default pairs of the negotiated stream).
        cmr::Layout layout;
        for (const cmr::ChannelResult& r : snapshot_.channels)
            layout.push_back(r.spec);
        make_channels(layout);
    }
    const double t = time_offset_s_ + snapshot_.time_s;
    last_time_s_ = std::max(last_time_s_, t);
    const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    alarms_->update(last_time_s_, snapshot_.channels, [&](const cmr::AlarmEvent& a) {
        const cmr::ChannelResult& r = snapshot_.channels[a.channel];
        AlarmChange change;
        change.channel_path = channels_[a.channel]->path();
        change.event.time_us = now_us;
        change.event.device = setup_.identity.name;
        change.event.channel = r.spec.id();
        change.event.alarm = a.kind;
        change.event.raised = a.raised;
        change.event.figures = figures_of(r, a.value);
        change.stream_time_s = a.time_s;
        changes.push_back(std::move(change));
    });
    for (std::size_t ch = 0; ch < channels_.size(); ++ch) {
        ChannelFigures figures;
        figures.result = snapshot_.channels[ch];
        figures.alarm = alarms_->current(ch);
        figures.active_alarms = active_alarm_names(*alarms_, ch);
        figures.stream_time_s = t;
        channels_[ch]->update(figures);
    }
}

std::optional<Clock::time_point> MonitoredDevice::next_publish(Clock::duration interval) const
{
    return publish_throttle_.next(Clock::now(), interval);
}

void MonitoredDevice::publish(Clock::time_point now, Clock::duration interval)
{
    if (!publish_throttle_.due(now, interval))
        return;
    device_->flush();
    for (const auto& channel : channels_)
        channel->flush();
    publish_throttle_.published(now);
}

std::size_t MonitoredDevice::active_alarm_count() const
{
    std::size_t count = 0;
    for (const auto& channel : channels_)
        count += channel->figures().active_alarms.size();
    return count;
}

bool MonitoredDevice::capture_alive(Clock::time_point now, Clock::duration limit)
{
    const capture::CaptureStatus status = engine_->status();
    if (status.heartbeat != last_heartbeat_ || !thread_should_be_looping(status.state)) {
        last_heartbeat_ = status.heartbeat;
        heartbeat_seen_ = now;
        return true;
    }
    return now - heartbeat_seen_ < limit;
}

bool MonitoredDevice::reopen_if_gone(Clock::time_point now, Clock::duration retry_after)
{
    if (!setup_.reopen_when_gone || !reopen_backoff_.due(now, retry_after))
        return false;
    reopen_backoff_.reopened(); // failed until the device runs again
    restart_engine(now);
    return true;
}

bool MonitoredDevice::set_standby(std::optional<capture::Standby> standby,
                                  std::shared_ptr<capture::ServerFeed> feed)
{
    if (standby == setup_.capture.standby && feed == setup_.capture.feed)
        return false;
    if (feed != setup_.capture.feed)
        common::log(LOG_INFO, setup_.identity.name + ": " +
                                  (feed ? "capturing through " + feed->source
                                        : std::string("no longer captured through a server")));
    if (standby != setup_.capture.standby)
        common::log(LOG_INFO,
                    setup_.identity.name + ": " +
                        (standby ? standby->reason
                                 : std::string("no one else reserves the card; capturing")));
    setup_.capture.standby = std::move(standby);
    setup_.capture.feed = std::move(feed);
    restart_engine(Clock::now());
    return true;
}

void MonitoredDevice::feed_warning_changed(const capture::ServerFeed& feed)
{
    if (setup_.capture.feed.get() != &feed)
        return;
    if (feed.warning.empty())
        common::log(LOG_INFO, setup_.identity.name + ": the path through " + feed.source +
                                  " no longer falsifies figures");
    else
        common::log(LOG_WARNING, setup_.identity.name + ": figures through " + feed.source +
                                     " are not to be trusted: " + feed.warning);
    device_->update(device_figures(engine_->status()));
    publish_throttle_.changed();
}

void MonitoredDevice::set_reservation(std::optional<agents::Reservation> reservation)
{
    if (reservation == reservation_)
        return;
    const auto who = [](const std::optional<agents::Reservation>& r) {
        return r ? std::optional(std::pair(r->application, r->user)) : std::nullopt;
    };
    if (reservation && who(reservation) != who(reservation_))
        common::log(LOG_NOTICE,
                    setup_.identity.name + " is held by " + agents::describe(*reservation));
    else if (!reservation)
        common::log(LOG_INFO, setup_.identity.name + ": " + agents::describe(*reservation_) +
                                  " no longer reserves the card");
    reservation_ = std::move(reservation);
    device_->update(device_figures(engine_->status()));
    publish_throttle_.changed();
}

DeviceFigures MonitoredDevice::device_figures(const capture::CaptureStatus& status) const
{
    const capture::ServerFeed* feed = setup_.capture.feed.get();
    return DeviceFigures{status,
                         snapshot_.mains_hz,
                         holders_,
                         reservation_,
                         feed != nullptr ? feed->source : std::string(),
                         feed != nullptr ? feed->warning : std::string()};
}

void MonitoredDevice::restart_engine(Clock::time_point now)
{
    // Stopping joins the capture thread: the PCM is closed when this returns.
    engine_->stop();
    time_offset_s_ = last_time_s_;
    snapshot_ = capture::CaptureSnapshot{};
    if (alarms_) // the analysis starts afresh: active alarms are held through its first seconds
        alarms_->hold_active_until(last_time_s_ + cmr::AlarmEngine::fresh_analysis_s);
    // Keep the channel objects and alarm states: the line is the same line.
    capture::CaptureConfig config = setup_.capture;
    if (config.layout.empty())
        for (const auto& channel : channels_)
            config.layout.push_back(channel->spec());
    engine_ = std::make_unique<capture::CaptureEngine>(config);
    engine_->start();
    last_heartbeat_ = 0;
    heartbeat_seen_ = now;
    publish_throttle_.changed();
}

} // namespace cmrd::service
