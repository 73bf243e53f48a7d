// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file card_nodes.hpp
/// Whether this process may use a card's device nodes yet. The kernel creates the nodes
/// (devtmpfs, root only) before udev gives them their group and ACLs, so for a moment after a
/// card appears a daemon running as its own user may not open them.

#include <string>

namespace cmrd::devices {

/// The card's ALSA control node, the one alsa-lib opens first for `hw:` devices:
/// "/dev/snd/controlC<number>" (alsa-lib hard-codes this directory and name).
[[nodiscard]] std::string control_node_path(int number);

/// 0 when the control node of card @p number exists and this process may read and write it
/// (access(2) with R_OK|W_OK, for the process's user and groups); otherwise the
/// errno value that says why not (ENOENT, EACCES, ...).
[[nodiscard]] int control_node_access_error(int number);

} // namespace cmrd::devices
