// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file enum_text.hpp
/// libcmr's enumerations from their bus (and JSON) spelling, the inverse of cmr::to_string,
/// and the one policy for what cmrd sends that a client does not understand: ProtocolError.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cmr/measurement.hpp"

namespace cmrd::wire {

/// cmrd sent something this client does not understand (a value of the wrong type, an unknown
/// enumeration value): a newer or broken daemon. Clients report it; none guesses.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// @throws ProtocolError for a spelling cmr::to_string never gives.
[[nodiscard]] cmr::AlarmKind parse_alarm_kind(std::string_view text);
/// "" (what cmrd sends where a figure does not apply) is nullopt.
[[nodiscard]] std::optional<cmr::CmrrKind> parse_cmrr_kind(std::string_view text);
[[nodiscard]] std::optional<cmr::Symmetry> parse_symmetry(std::string_view text);

/// The spelling of an optional enumeration: "" when absent (the bus's spelling of "none").
template <typename Enum> [[nodiscard]] std::string text_of(const std::optional<Enum>& value)
{
    return value ? std::string(cmr::to_string(*value)) : std::string();
}

} // namespace cmrd::wire
