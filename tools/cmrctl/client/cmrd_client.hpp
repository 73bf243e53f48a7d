// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_client.hpp
/// A connection to cmrd: its objects, its event log, Reload. Every D-Bus error is translated
/// into the exceptions of cmrd_errors.hpp, so the commands only deal with those.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sdbus-c++/IConnection.h>

#include "client/bus_target.hpp"
#include "client/object_tree.hpp"
#include "client/wire_types.hpp"

namespace cmrd::client {
class RootProxy;
} // namespace cmrd::client

namespace cmrctl::client {

class CmrdClient {
public:
    /// Connects to @p bus. It does not check that cmrd is there: the first call does.
    /// @throws CmrdUnavailable when the bus cannot be reached.
    explicit CmrdClient(BusTarget bus);
    ~CmrdClient();
    CmrdClient(const CmrdClient&) = delete;
    CmrdClient& operator=(const CmrdClient&) = delete;

    [[nodiscard]] const BusTarget& bus() const noexcept { return bus_; }
    /// The connection, for a caller that runs its own event loop over it (watch).
    [[nodiscard]] sdbus::IConnection& connection() noexcept { return *connection_; }

    /// Every Device and Channel object with its properties (ObjectManager.GetManagedObjects).
    /// @throws CmrdUnavailable, CmrdError, ProtocolError.
    [[nodiscard]] ObjectTree read_objects();

    /// The event log from @p since_us (microseconds since the Unix epoch; 0: everything),
    /// oldest first, read page by page (Manager.ListEvents). A jump of sequence numbers
    /// between two events is events cmrd could not store (see sequence_gaps()).
    /// @throws CmrdUnavailable, CmrdError, ProtocolError.
    [[nodiscard]] std::vector<AlarmChange> events_since(std::int64_t since_us);

    /// Alarm events cmrd could not store since it started (Manager.EventsNotStored).
    /// @throws CmrdUnavailable, CmrdError.
    [[nodiscard]] std::uint64_t events_not_stored();

    /// Manager.Reload. @throws PermissionDenied, ConfigRejected, CmrdUnavailable, CmrdError.
    void reload();

    /// cmrd's version and configuration file ("" on built-in defaults).
    /// @throws CmrdUnavailable, CmrdError.
    [[nodiscard]] std::string version();
    [[nodiscard]] std::string config_file();

private:
    /// Runs @p call, translating an sdbus::Error into cmrd_errors.hpp's exceptions.
    template <typename Call> auto translated(Call&& call);

    BusTarget bus_;
    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<cmrd::client::RootProxy> root_;
};

} // namespace cmrctl::client
