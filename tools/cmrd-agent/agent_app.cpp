// SPDX-License-Identifier: GPL-2.0-or-later
#include "agent_app.hpp"

#include <algorithm>
#include <csignal>
#include <exception>

#include "cmrd_bus_connection.hpp"
#include "cmrd_bus_names.hpp"
#include "log.hpp"
#include "name_watch.hpp"

namespace cmrdagent {
namespace {

using Clock = std::chrono::steady_clock;

/// How long cmrd may take to close a card an application asks for (the promise to
/// requesters: an answer within a second).
constexpr auto release_timeout = std::chrono::milliseconds(900);
/// Registration refused or failed: tried again after this long.
constexpr auto retry_interval = std::chrono::seconds(5);
/// A card given up to a requester is not taken again for this long, even while its name is
/// free: the requester may wait for the name to be free before taking it (PipeWire does).
constexpr auto grant_expiry = std::chrono::seconds(3);

} // namespace

std::string describe(const Report& report)
{
    std::string text;
    const auto add = [&text](const std::string& part) {
        text += (text.empty() ? "" : "; ") + part;
    };
    for (const auto& entry : report.reserved)
        add("card " + std::to_string(entry.get<0>()) + " reserved by " + entry.get<1>() +
            " (priority " + std::to_string(entry.get<2>()) + ")");
    for (const std::int32_t card : report.held)
        add("holding card " + std::to_string(card) + " for cmrd");
    return text.empty() ? "nothing" : text;
}

AgentManagerProxy::AgentManagerProxy(sdbus::IConnection& bus, std::function<void()> wanted_changed)
    : ProxyInterfaces(bus, cmrd::bus::service_name, cmrd::bus::root_path),
      wanted_changed_(std::move(wanted_changed))
{
    registerProxy();
}

AgentManagerProxy::~AgentManagerProxy()
{
    unregisterProxy();
}

void AgentManagerProxy::release_card(int card, std::chrono::microseconds timeout)
{
    getProxy()
        .callMethod("ReleaseCard")
        .onInterface(cmrd::bus::agent_manager_interface)
        .withTimeout(timeout)
        .withArguments(std::int32_t{card});
}

void AgentManagerProxy::onPropertiesChanged(const std::string& interface_name,
                                            const std::map<std::string, sdbus::Variant>& changed,
                                            const std::vector<std::string>& invalidated)
{
    if (interface_name != cmrd::bus::agent_manager_interface)
        return;
    for (const char* name : {"WantedCards", "WantedFeeds"})
        if (changed.contains(name) ||
            std::find(invalidated.begin(), invalidated.end(), name) != invalidated.end()) {
            wanted_changed_();
            return;
        }
}

AgentApp::AgentApp(const Options& options)
    : signals_(loop_, {SIGTERM, SIGINT},
               [this](int /*signal*/) {
                   cmrd::common::log(LOG_INFO, "stopping");
                   loop_.exit(0);
               }),
      system_bus_(cmrd::bus::connect_bus(options.system_bus)),
      session_bus_(cmrd::bus::connect_bus(options.session_bus))
{
    reservations_ = std::make_unique<ReservationWatch>(*session_bus_);
    cmrd_ = std::make_unique<AgentManagerProxy>(*system_bus_, [this] { wanted_stale_ = true; });
    cmrd_presence_ =
        cmrd::bus::watch_name_owner(*system_bus_, cmrd::bus::service_name, [this](bool present) {
            cmrd::common::log(LOG_INFO, present ? "cmrd appeared" : "cmrd left the bus");
            cmrd_present_ = present;
            registered_ = false; // a new cmrd knows nothing of us
            reported_.reset();
            feeds_->clear(); // nor of our feeds: it gets new rings
            wanted_stale_ = true;
        });
    cmrd_present_ = cmrd::bus::has_owner(*system_bus_, cmrd::bus::service_name);
    system_source_ =
        std::make_unique<cmrd::bus::BusEventSource>(loop_, *system_bus_, "the system bus");
    session_source_ =
        std::make_unique<cmrd::bus::BusEventSource>(loop_, *session_bus_, "the session bus");
    feeds_ = std::make_unique<FeedManager>(
        loop_, options.jack_server,
        FeedSink{
            [this](int card, const FeedWriter& writer, const std::string& source) {
                cmrd_->AttachFeed(card, sdbus::UnixFd(writer.ring_fd()),
                                  sdbus::UnixFd(writer.wakeup_fd()), source);
            },
            [this](int card, const std::string& warning) { cmrd_->ReportFeed(card, warning); }});
    retry_ = cmrd::common::Timer(loop_, [] {}); // reconcile() runs after it
    after_dispatch_ = cmrd::common::PostSource(loop_, [this] { reconcile(); });
    retry_.arm_in(Clock::duration::zero());
}

AgentApp::~AgentApp()
{
    // Give the cards back before leaving; then sources and proxies before their connections.
    holds_.clear();
    feeds_.reset();
    if (registered_) {
        try {
            cmrd_->UnregisterAgent();
        } catch (const sdbus::Error& e) {
            cmrd::common::log(LOG_INFO, "unregistering: " + e.getMessage());
        }
    }
    system_source_.reset();
    session_source_.reset();
    cmrd_.reset();
    reservations_.reset();
}

int AgentApp::run()
{
    cmrd::common::log(LOG_INFO, "following the card reservations of this session for cmrd");
    return loop_.run();
}

bool AgentApp::ensure_registered()
{
    if (registered_)
        return true;
    try {
        cmrd_->RegisterAgent();
        registered_ = true;
        last_problem_.clear();
        cmrd::common::log(LOG_INFO, "registered with cmrd");
        return true;
    } catch (const sdbus::Error& e) {
        const std::string problem = "cmrd refused or failed the registration (" + e.getName() +
                                    ": " + e.getMessage() + "); retrying every " +
                                    std::to_string(retry_interval.count()) + " s";
        if (problem != last_problem_)
            cmrd::common::log(LOG_WARNING, problem);
        last_problem_ = problem;
        retry_.arm_in(retry_interval);
        return false;
    }
}

bool AgentApp::release_to_requester(int card, std::int32_t priority)
{
    cmrd::common::log(LOG_INFO, "an application asks for card " + std::to_string(card) +
                                    " (priority " + std::to_string(priority) +
                                    "): asking cmrd to close it");
    try {
        cmrd_->release_card(card, release_timeout);
        return true;
    } catch (const sdbus::Error& e) {
        if (e.getName() == "org.freedesktop.DBus.Error.ServiceUnknown" ||
            e.getName() == "org.freedesktop.DBus.Error.NameHasNoOwner") {
            // cmrd is not there, so it holds nothing: the card is the requester's.
            return true;
        }
        cmrd::common::log(LOG_WARNING, "cmrd did not confirm closing card " + std::to_string(card) +
                                           " (" + e.getMessage() + "): the request is refused");
        return false;
    } catch (const std::exception& e) {
        cmrd::common::log(LOG_ERR, std::string("ReleaseCard: ") + e.what());
        return false;
    }
}

void AgentApp::update_holds()
{
    const auto now = Clock::now();
    const auto& owners = reservations_->owners();
    const std::string self = session_bus_->getUniqueName();
    for (auto it = holds_.begin(); it != holds_.end();) {
        const int card = it->first;
        const auto owner = owners.find(card);
        const bool taken_over = owner != owners.end() && owner->second.unique_name != self;
        const bool unwanted = std::find(wanted_.begin(), wanted_.end(), card) == wanted_.end();
        if (it->second->granted()) {
            // Granted (the reply has gone out): give the name up for the requester, which
            // either replaces us or waits until the name is free, and leave it alone for a
            // while so as not to snatch it back before the requester takes it.
            cmrd::common::log(LOG_INFO, "card " + std::to_string(card) + " given up");
            hands_off_until_[card] = now + grant_expiry;
            retry_.arm_at(now + grant_expiry);
            it = holds_.erase(it);
        } else if (taken_over || unwanted) {
            it = holds_.erase(it);
        } else {
            ++it;
        }
    }
    std::erase_if(hands_off_until_, [&](const auto& entry) { return entry.second <= now; });
    for (const int card : wanted_) {
        if (holds_.contains(card) || owners.contains(card) || hands_off_until_.contains(card))
            continue;
        std::unique_ptr<CardHold> hold =
            CardHold::try_acquire(*session_bus_, card, [this](int c, std::int32_t priority) {
                return release_to_requester(c, priority);
            });
        if (hold) {
            cmrd::common::log(LOG_INFO, "holding card " + std::to_string(card) + " for cmrd");
            holds_.emplace(card, std::move(hold));
        }
    }
}

Report AgentApp::current_report() const
{
    Report report;
    const std::string self = session_bus_->getUniqueName();
    for (const auto& [card, owner] : reservations_->owners())
        if (owner.unique_name != self)
            report.reserved.emplace_back(card, owner.application, owner.priority);
    for (const auto& [card, hold] : holds_)
        if (!hold->granted())
            report.held.push_back(card);
    return report;
}

void AgentApp::reconcile()
{
    sync_with_cmrd();
    if (ready_sent_)
        return;
    notifier_.ready(cmrd_present_ ? "following this session's card reservations for cmrd"
                                  : "cmrd is not running; waiting for it");
    ready_sent_ = true;
}

void AgentApp::sync_with_cmrd()
{
    if (!cmrd_present_) {
        holds_.clear(); // no one may wait for a cmrd that is not there
        feeds_->clear();
        return;
    }
    if (!ensure_registered())
        return;
    try {
        if (wanted_stale_) {
            const std::vector<std::int32_t> wanted = cmrd_->WantedCards();
            wanted_.assign(wanted.begin(), wanted.end());
            const std::vector<std::int32_t> feeds = cmrd_->WantedFeeds();
            wanted_feeds_.assign(feeds.begin(), feeds.end());
            wanted_stale_ = false;
        }
        feeds_->sync(wanted_feeds_, reservations_->owners());
        update_holds();
        Report report = current_report();
        if (report != reported_) {
            cmrd_->UpdateCards(report.reserved, report.held);
            cmrd::common::log(LOG_INFO, "told cmrd: " + describe(report));
            reported_ = std::move(report);
        }
    } catch (const sdbus::Error& e) {
        // cmrd left in between (its NameOwnerChanged follows) or refused the report.
        cmrd::common::log(LOG_WARNING, "talking to cmrd: " + e.getMessage());
        registered_ = false;
        reported_.reset();
        feeds_->clear();
        retry_.arm_in(retry_interval);
    }
}

} // namespace cmrdagent
