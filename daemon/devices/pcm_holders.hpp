// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file pcm_holders.hpp
/// Who holds a sound card's capture streams, from what the kernel shows in /proc/asound: each
/// open substream's `status` file names its `owner_pid`. The command name and user come from
/// /proc/PID where cmrd may see it (its unit hides other users' processes: ProtectProc=
/// invisible), so a holder may be known by PID alone.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace cmrd::devices {

struct PcmHolder {
    pid_t pid = 0;
    std::string command; ///< /proc/PID/comm, empty when not visible
    std::string user;    ///< the process owner's name (or uid), empty when not visible

    friend bool operator==(const PcmHolder&, const PcmHolder&) = default;
};

/// The `owner_pid` in the text of a substream's status file, nullopt for a closed substream or
/// a text without it (kernels before 4.16 do not write it).
[[nodiscard]] std::optional<pid_t> owner_pid_of_status(std::string_view status_text);

/// The processes holding capture substreams of ALSA card @p card: every
/// @p proc/asound/card<N>/pcm<D>c/sub<S>/status, each PID once, in PID order, this process
/// left out. Empty when none, or when /proc/asound cannot be read.
[[nodiscard]] std::vector<PcmHolder> capture_holders(int card,
                                                     const std::filesystem::path& proc = "/proc");

/// Each as common::process_text() names it ("arecord (PID 1234, alice)"), joined by ", ".
[[nodiscard]] std::string describe_holders(const std::vector<PcmHolder>& holders);

/// Whether process @p pid exists, whoever's it is (kill(pid, 0), which /proc visibility does
/// not limit). A zombie exists until reaped.
[[nodiscard]] bool process_exists(pid_t pid);

/// Whom a device leaves its card to: every process seen holding the card's capture streams
/// when cmrd's open was refused, for as long as it runs, whether or not it still has the card
/// open. A sound server closes a card it suspends and opens it again for the next stream;
/// cmrd must not take it in between (field notes: WirePlumber suspends idle nodes after 5 s).
class CardYield {
public:
    /// @param card the ALSA card index, -1 for a PCM that is not a card's (never yields).
    explicit CardYield(int card, std::filesystem::path proc = "/proc");

    /// Adds whoever holds the card now, forgets those who have ended. @return describe_holders()
    /// of those still running, empty when cmrd may try the card.
    std::string check();

private:
    int card_;
    std::filesystem::path proc_;
    std::vector<PcmHolder> holders_;
};

/// The ALSA card index a PCM name opens directly: hw:N, hw:ID, hw:CARD=ID,DEV=M and the same
/// for plughw. nullopt for other PCMs (plugins, the simulated interface) and unknown cards.
[[nodiscard]] std::optional<int> card_index_of_pcm(const std::string& pcm);

} // namespace cmrd::devices
