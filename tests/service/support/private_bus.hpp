// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file private_bus.hpp
/// A private dbus-daemon for one test, so that cmrd, the test and outside clients (busctl,
/// gdbus) meet on a bus nobody else uses.
///
/// Two kinds:
/// - session: dbus-daemon's own session configuration (every call allowed between
///   connections of the user who started it). For tests where the policy is not the point.
/// - system_like: the machine's /usr/share/dbus-1/system.conf (type system, EXTERNAL
///   authentication, Debian's default denials of names and method calls, root's extra rights)
///   minus what belongs to the real system bus (its listen address, running as messagebus,
///   forking, pid file, syslog, activation, includes), plus the policy files under test
///   included with <include>, which makes a file that does not parse a fatal error: a bus that
///   starts has accepted them. Any user may connect, so clients can run as other users.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace cmrd::service::testing {

enum class BusKind { session, system_like };

class PrivateBus {
public:
    /// Starts dbus-daemon with its socket and files in @p workdir and waits (up to
    /// @p timeout) for its address. @p policies are only for BusKind::system_like.
    /// @throws std::runtime_error naming what went wrong (with dbus-daemon's messages)
    PrivateBus(BusKind kind, const std::filesystem::path& workdir,
               const std::vector<std::filesystem::path>& policies = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    /// The address to give clients (unix:path=...,guid=...).
    [[nodiscard]] const std::string& address() const { return address_; }
    [[nodiscard]] BusKind kind() const { return kind_; }
    /// What dbus-daemon printed on stderr so far.
    [[nodiscard]] std::string log_text() const;

private:
    BusKind kind_;
    std::filesystem::path log_;
    std::unique_ptr<ChildProcess> daemon_;
    std::string address_;
};

/// The system-like bus configuration (see the file comment) made from @p system_conf, the
/// text of system.conf, listening on @p socket_path. @throws std::runtime_error when
/// @p system_conf is not a system bus configuration with the default denials this rests on.
[[nodiscard]] std::string
system_like_bus_config(const std::string& system_conf, const std::filesystem::path& socket_path,
                       const std::vector<std::filesystem::path>& policies);

} // namespace cmrd::service::testing
