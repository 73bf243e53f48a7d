// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file access_mode.hpp
/// How cmrd may use a card that a sound server (PipeWire, JACK) may want too: cmrd.toml's
/// `access` and the udev property CMRD_ACCESS. See cmrd.toml(5).

#include <optional>
#include <string_view>

namespace cmrd::capture {

enum class AccessMode {
    /// `auto`: as `yield` (until cmrd learns from the per-user agent which cards a sound server
    /// manages, when such cards become `shared`).
    automatic,
    /// `exclusive`: open the card whenever it is free, for dedicated interfaces and headless
    /// machines; retry at once when a holder closes it.
    exclusive,
    /// `yield`: open the card only while no one else wants it: a process seen holding it is
    /// left the card for as long as it runs, even after it closes it.
    yield,
    /// `shared`: never open the card (capture through the sound server comes later); the
    /// device waits in state `shared`.
    shared,
};

/// "auto", "exclusive", "yield" or "shared".
[[nodiscard]] std::string_view to_string(AccessMode mode) noexcept;

/// The mode named @p text (as to_string() writes it), nullopt for anything else.
[[nodiscard]] std::optional<AccessMode> parse_access_mode(std::string_view text) noexcept;

} // namespace cmrd::capture
