// SPDX-License-Identifier: GPL-2.0-or-later
/// @file measurement.cpp
/// The JSON names of the measurement enums (design.md, "JSON shape of a channel").

#include "cmr/measurement.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace cmr {

namespace {

/// Reached only for a value cast into an enum outside its enumerators: printing some made-up
/// name would put an invalid string into the stable JSON output, so refuse instead.
[[noreturn]] void throw_unknown(const char* type, int value)
{
    throw std::invalid_argument(std::string("to_string: ") + type + " has no enumerator " +
                                std::to_string(value));
}

} // namespace

std::string_view to_string(CmrrKind kind)
{
    switch (kind) {
    case CmrrKind::none:
        return "none";
    case CmrrKind::measured:
        return "measured";
    case CmrrKind::lower_bound:
        return "lower_bound";
    }
    throw_unknown("CmrrKind", static_cast<int>(kind));
}

std::string_view to_string(Symmetry symmetry)
{
    switch (symmetry) {
    case Symmetry::no_signal:
        return "no_signal";
    case Symmetry::symmetric:
        return "symmetric";
    case Symmetry::cold_silent:
        return "cold_silent";
    case Symmetry::hot_silent:
        return "hot_silent";
    case Symmetry::in_phase:
        return "in_phase";
    case Symmetry::uncorrelated:
        return "uncorrelated";
    }
    throw_unknown("Symmetry", static_cast<int>(symmetry));
}

std::string_view to_string(AlarmKind kind)
{
    switch (kind) {
    case AlarmKind::none:
        return "none";
    case AlarmKind::hum:
        return "hum";
    case AlarmKind::ground_loop:
        return "ground_loop";
    case AlarmKind::cmrr_low:
        return "cmrr_low";
    case AlarmKind::wiring:
        return "wiring";
    }
    throw_unknown("AlarmKind", static_cast<int>(kind));
}

} // namespace cmr
