// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/cmrd_client.hpp"

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
    const std::vector<BusEvent> events =
        translated([this, since_us] { return root_->GetEvents(since_us); });
    std::vector<AlarmChange> out;
    out.reserve(events.size());
    for (const BusEvent& event : events)
        out.push_back(decode_event(event));
    return out;
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
