// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file feed_manager.hpp
/// The cards the agent captures for cmrd through the user's sound server (cmrd's WantedFeeds):
/// for each, a feed from the server that drives the card, attached to cmrd, with its warning
/// kept current there.
///
/// Which server: a card JACK reserves ("Jack audio server") is captured through JACK, every
/// other card through PipeWire (the Audio/Source node whose api.alsa.pcm.card is the card).
/// A feed that ends (node removed, server stopped or restarted, cmrd refusing it) is dropped;
/// cmrd shows the device as waiting meanwhile, and the manager tries again after a pause. The
/// connection to PipeWire is made only while some card needs it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "card_feed.hpp"
#include "event_loop.hpp"
#include "pipewire_connection.hpp"
#include "reservation_watch.hpp"

namespace cmrdagent {

/// How the manager reaches cmrd (AgentManager.AttachFeed and ReportFeed). Both throw
/// (sdbus::Error) when cmrd refuses.
struct FeedSink {
    std::function<void(int card, const FeedWriter& writer, const std::string& source)> attach;
    std::function<void(int card, const std::string& warning)> report;
};

class FeedManager {
public:
    /// @p jack_server: the JACK server to join ("" for the default). Feeds and servers
    /// changing are events of @p loop: its owner calls sync() after each dispatch.
    FeedManager(cmrd::common::EventLoop& loop, std::string jack_server, FeedSink sink);
    ~FeedManager();
    FeedManager(const FeedManager&) = delete;
    FeedManager& operator=(const FeedManager&) = delete;

    /// Brings the feeds in line with @p wanted (cmrd's WantedFeeds) and @p owners (who
    /// reserves each card): drops ended and unwanted feeds, starts missing ones, attaches new
    /// writers and reports changed warnings.
    void sync(const std::vector<int>& wanted, const std::map<int, CardOwner>& owners);
    /// Drops every feed (cmrd went away: a new cmrd gets new rings).
    void clear();

private:
    struct Entry {
        std::unique_ptr<CardFeed> feed;
        bool through_pipewire = false;
        std::uint64_t attached_generation = 0;
        /// What cmrd shows for the feed now (a new feed starts with none).
        std::string reported_warning;
    };

    void drop_ended(const std::vector<int>& wanted);
    void start(int card, const std::map<int, CardOwner>& owners);
    void attach(int card, Entry& entry);
    /// Says @p problem for @p card once (until it changes).
    void note(int card, const std::string& problem);
    /// note(), and waits a while before trying the card again.
    void failed(int card, const std::string& problem);

    cmrd::common::EventLoop& loop_;
    std::string jack_server_;
    FeedSink sink_;
    std::unique_ptr<PipeWireConnection> pipewire_;
    std::map<int, Entry> feeds_;
    std::map<int, std::chrono::steady_clock::time_point> retry_at_;
    std::map<int, std::string> last_problem_;
    cmrd::common::Timer retry_;
};

/// The reservation's application name JACK2 uses (dbus/audio_reserve.c).
inline constexpr const char* jack_application = "Jack audio server";

} // namespace cmrdagent
