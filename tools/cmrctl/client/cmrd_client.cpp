// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/cmrd_client.hpp"

#include <string>

#include <sdbus-c++/Error.h>

#include "client/cmrd_errors.hpp"
#include "client/root_proxy.hpp"

namespace cmrctl::client {

namespace {
using ManagedObjects = std::map<sdbus::ObjectPath, InterfaceMap>;
} // namespace

CmrdClient::CmrdClient(BusTarget bus)
    : bus_(std::move(bus)), connection_(bus_.connect()),
      root_(std::make_unique<cmrd::client::RootProxy>(*connection_))
{}

CmrdClient::~CmrdClient() = default;

template <typename Call> auto CmrdClient::translated(Call&& call)
{
    try {
        return call();
    } catch (const sdbus::Error& error) {
        throw_translated(error, bus_.description());
    }
}

ObjectTree CmrdClient::read_objects()
{
    ManagedObjects objects = translated([this] { return root_->GetManagedObjects(); });
    ObjectTree tree;
    for (const auto& [path, interfaces] : objects)
        (void)tree.add(path, interfaces);
    return tree;
}

std::vector<AlarmChange> CmrdClient::events_since(std::int64_t since_us)
{
    // Page by page (ListEvents): each answer costs cmrd one bounded page, so reading a long
    // history never holds up its monitoring. The cursor is the last sequence number received.
    std::vector<AlarmChange> out;
    std::uint64_t after = 0;
    for (;;) {
        auto [events, more] =
            translated([this, since_us, after] { return root_->ListEvents(since_us, after, 0); });
        for (const BusEvent& event : events)
            out.push_back(decode_event(event));
        if (!more)
            return out;
        if (events.empty() || events.back().get<0>() <= after)
            throw ProtocolError("ListEvents said more events follow sequence " +
                                std::to_string(after) + " but gave none after it");
        after = events.back().get<0>();
    }
}

std::uint64_t CmrdClient::events_not_stored()
{
    return translated([this] { return root_->EventsNotStored(); });
}

void CmrdClient::reload()
{
    translated([this] { root_->Reload(); });
}

std::string CmrdClient::version()
{
    return translated([this] { return root_->Version(); });
}

std::string CmrdClient::config_file()
{
    return translated([this] { return root_->ConfigFile(); });
}

} // namespace cmrctl::client
