// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/access_mode.hpp"

#include <array>

namespace cmrd::capture {

std::string_view to_string(AccessMode mode) noexcept
{
    switch (mode) {
    case AccessMode::automatic:
        return "auto";
    case AccessMode::exclusive:
        return "exclusive";
    case AccessMode::yield:
        return "yield";
    case AccessMode::shared:
        return "shared";
    }
    return "auto";
}

std::optional<AccessMode> parse_access_mode(std::string_view text) noexcept
{
    for (const AccessMode mode : std::array{AccessMode::automatic, AccessMode::exclusive,
                                            AccessMode::yield, AccessMode::shared})
        if (to_string(mode) == text)
            return mode;
    return std::nullopt;
}

} // namespace cmrd::capture
