// SPDX-License-Identifier: GPL-2.0-or-later
#include "feed_manager.hpp"

#include <algorithm>
#include <exception>

#include "jack_feed.hpp"
#include "log.hpp"
#include "pipewire_feed.hpp"

namespace cmrdagent {
namespace {

using Clock = std::chrono::steady_clock;

/// A feed that ended or could not start is tried again after this long: a server restarting
/// takes a second or two, and trying more often only fills the journal.
constexpr auto retry_pause = std::chrono::seconds(2);

bool contains(const std::vector<int>& cards, int card)
{
    return std::find(cards.begin(), cards.end(), card) != cards.end();
}

} // namespace

FeedManager::FeedManager(cmrd::common::EventLoop& loop, std::string jack_server, FeedSink sink)
    : loop_(loop), jack_server_(std::move(jack_server)), sink_(std::move(sink)),
      retry_(loop, [] {}) // sync() runs after it
{}

FeedManager::~FeedManager()
{
    clear();
}

void FeedManager::clear()
{
    feeds_.clear();
    pipewire_.reset();
    retry_at_.clear();
}

void FeedManager::note(int card, const std::string& problem)
{
    if (last_problem_[card] != problem)
        cmrd::common::log(LOG_WARNING, "card " + std::to_string(card) + ": " + problem);
    last_problem_[card] = problem;
}

void FeedManager::failed(int card, const std::string& problem)
{
    note(card, problem + "; trying again every " + std::to_string(retry_pause.count()) + " s");
    const auto when = Clock::now() + retry_pause;
    retry_at_[card] = when;
    retry_.arm_at(std::min_element(retry_at_.begin(), retry_at_.end(), [](auto& a, auto& b) {
                      return a.second < b.second;
                  })->second);
}

void FeedManager::drop_ended(const std::vector<int>& wanted)
{
    if (pipewire_ && !pipewire_->broken().empty()) {
        const std::string why = pipewire_->broken();
        for (auto it = feeds_.begin(); it != feeds_.end();)
            if (it->second.through_pipewire) {
                failed(it->first, why);
                it = feeds_.erase(it);
            } else {
                ++it;
            }
        pipewire_.reset();
    }
    for (auto it = feeds_.begin(); it != feeds_.end();) {
        const int card = it->first;
        if (!contains(wanted, card)) {
            cmrd::common::log(LOG_INFO, "card " + std::to_string(card) +
                                            ": cmrd no longer wants it through the server");
            it = feeds_.erase(it);
        } else if (const std::string why = it->second.feed->ended(); !why.empty()) {
            failed(card, it->second.feed->source() + ": " + why);
            it = feeds_.erase(it);
        } else {
            ++it;
        }
    }
    const bool pipewire_needed = std::any_of(feeds_.begin(), feeds_.end(), [](const auto& entry) {
        return entry.second.through_pipewire;
    });
    if (!pipewire_needed && std::none_of(wanted.begin(), wanted.end(),
                                         [&](int card) { return !feeds_.contains(card); }))
        pipewire_.reset();
}

void FeedManager::start(int card, const std::map<int, CardOwner>& owners)
{
    const auto owner = owners.find(card);
    const bool jack = owner != owners.end() && owner->second.application == jack_application;
    try {
        Entry entry;
        if (jack) {
            entry.feed = std::make_unique<JackFeed>(loop_, jack_server_);
        } else {
            if (!pipewire_)
                pipewire_ = std::make_unique<PipeWireConnection>(loop_);
            const std::optional<PipeWireNode> node = pipewire_->node_of_card(card);
            if (!node) {
                // Often only not announced yet: the registry fills in after connecting, and
                // the next dispatch brings the manager back here.
                note(card, "PipeWire has no node capturing this card (waiting for one)");
                return;
            }
            entry.feed = std::make_unique<PipeWireFeed>(*pipewire_, *node);
            entry.through_pipewire = true;
        }
        cmrd::common::log(LOG_INFO, "card " + std::to_string(card) + ": capturing through " +
                                        entry.feed->source());
        feeds_.emplace(card, std::move(entry));
    } catch (const std::exception& e) {
        failed(card, e.what());
    }
}

void FeedManager::attach(int card, Entry& entry)
{
    const FeedWriter* writer = entry.feed->writer();
    if (writer != nullptr && entry.attached_generation != entry.feed->generation()) {
        sink_.attach(card, *writer, entry.feed->source());
        entry.attached_generation = entry.feed->generation();
        entry.reported_warning.clear(); // a new feed starts without one on cmrd's side
        last_problem_.erase(card);
        cmrd::common::log(LOG_INFO, "card " + std::to_string(card) + ": " +
                                        std::to_string(writer->format().channels) + " inputs at " +
                                        std::to_string(writer->format().rate) +
                                        " Hz handed to cmrd");
    }
    if (entry.attached_generation == 0)
        return;
    const std::string warning = entry.feed->warning();
    if (warning == entry.reported_warning)
        return;
    sink_.report(card, warning);
    if (!warning.empty())
        cmrd::common::log(LOG_WARNING, "card " + std::to_string(card) + ": " + warning);
    else
        cmrd::common::log(LOG_INFO,
                          "card " + std::to_string(card) + ": the server's path is clean again");
    entry.reported_warning = warning;
}

void FeedManager::sync(const std::vector<int>& wanted, const std::map<int, CardOwner>& owners)
{
    drop_ended(wanted);
    const auto now = Clock::now();
    std::erase_if(retry_at_, [&](const auto& entry) { return entry.second <= now; });
    for (const int card : wanted)
        if (!feeds_.contains(card) && !retry_at_.contains(card))
            start(card, owners);
    for (auto it = feeds_.begin(); it != feeds_.end();) {
        try {
            attach(it->first, it->second);
            ++it;
        } catch (const std::exception& e) {
            failed(it->first, std::string("cmrd refused the feed: ") + e.what());
            it = feeds_.erase(it);
        }
    }
}

} // namespace cmrdagent
