// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_watcher.hpp
/// Sound-card discovery with libudev: which cards are there and ready, and when they come and
/// go. The watcher reports every card (the device manager decides which to monitor, from
/// CardInfo and the configuration); it never opens a card.
///
/// Usage, in a poll loop:
/// @code
///   CardWatcher watcher;                         // monitor created and receiving
///   handle(watcher.start());                     // cards already there and ready
///   for (;;) {
///       pollfd p{watcher.fd(), POLLIN, 0};
///       auto wait = watcher.retry_in();          // a card whose nodes are not usable yet
///       poll(&p, 1, wait ? int(wait->count()) : -1);
///       if (p.revents & POLLIN) handle(watcher.process());
///       handle(watcher.process_retries());
///       for (auto& text : watcher.take_errors()) log(text);
///   }
/// @endcode
///
/// A card counts as ready, and is reported `added`, once udev has set SOUND_INITIALIZED on it
/// (see card_properties.hpp) and its control node is accessible to this process. Until then
/// it is reported nothing; a card whose nodes stay inaccessible is retried on a timer and given
/// up after a while, with an error, until udev reports a change on it.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "devices/card_info.hpp"
#include "devices/udev_handles.hpp"

namespace cmrd::devices {

/// How a card whose nodes are not accessible yet is retried.
struct CardRetryTiming {
    /// Pause between two accessibility checks of the same card.
    std::chrono::milliseconds interval{100};
    /// After this long without success the card is given up (with an error) until udev
    /// sends another event for it.
    std::chrono::milliseconds give_up_after{5000};
};

class CardWatcher {
public:
    /// Creates the udev context and a monitor on the `sound` subsystem, and enables
    /// receiving, so that every event from now on is queued; start() enumerates afterwards,
    /// so no card can slip between the enumeration and the first event.
    /// @throws std::system_error naming the libudev call that failed.
    explicit CardWatcher(CardRetryTiming timing = {});
    ~CardWatcher();
    CardWatcher(const CardWatcher&) = delete;
    CardWatcher& operator=(const CardWatcher&) = delete;

    /// Enumerates the cards present now and returns the ready ones as `added`. Cards that are
    /// not ready are reported later by process() or process_retries(). Call once, after the
    /// constructor; events queued meanwhile for cards already reported add nothing.
    /// @throws std::system_error when the enumeration itself fails.
    std::vector<CardEvent> start();

    /// Brings the watcher back in line with what udev shows now, as start() does: a card
    /// reported but gone is `removed`, a ready card not reported is `added`, a card whose
    /// CMRD_* properties changed is `removed` then `added`. Used by process() when the
    /// monitor lost events (its socket buffer overflowed); harmless at any time.
    /// @throws std::system_error when the enumeration itself fails.
    std::vector<CardEvent> resynchronise();

    /// The monitor's socket: poll it for POLLIN and call process() when readable.
    [[nodiscard]] int fd() const noexcept;

    /// Reads every queued udev event without blocking and returns what they mean for cards:
    /// `added` when a card becomes ready, `removed` when a reported card goes, `removed` then
    /// `added` when a `change` alters a reported card's CMRD_* properties (an administrator
    /// edited the rules and ran `udevadm trigger`). Events of other sound devices (controlC*,
    /// pcmC*D*, ...) are ignored. A failed receive is recorded for take_errors(); a lost-events
    /// overflow also triggers resynchronise().
    std::vector<CardEvent> process();

    /// How long until process_retries() has work, rounded up to whole milliseconds (0 when
    /// overdue); empty when no card is waiting for its nodes.
    [[nodiscard]] std::optional<std::chrono::milliseconds> retry_in() const;

    /// Checks again the cards whose retry time has come: returns those now accessible as
    /// `added`; gives up those past CardRetryTiming::give_up_after, recording an error.
    std::vector<CardEvent> process_retries();

    /// Problems the daemon should log (lost or unreadable udev events, cards given up), oldest
    /// first, since the last call. Each is one line naming the card or the call.
    [[nodiscard]] std::vector<std::string> take_errors();

private:
    using Clock = std::chrono::steady_clock;

    /// A card the watcher knows about: reported `added`, or ready but for its nodes.
    struct TrackedCard {
        CardInfo info;
        bool reported = false;
        Clock::time_point next_check{}; ///< while not reported: when to check the nodes again
        Clock::time_point give_up_at{}; ///< while not reported: when to stop trying
        int last_access_error = 0;      ///< while not reported: why the last check failed
    };

    void on_present(udev_device& card, std::vector<CardEvent>& events);
    void on_removed(const std::string& syspath, std::vector<CardEvent>& events);
    void start_tracking(CardInfo info, std::vector<CardEvent>& events);
    void check_nodes(TrackedCard& card, std::vector<CardEvent>& events);
    std::vector<UdevDevice> enumerate_cards();
    void discard_queued_events();

    CardRetryTiming timing_;
    UdevContext udev_;
    UdevMonitor monitor_;
    std::map<std::string, TrackedCard> cards_; ///< by syspath
    std::vector<std::string> errors_;
};

} // namespace cmrd::devices
