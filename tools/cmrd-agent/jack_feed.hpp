// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file jack_feed.hpp
/// A card captured through JACK: a JACK client whose inputs are connected to the server's
/// `system:capture_*` ports (the card jackd drives), at the server's rate. JACK has no volumes
/// or remixing between the card and its clients, so the frames are the card's. The process
/// callback only interleaves into the FeedWriter; the server stopping, a rate change and xruns
/// reach cmrd through the ring and the agent's event loop.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <jack/types.h>

#include "card_feed.hpp"
#include "event_loop.hpp"
#include "unique_fd.hpp"

namespace cmrdagent {

class JackFeed final : public CardFeed {
public:
    /// Joins JACK server @p server ("" for the default one, as JACK_DEFAULT_SERVER says) and
    /// connects to every `system:capture_*` port. The server stopping or changing its rate
    /// wakes @p loop (whose owner looks at ended() after each dispatch). @throws
    /// std::runtime_error saying why (no server, no ports).
    JackFeed(cmrd::common::EventLoop& loop, const std::string& server);
    ~JackFeed() override;

    [[nodiscard]] const FeedWriter* writer() const override { return writer_.get(); }
    [[nodiscard]] std::uint64_t generation() const override { return 1; }
    [[nodiscard]] std::string source() const override;
    [[nodiscard]] std::string warning() const override { return {}; }
    [[nodiscard]] std::string ended() const override;

    struct Callbacks;

private:
    friend struct Callbacks;

    std::string server_;
    jack_client_t* client_ = nullptr;
    std::vector<jack_port_t*> ports_;
    std::unique_ptr<FeedWriter> writer_;
    /// Interleaved frames, made at start-up for the largest chunk the callback writes at once.
    std::vector<float> interleaved_;
    cmrd::common::UniqueFd wake_;
    cmrd::common::IoSource wake_watch_;
    /// Set by JACK's threads, read on the loop.
    std::atomic<bool> shut_down_{false};
    std::atomic<bool> rate_changed_{false};
    std::array<char, 128> shutdown_reason_{};
};

} // namespace cmrdagent
