// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file live_json.hpp
/// JSON of the live commands (status, watch, events). Channels are design.md's channel object
/// (channel_json.hpp, the same code as `analyze --json`); devices and alarm changes follow the
/// same rules: every key always present, `null` for what is unknown or does not apply.

#include "channel_json.hpp"
#include "client/wire_types.hpp"

namespace cmrctl::client {

/// design.md's channel object for a live channel (its current alarm included).
[[nodiscard]] Json channel_json(const ChannelState& channel);

/// A device without its channels: `name`, `pcm`, `state`, `sample_rate` (null until
/// configured), `overruns`, `realtime`, then `origin`, `format`, `inputs`, `restarts`,
/// `realtime_detail`, `last_error` (null when none) and `mains_hz`.
[[nodiscard]] Json device_json(const DeviceState& device);

/// device_json() with `"channels": [<channel object>, ...]` added: `status --json`'s entries.
[[nodiscard]] Json device_with_channels_json(const DeviceView& view);

/// An alarm change: `seq`, `time` (ISO 8601 UTC), `device`, `channel` (the id), `alarm`,
/// `action` ("raised"/"cleared"), then the figures `mains_hz`, `hum_dbfs`, `cm_hum_dbfs`,
/// `cmrr_db`, `cmrr_kind`, `symmetry`, `value` (null when cmrd did not know them).
[[nodiscard]] Json alarm_change_json(const AlarmChange& change);

} // namespace cmrctl::client
