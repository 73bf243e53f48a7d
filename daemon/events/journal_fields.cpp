// SPDX-License-Identifier: GPL-2.0-or-later
#include "events/journal_fields.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <type_traits>

#include <syslog.h>

#include "events/event_codec.hpp"
#include "events/event_text.hpp"

namespace cmrd::events {
namespace {

std::string field(std::string_view key, std::string_view value)
{
    std::string text(key);
    text += '=';
    text += value;
    return text;
}

void add_number(std::vector<std::string>& fields, std::string_view key,
                const std::optional<double>& value)
{
    if (!value || !std::isfinite(*value))
        return;
    std::array<char, 32> text{};
    const auto result = std::to_chars(text.data(), text.data() + text.size(), *value);
    fields.push_back(field(key, std::string_view(text.data(), result.ptr - text.data())));
}

void add_text(std::vector<std::string>& fields, std::string_view key, const std::string& value)
{
    if (!value.empty())
        fields.push_back(field(key, value));
}

} // namespace

int event_priority(const Event& event)
{
    return event.raised ? LOG_WARNING : LOG_NOTICE;
}

std::vector<std::string> event_journal_fields(const Event& event)
{
    std::vector<std::string> fields{
        field("MESSAGE", event_sentence(event)),
        field("MESSAGE_ID", event.raised ? message_id_raised : message_id_cleared),
        field("PRIORITY", std::to_string(event_priority(event))),
        field("SYSLOG_IDENTIFIER", syslog_identifier),
        field("CMRD_DEVICE", event.device),
        field("CMRD_CHANNEL", event.channel),
        field("CMRD_ALARM", cmr::to_string(event.alarm)),
        field("CMRD_ACTION", action_name(event.raised)),
        field("CMRD_SEQ", std::to_string(event.sequence)),
        field("CMRD_TIME_US", std::to_string(event.time_us)),
    };
    visit_figures(event.figures, [&fields](const char* key, const auto& value) {
        std::string name = "CMRD_";
        for (const char* c = key; *c != '\0'; ++c)
            name += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>)
            add_text(fields, name, value);
        else
            add_number(fields, name, value);
    });
    return fields;
}

} // namespace cmrd::events
