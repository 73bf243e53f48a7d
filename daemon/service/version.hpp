// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file version.hpp
/// cmrd's version (the Meson project version, passed in by the build).

#include <string_view>

namespace cmrd::service {

inline constexpr std::string_view version = CMRD_VERSION;

} // namespace cmrd::service
