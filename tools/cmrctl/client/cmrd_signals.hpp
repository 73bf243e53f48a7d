// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_signals.hpp
/// Subscriptions to everything cmrd announces, for a live view: AlarmRaised/AlarmCleared,
/// InterfacesAdded/InterfacesRemoved, PropertiesChanged of every Device and Channel object,
/// and the bus's NameOwnerChanged for org.cmrd.Monitor1 (cmrd stopping and starting). The
/// match rules name org.cmrd.Monitor1 as sender, so the bus keeps delivering the signals of
/// whichever process owns the name: a restarted cmrd needs no new subscription.
///
/// The handlers run inside sdbus-c++'s dispatch (IConnection::processPendingRequest() in the
/// caller's loop); an exception they throw is kept and rethrown by rethrow_pending(), never
/// let through sd-bus's C code.

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <sdbus-c++/TypeTraits.h>

#include "client/root_proxy.hpp"
#include "client/wire_types.hpp"

namespace cmrctl::client {

class CmrdClient;

struct CmrdSignalHandlers {
    /// AlarmRaised (raised true) and AlarmCleared: channel object path, alarm, figures.
    std::function<void(const std::string&, const std::string&, const PropertyMap&, bool)> alarm;
    std::function<void(const std::string&, const InterfaceMap&)> interfaces_added;
    std::function<void(const std::string&, const std::vector<std::string>&)> interfaces_removed;
    /// PropertiesChanged: object path, interface, changed values, invalidated names.
    std::function<void(const std::string&, const std::string&, const PropertyMap&,
                       const std::vector<std::string>&)>
        properties_changed;
    /// org.cmrd.Monitor1 got an owner (true: cmrd started) or lost it (false: cmrd stopped).
    std::function<void(bool)> owner_changed;
};

class CmrdSignals {
public:
    /// Subscribes on @p client's connection. @throws CmrdUnavailable, CmrdError.
    CmrdSignals(CmrdClient& client, CmrdSignalHandlers handlers);
    ~CmrdSignals();
    CmrdSignals(const CmrdSignals&) = delete;
    CmrdSignals& operator=(const CmrdSignals&) = delete;

    /// Rethrows the first exception a handler threw since the last call, if any.
    void rethrow_pending();

private:
    /// @p handler wrapped so that an exception is stored instead of thrown.
    template <typename... Args>
    std::function<void(Args...)> guarded(std::function<void(Args...)> handler);

    std::exception_ptr pending_;
    std::unique_ptr<cmrd::client::RootProxy> root_;
    sdbus::Slot properties_;
    sdbus::Slot owner_;
};

} // namespace cmrctl::client
