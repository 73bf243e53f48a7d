// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmd_watch.hpp"

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <sdbus-c++/Error.h>

#include "bus_event_source.hpp"
#include "cli11.hpp"
#include "client/alarm_environment.hpp"
#include "client/cmrd_client.hpp"
#include "client/cmrd_errors.hpp"
#include "client/cmrd_signals.hpp"
#include "client/command_support.hpp"
#include "client/hook_runner.hpp"
#include "client/watch_output.hpp"
#include "event_loop.hpp"
#include "exit_status.hpp"

namespace cmrctl {
namespace {

struct WatchOptions {
    std::string bus;
    bool json = false;
    std::optional<std::string> on_alarm;
    std::optional<std::string> on_clear;
};

/// The watch: a copy of cmrd's objects kept current from its signals, on the one event loop
/// (the bus connection; SIGINT, SIGTERM, SIGCHLD), all on this one thread.
class Watch {
public:
    explicit Watch(WatchOptions options)
        : options_(std::move(options)), cmrd_(client::BusTarget(options_.bus)),
          output_(std::cout, options_.json), hooks_(options_.json)
    {
        client::CmrdSignalHandlers handlers;
        handlers.alarm = [this](const std::string& path, const std::string& alarm,
                                const client::PropertyMap& figures,
                                bool raised) { on_alarm(path, alarm, figures, raised); };
        handlers.interfaces_added = [this](const std::string& path,
                                           const client::InterfaceMap& interfaces) {
            on_added(path, interfaces);
        };
        handlers.interfaces_removed = [this](const std::string& path,
                                             const std::vector<std::string>& interfaces) {
            on_removed(path, interfaces);
        };
        handlers.properties_changed = [this](const std::string& path, const std::string& interface,
                                             const client::PropertyMap& changed,
                                             const std::vector<std::string>& invalidated) {
            on_properties(path, interface, changed, invalidated);
        };
        handlers.owner_changed = [this](bool running) { on_owner(running); };
        // Subscribed before the first read, so nothing that happens after it is missed.
        signals_ = std::make_unique<client::CmrdSignals>(cmrd_, std::move(handlers));
    }

    int run()
    {
        // cmrd must be there at start: the same line and status as every other command.
        read_everything("running");
        cmrd::bus::BusEventSource bus(loop_, cmrd_.connection(), cmrd_.bus().description());
        const cmrd::common::PostSource after_dispatch(loop_, [this] { after_dispatch_round(); });
        try {
            loop_.run();
        } catch (const cmrd::bus::BusLost& e) {
            throw client::CmrdUnavailable(cmrd_.bus().description(), e.what());
        }
        hooks_.reap();
        return exit_ok;
    }

private:
    void on_signal(int sig)
    {
        if (sig == SIGCHLD)
            hooks_.reap();
        else
            loop_.exit(0); // SIGINT, SIGTERM: a clean end, status 0
    }

    /// What the signal handlers left: their exception, or a re-read of the objects (a blocking
    /// call, so not inside a handler).
    void after_dispatch_round()
    {
        signals_->rethrow_pending();
        if (!reread_due_)
            return;
        reread_due_ = false;
        try {
            read_everything("started");
        } catch (const client::CmrdUnavailable&) {
            // Gone again already: NameOwnerChanged says so, and a later start re-reads.
        }
    }

    /// Reads every object (GetManagedObjects) and announces cmrd and its objects.
    void read_everything(const char* daemon_action)
    {
        const std::string version = cmrd_.version();
        tree_ = cmrd_.read_objects();
        const std::vector<client::DeviceView> devices = tree_.devices();
        std::size_t channels = 0;
        for (const client::DeviceView& view : devices)
            channels += view.channels.size();
        output_.daemon(daemon_action, version, cmrd_.bus().description(), devices.size(), channels);
        for (const client::DeviceView& view : devices) {
            output_.device("added", view.device, nullptr);
            for (const client::ChannelState& channel : view.channels)
                output_.channel("added", &view.device, channel);
        }
    }

    void on_owner(bool running)
    {
        if (running) {
            reread_due_ = true; // after this dispatch round: no blocking call inside a handler
            return;
        }
        reread_due_ = false;
        tree_.clear();
        output_.forget_channels();
        output_.daemon("stopped", std::nullopt, cmrd_.bus().description(), 0, 0);
    }

    void on_alarm(const std::string& /*channel path*/, const std::string& alarm,
                  const client::PropertyMap& figures, bool raised)
    {
        const client::AlarmChange change = client::decode_alarm_signal(alarm, raised, figures);
        output_.alarm(change);
        const std::optional<std::string>& hook = raised ? options_.on_alarm : options_.on_clear;
        if (hook)
            hooks_.run(*hook, client::alarm_environment(change));
    }

    void on_added(const std::string& path, const client::InterfaceMap& interfaces)
    {
        switch (tree_.add(path, interfaces)) {
        case client::ObjectKind::device:
            output_.device("added", *tree_.device(path), nullptr);
            break;
        case client::ObjectKind::channel: {
            const client::ChannelState& channel = *tree_.channel(path);
            output_.channel("added", tree_.device(channel.device_path), channel);
            break;
        }
        case client::ObjectKind::other:
            break;
        }
    }

    void on_removed(const std::string& path, const std::vector<std::string>& interfaces)
    {
        // Copies: the tree forgets the object before it is announced.
        std::optional<client::DeviceState> device;
        std::optional<client::ChannelState> channel;
        std::optional<client::DeviceState> owner;
        if (const client::DeviceState* d = tree_.device(path))
            device = *d;
        if (const client::ChannelState* c = tree_.channel(path)) {
            channel = *c;
            if (const client::DeviceState* d = tree_.device(c->device_path))
                owner = *d;
        }
        switch (tree_.remove(path, interfaces)) {
        case client::ObjectKind::device:
            output_.device("removed", *device, nullptr);
            break;
        case client::ObjectKind::channel:
            output_.channel("removed", owner ? &*owner : nullptr, *channel);
            break;
        case client::ObjectKind::other:
            break;
        }
    }

    void on_properties(const std::string& path, const std::string& interface,
                       const client::PropertyMap& changed,
                       const std::vector<std::string>& invalidated)
    {
        // cmrd sends values, not invalidations; should one come, re-read everything.
        if (!invalidated.empty())
            reread_due_ = true;
        std::optional<client::DeviceState> before;
        if (const client::DeviceState* d = tree_.device(path))
            before = *d;
        switch (tree_.update(path, interface, changed)) {
        case client::ObjectKind::device:
            output_.device("changed", *tree_.device(path), before ? &*before : nullptr);
            break;
        case client::ObjectKind::channel: {
            const client::ChannelState& channel = *tree_.channel(path);
            output_.channel("changed", tree_.device(channel.device_path), channel);
            break;
        }
        case client::ObjectKind::other:
            break; // an object not announced yet (its InterfacesAdded follows) or not cmrd's
        }
    }

    WatchOptions options_;
    cmrd::common::EventLoop loop_;
    // Blocked before anything else, so that no signal of these three is ever delivered the
    // default way (which would end the watch without its clean-up).
    cmrd::common::SignalSource stop_signals_{
        loop_, {SIGINT, SIGTERM, SIGCHLD}, [this](int sig) { on_signal(sig); }};
    client::CmrdClient cmrd_;
    client::WatchOutput output_;
    client::HookRunner hooks_;
    client::ObjectTree tree_;
    std::unique_ptr<client::CmrdSignals> signals_;
    bool reread_due_ = false;
};

} // namespace

void add_watch_command(CLI::App& app, int& exit_status)
{
    auto options = std::make_shared<WatchOptions>();
    CLI::App* command = app.add_subcommand(
        "watch", "Follow cmrd live: alarms as they happen, figures as they change");
    command->footer(
        "Runs until Ctrl-C (or SIGTERM), status 0; survives cmrd restarting.\n"
        "--json prints JSON Lines, one object per line with a \"type\":\n"
        "  {\"type\":\"daemon\",\"action\":\"running|stopped|started\",\"time\",\"version\"}\n"
        "  {\"type\":\"device\",\"action\":\"added|changed|removed\",\"time\",\"device\":DEVICE}\n"
        "  {\"type\":\"channel\",\"action\":\"added|changed|removed\",\"time\",\"device\",\"id\","
        "\"active_alarms\",\"channel\":CHANNEL|null}\n"
        "  {\"type\":\"alarm\",\"time\",\"seq\",\"device\",\"channel\",\"alarm\","
        "\"action\":\"raised|cleared\",\"mains_hz\",\"hum_dbfs\",\"cm_hum_dbfs\",\"cmrr_db\","
        "\"cmrr_kind\",\"symmetry\",\"value\",\"stream_time_s\"}\n"
        "DEVICE as in `status --json` (without channels), CHANNEL the channel object of "
        "design.md; times ISO 8601 UTC; unknown figures null.\n"
        "Hooks run through /bin/sh -c, in the background, with CMRD_DEVICE, CMRD_CHANNEL, "
        "CMRD_ALARM, CMRD_ACTION (raised|cleared), CMRD_HUM_DBFS, CMRD_CM_HUM_DBFS, "
        "CMRD_CMRR_DB, CMRD_CMRR_KIND, CMRD_MAINS_HZ, CMRD_SYMMETRY, CMRD_VALUE, CMRD_SEQUENCE "
        "and CMRD_TIME (ISO 8601) set, or unset when unknown. Alarms already active at start "
        "run no hook.\n"
        "Exit status: 0 (stopped by a signal), 3 (cmrd not running at start, or the bus "
        "connection lost), 1 (anything else).");
    command->add_flag("--json", options->json, "Print one JSON object per line");
    command->add_option("--on-alarm", options->on_alarm, "Run CMD whenever an alarm is raised")
        ->type_name("CMD");
    command->add_option("--on-clear", options->on_clear, "Run CMD whenever an alarm clears")
        ->type_name("CMD");
    client::add_bus_option(*command, options->bus);
    command->callback([options, &exit_status] {
        exit_status = client::run_reporting_errors("watch", [&] { return Watch(*options).run(); });
    });
}

} // namespace cmrctl
