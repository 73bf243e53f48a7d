// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file capture_config.hpp
/// Everything a capture engine needs to know about one device.

#include <memory>
#include <optional>
#include <string>

#include "cmr/analyzer.hpp"
#include "cmr/layout.hpp"

#include "capture/access_mode.hpp"
#include "capture/capture_state.hpp"
#include "capture/realtime_scheduling.hpp"
#include "capture/server_feed.hpp"

namespace cmrd::capture {

/// The ALSA PCM a card is captured from by default: its first hardware device, by card id
/// (stable across reboots, unlike the index).
[[nodiscard]] std::string default_pcm_name(const std::string& card_id);

/// The engine must not open the card for now: it waits in @p state (`shared` or `busy`) with
/// @p reason as its error until it is stopped. The daemon sets it from what the per-user agents
/// report (agents/card_access.hpp) and restarts the engine when that changes.
struct Standby {
    CaptureState state = CaptureState::shared;
    std::string reason;

    bool operator==(const Standby&) const = default;
};

/// Configuration of one CaptureEngine.
struct CaptureConfig {
    /// The ALSA PCM to open, e.g. "hw:CARD=UMC1820,DEV=0" (default_pcm_name()). A `hw:` PCM
    /// converts nothing; the engine negotiates what the device offers.
    std::string pcm;

    /// What to measure; empty means default_layout() of the device's channel count. Inputs are
    /// checked against the negotiated channel count when the device is opened.
    cmr::Layout layout;

    /// Wanted sample rate; the nearest the device supports is taken (no resampling).
    unsigned rate = 48000;
    /// Channels to capture; 0 means all the device offers (its maximum), which is what `hw:`
    /// devices of multichannel interfaces require anyway.
    int channels = 0;
    /// Wanted period (wake-up interval), microseconds; the nearest the device supports is taken.
    unsigned period_us = 5000;
    /// Wanted ALSA ring-buffer length, microseconds (nearest supported). The capture thread
    /// only copies frames out of it, but a thread at a low real-time priority can be kept
    /// waiting by the sound server's and the DAW's, so the default is generous (latency does
    /// not matter for monitoring).
    unsigned buffer_us = 200000;
    /// Length of the ring between the capture thread and the analysis worker, milliseconds (at
    /// least one ALSA buffer is used): how far the analysis may fall behind, e.g. while the
    /// machine is busy, before blocks are dropped and counted as worker overruns.
    unsigned ring_ms = 3000;
    /// Try MMAP_INTERLEAVED access first (no copy through alsa-lib); false: read/write only.
    bool allow_mmap = true;

    /// Real-time scheduling of the capture thread.
    RealtimeRequest realtime;

    /// No frames for this long (while the stream should be running) is a stall: reported, and
    /// the stream is restarted every time the timeout passes again.
    unsigned stall_timeout_ms = 2000;
    /// Longest wait in poll(): how quickly stalls, state changes and stop() are noticed.
    unsigned poll_timeout_ms = 100;

    /// Whether and when the engine may open the card (cmrd.toml `access`).
    AccessMode access = AccessMode::automatic;
    /// Set: do not open the card at all for now (see Standby).
    std::optional<Standby> standby;
    /// Set: the card's frames come from its sound server through cmrd-agent (server_feed.hpp);
    /// the engine reads them and never opens the card, whatever `standby` says. Shared by the
    /// engines a device starts one after another (one reads at a time).
    std::shared_ptr<ServerFeed> feed;

    /// The ALSA card index of the PCM's card (udev's number), -1 to resolve it from a hw: or
    /// plughw: name when the engine starts. Where the engine learns who holds a busy card, to
    /// leave it to them while they run (devices::CardYield); a PCM of no card never yields.
    int card_index = -1;

    /// Back-off while the device is busy (another program holds it): first delay, doubling up
    /// to the maximum.
    unsigned busy_retry_initial_ms = 500;
    unsigned busy_retry_max_ms = 8000;
    /// A busy retry also happens at once when a capture device node in this directory is
    /// closed, created or removed (the holder let go, or the card came back). Empty: back-off
    /// only.
    std::string device_dir = "/dev/snd";

    /// Analysis settings (mains mode, harmonics, hops). Sample rate, input count and layout are
    /// filled in from the device.
    cmr::AnalyzerConfig analysis;
};

/// The ALSA card @p config's PCM belongs to: card_index when known, else resolved from a hw: or
/// plughw: name (the card must exist); -1 for a PCM of no card (a plugin).
[[nodiscard]] int card_of(const CaptureConfig& config);

} // namespace cmrd::capture
