// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file errno_text.hpp
/// Thread-safe text for an errno value (std::strerror may share a static buffer between
/// threads). Allocates: start-up and error paths only.

#include <string>

namespace cmrd::common {

/// The system's description of @p err (a positive errno value).
[[nodiscard]] std::string errno_text(int err);

} // namespace cmrd::common
