// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/event_dict.hpp"

#include <cmath>

namespace cmrd::service {
namespace {

void put(FiguresDict& dict, const char* key, std::optional<double> value)
{
    if (value && std::isfinite(*value))
        dict.emplace(key, sdbus::Variant(*value));
}

void put(FiguresDict& dict, const char* key, const std::string& value)
{
    if (!value.empty())
        dict.emplace(key, sdbus::Variant(value));
}

} // namespace

FiguresDict figures_dict(const events::Event& event)
{
    FiguresDict dict;
    dict.emplace("device", sdbus::Variant(event.device));
    dict.emplace("channel", sdbus::Variant(event.channel));
    dict.emplace("sequence", sdbus::Variant(event.sequence));
    dict.emplace("time_us", sdbus::Variant(event.time_us));
    events::visit_figures(event.figures,
                          [&dict](const char* key, const auto& value) { put(dict, key, value); });
    return dict;
}

BusEvent bus_event(const events::Event& event)
{
    return BusEvent(event.sequence, event.time_us, event.device, event.channel,
                    std::string(cmr::to_string(event.alarm)),
                    event.raised ? std::string("raised") : std::string("cleared"),
                    figures_dict(event));
}

} // namespace cmrd::service
