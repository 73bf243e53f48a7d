// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/cmrd_signals.hpp"

#include <sdbus-c++/Error.h>
#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/Message.h>

#include "client/cmrd_client.hpp"
#include "client/cmrd_errors.hpp"
#include "cmrd_bus_names.hpp"
#include "name_watch.hpp"

namespace cmrctl::client {
namespace {

/// PropertiesChanged of any object in cmrd's tree (one rule instead of a proxy per object).
std::string properties_rule()
{
    return std::string("type='signal',sender='") + cmrd::bus::service_name +
           "',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
           "path_namespace='" +
           cmrd::bus::root_path + "'";
}

} // namespace

template <typename... Args>
std::function<void(Args...)> CmrdSignals::guarded(std::function<void(Args...)> handler)
{
    if (!handler)
        return {};
    return [this, handler = std::move(handler)](Args... args) {
        try {
            handler(args...);
        } catch (...) {
            if (!pending_)
                pending_ = std::current_exception();
        }
    };
}

CmrdSignals::CmrdSignals(CmrdClient& client, CmrdSignalHandlers handlers)
{
    sdbus::IConnection& connection = client.connection();
    // Decoding a message can throw too: the whole message handler is guarded.
    using MessageHandler = std::function<void(sdbus::Message&)>;
    try {
        // The bus's own signal first: from here on no restart of cmrd can go unnoticed.
        if (handlers.owner_changed)
            owner_ = cmrd::bus::watch_name_owner(connection, cmrd::bus::service_name,
                                                 guarded(std::move(handlers.owner_changed)));
        if (handlers.properties_changed)
            properties_ = connection.addMatch(
                properties_rule(),
                guarded(MessageHandler(
                    [on_change = std::move(handlers.properties_changed)](sdbus::Message& message) {
                        std::string interface;
                        PropertyMap changed;
                        std::vector<std::string> invalidated;
                        message >> interface >> changed >> invalidated;
                        on_change(message.getPath(), interface, changed, invalidated);
                    })));
        cmrd::client::RootSignalHandlers root;
        root.alarm = guarded(std::move(handlers.alarm));
        root.interfaces_added = guarded(std::move(handlers.interfaces_added));
        root.interfaces_removed = guarded(std::move(handlers.interfaces_removed));
        root_ = std::make_unique<cmrd::client::RootProxy>(connection, std::move(root));
    } catch (const sdbus::Error& error) {
        throw_translated(error, client.bus().description());
    }
}

CmrdSignals::~CmrdSignals() = default;

void CmrdSignals::rethrow_pending()
{
    if (pending_)
        std::rethrow_exception(std::exchange(pending_, nullptr));
}

} // namespace cmrctl::client
