// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_info.hpp
/// What cmrd knows about a sound card from udev: identity (for matching config entries and
/// naming the device) and the CMRD_* properties set by udev rules (udev/80-cmrd.rules).

#include <string>

namespace cmrd::devices {

/// One sound card as udev describes it (the `cardN` device of the `sound` subsystem).
struct CardInfo {
    std::string syspath; ///< /sys/devices/.../sound/card1 (the key while the card exists)
    std::string sysname; ///< card1
    int number = -1;     ///< ALSA card index (1 for card1); not stable across boots
    std::string id;      ///< ALSA card id (sysfs attribute `id`, e.g. "UMC1820"); stable
    std::string serial;  ///< ID_SERIAL (USB interfaces), empty if none
    std::string path;    ///< ID_PATH (bus position), empty if none
    std::string model;   ///< a human name: ID_MODEL_FROM_DATABASE, ID_MODEL or the id

    bool monitor = false; ///< CMRD_MONITOR=1: udev rules ask cmrd to monitor this card
    bool ignore = false;  ///< CMRD_IGNORE=1: never monitor, whatever else says so
    std::string channels; ///< CMRD_CHANNELS: layout string (design.md), empty if unset
    std::string pcm;      ///< CMRD_PCM: ALSA PCM to open instead of hw:CARD=<id>,DEV=0
    std::string access;   ///< CMRD_ACCESS: "auto", "exclusive", "yield" or "shared"; empty if unset
};

/// A card appearing (ready: SOUND_INITIALIZED set, nodes accessible) or going away.
enum class CardAction { added, removed };

struct CardEvent {
    CardAction action = CardAction::added;
    CardInfo card; ///< for `removed`, at least syspath and sysname are filled in
};

} // namespace cmrd::devices
