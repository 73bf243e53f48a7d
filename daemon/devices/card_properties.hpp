// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_properties.hpp
/// Reading a sound card's udev device into a CardInfo, and the small rules that go with it:
/// which devices of the `sound` subsystem are cards, and when udev is done with one.

#include <optional>
#include <string_view>

#include <libudev.h>

#include "devices/card_info.hpp"

namespace cmrd::devices {

/// The ALSA card index in a card's sysname: 1 for "card1". Empty for anything that is not
/// exactly "card" followed by decimal digits (controlC1, pcmC1D0c, card, cardX, ...).
[[nodiscard]] std::optional<int> card_number_from_sysname(std::string_view sysname);

/// True for the `cardN` devices of the sound subsystem (the card itself, not its control,
/// PCM, MIDI or timer children).
[[nodiscard]] inline bool is_card_sysname(std::string_view sysname)
{
    return card_number_from_sysname(sysname).has_value();
}

/// True once udev has processed the card completely: 78-sound-card.rules sets
/// SOUND_INITIALIZED on the card's `change` event, which udev relays only after every child
/// device (control, PCMs) has been set up, so the card's nodes exist with their permissions.
[[nodiscard]] bool sound_initialized(udev_device& card);

/// The card's identity and CMRD_* properties as udev describes them now: the `id` sysfs
/// attribute, the index from the sysname, ID_SERIAL, ID_PATH, a model name
/// (ID_MODEL_FROM_DATABASE, else ID_MODEL, else the id) and CMRD_MONITOR, CMRD_IGNORE ("1"
/// means yes, anything else no), CMRD_CHANNELS and CMRD_PCM. Missing values stay empty.
/// @pre is_card_sysname() holds for the device's sysname.
[[nodiscard]] CardInfo card_info_from_device(udev_device& card);

/// True when @p a and @p b carry the same CMRD_* properties (what udev rules tell cmrd).
[[nodiscard]] bool same_cmrd_properties(const CardInfo& a, const CardInfo& b);

} // namespace cmrd::devices
