// SPDX-License-Identifier: GPL-2.0-or-later
#include "devices/card_properties.hpp"

#include <charconv>
#include <string>

namespace cmrd::devices {
namespace {

constexpr std::string_view card_prefix = "card";

/// libudev returns null for an absent property or attribute; an empty string says the same.
std::string text_or_empty(const char* value)
{
    return value != nullptr ? std::string(value) : std::string();
}

std::string property(udev_device& device, const char* key)
{
    return text_or_empty(udev_device_get_property_value(&device, key));
}

bool property_is_one(udev_device& device, const char* key)
{
    return property(device, key) == "1";
}

} // namespace

std::optional<int> card_number_from_sysname(std::string_view sysname)
{
    if (!sysname.starts_with(card_prefix))
        return std::nullopt;
    const std::string_view digits = sysname.substr(card_prefix.size());
    int number = -1;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        number < 0)
        return std::nullopt;
    return number;
}

bool sound_initialized(udev_device& card)
{
    // 78-sound-card.rules writes "1"; any non-empty value means the rule ran.
    return !property(card, "SOUND_INITIALIZED").empty();
}

CardInfo card_info_from_device(udev_device& card)
{
    CardInfo info;
    info.syspath = text_or_empty(udev_device_get_syspath(&card));
    info.sysname = text_or_empty(udev_device_get_sysname(&card));
    info.number = card_number_from_sysname(info.sysname).value_or(-1);
    info.id = text_or_empty(udev_device_get_sysattr_value(&card, "id"));
    info.serial = property(card, "ID_SERIAL");
    info.path = property(card, "ID_PATH");
    info.model = property(card, "ID_MODEL_FROM_DATABASE");
    if (info.model.empty())
        info.model = property(card, "ID_MODEL");
    if (info.model.empty())
        info.model = info.id;
    info.monitor = property_is_one(card, "CMRD_MONITOR");
    info.ignore = property_is_one(card, "CMRD_IGNORE");
    info.channels = property(card, "CMRD_CHANNELS");
    info.pcm = property(card, "CMRD_PCM");
    info.access = property(card, "CMRD_ACCESS");
    return info;
}

bool same_cmrd_properties(const CardInfo& a, const CardInfo& b)
{
    return a.monitor == b.monitor && a.ignore == b.ignore && a.channels == b.channels &&
           a.pcm == b.pcm;
}

} // namespace cmrd::devices
