// SPDX-License-Identifier: GPL-2.0-or-later
#include "wire/enum_text.hpp"

#include <array>

namespace cmrd::wire {
namespace {

/// The enumerator of @p candidates whose libcmr spelling is @p text.
template <typename Enum, std::size_t N>
std::optional<Enum> find_spelling(std::string_view text, const std::array<Enum, N>& candidates)
{
    for (const Enum candidate : candidates)
        if (cmr::to_string(candidate) == text)
            return candidate;
    return std::nullopt;
}

} // namespace

cmr::AlarmKind parse_alarm_kind(std::string_view text)
{
    using K = cmr::AlarmKind;
    if (const auto kind = find_spelling(
            text, std::array{K::none, K::hum, K::ground_loop, K::cmrr_low, K::wiring}))
        return *kind;
    throw ProtocolError("cmrd sent an unknown alarm kind '" + std::string(text) + "'");
}

std::optional<cmr::CmrrKind> parse_cmrr_kind(std::string_view text)
{
    using K = cmr::CmrrKind;
    if (text.empty())
        return std::nullopt;
    if (const auto kind = find_spelling(text, std::array{K::none, K::measured, K::lower_bound}))
        return *kind;
    throw ProtocolError("cmrd sent an unknown CMRR kind '" + std::string(text) + "'");
}

std::optional<cmr::Symmetry> parse_symmetry(std::string_view text)
{
    using S = cmr::Symmetry;
    if (text.empty())
        return std::nullopt;
    if (const auto symmetry =
            find_spelling(text, std::array{S::no_signal, S::symmetric, S::cold_silent,
                                           S::hot_silent, S::in_phase, S::uncorrelated}))
        return *symmetry;
    throw ProtocolError("cmrd sent an unknown symmetry '" + std::string(text) + "'");
}

} // namespace cmrd::wire
