// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file fault_control.hpp
/// The fault-injection commands of the simulated interface (the `cmrsim` ALSA plugin) and the
/// tiny writer tests use to send them. The plugin reads its control file (ALSA config key
/// `control`) while it runs; each line is one command (blank lines and `#` comments are
/// ignored):
///
/// | command      | effect on a running stream                                             |
/// |--------------|------------------------------------------------------------------------|
/// | `overrun`    | once: the next hardware-pointer query reports an xrun (`-EPIPE`)         |
/// | `stall`      | the hardware pointer stops and poll stops waking, until `resume`         |
/// | `resume`     | ends a stall; also clears `disconnect` and `busy` for later opens        |
/// | `disconnect` | the PCM becomes SND_PCM_STATE_DISCONNECTED: calls fail with `-ENODEV`;   |
/// |              | later opens fail with `-ENODEV` until `resume`                          |
/// | `busy`       | later opens fail with `-EBUSY` until `resume` (open streams carry on)    |
/// | `suspend`    | once: a prepared or running PCM becomes SND_PCM_STATE_SUSPENDED (system  |
/// |              | suspend): waits, reads fail with `-ESTRPIPE`; snd_pcm_resume() wakes it  |
/// |              | in its former state, position and source continuing; prepare also works |
/// | `hang`       | once: the plugin call that reads it blocks the calling thread for        |
/// |              | hang_seconds (a driver stuck in the kernel), to test watchdogs           |
///
/// Commands are meant to be appended (one line each, see append_fault()); the plugin executes
/// every new line once, in order. A file that is rewritten rather than appended to (its content
/// no longer starts with what the plugin has already read, or it changed without growing) is
/// read again from the start. Lines already in the file when a PCM is opened are history: they
/// set the persistent state (stall, disconnect, busy) but do not replay an `overrun` or a
/// `suspend`.

#include <filesystem>
#include <optional>
#include <string_view>

namespace cmr::sim {

/// A fault-injection command (see the table above).
enum class Fault { overrun, stall, resume, disconnect, busy, suspend, hang };

/// How long `hang` blocks the reader's thread.
inline constexpr int hang_seconds = 10;

/// The command word of @p fault, e.g. "overrun".
[[nodiscard]] std::string_view to_string(Fault fault);

/// Parses one control-file line: leading and trailing blanks are ignored. Returns nothing for
/// a blank line, a comment or an unknown word (check with is_blank_or_comment()).
[[nodiscard]] std::optional<Fault> parse_fault(std::string_view line);

/// True for a line that is empty, blank or starts with `#` (after blanks).
[[nodiscard]] bool is_blank_or_comment(std::string_view line);

/// Appends @p fault as one line to the control file @p control (created when missing). The line
/// is written with a single write() on an O_APPEND descriptor, so the plugin never sees half of
/// it.
/// @throws std::system_error when the file cannot be opened or written.
void append_fault(const std::filesystem::path& control, Fault fault);

} // namespace cmr::sim
