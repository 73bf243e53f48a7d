// SPDX-License-Identifier: GPL-2.0-or-later
#include "agents/agent_registry.hpp"

#include <algorithm>

namespace cmrd::agents {
namespace {

void check_card(int card)
{
    if (card < 0 || card > max_card)
        throw ReportError("card " + std::to_string(card) + " is out of range (0 to " +
                          std::to_string(max_card) + ")");
}

} // namespace

std::string clean_name(const std::string& text)
{
    return clean_text(text, max_name_length);
}

std::string clean_text(const std::string& text, std::size_t max_bytes)
{
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            continue;
        out.push_back(c);
    }
    if (out.size() > max_bytes) {
        std::size_t cut = max_bytes;
        // Back up over UTF-8 continuation bytes so that no character is split.
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0U) == 0x80U)
            --cut;
        out.resize(cut);
    }
    return out;
}

void AgentRegistry::add(const std::string& bus_name, const std::string& user)
{
    if (agents_.contains(bus_name))
        return;
    if (agents_.size() >= max_agents)
        throw ReportError("too many agents (" + std::to_string(max_agents) + " registered)");
    agents_[bus_name] = Agent{clean_name(user), {}, {}};
}

bool AgentRegistry::remove(const std::string& bus_name)
{
    return agents_.erase(bus_name) > 0;
}

bool AgentRegistry::contains(const std::string& bus_name) const
{
    return agents_.contains(bus_name);
}

std::optional<std::string> AgentRegistry::user_of(const std::string& bus_name) const
{
    const auto agent = agents_.find(bus_name);
    if (agent == agents_.end())
        return std::nullopt;
    return agent->second.user;
}

AgentRegistry::Agent& AgentRegistry::registered(const std::string& bus_name)
{
    const auto found = agents_.find(bus_name);
    if (found == agents_.end())
        throw ReportError("not a registered agent (call RegisterAgent first)");
    return found->second;
}

void AgentRegistry::update(const std::string& bus_name, std::vector<Reservation> reserved,
                           const std::vector<int>& held)
{
    Agent& agent = registered(bus_name);
    if (reserved.size() > max_entries || held.size() > max_entries)
        throw ReportError("too many entries (at most " + std::to_string(max_entries) + " each)");
    for (Reservation& r : reserved) {
        check_card(r.card);
        r.application = clean_name(r.application);
        if (r.application.empty()) // named on the Device, where "" means no reservation
            r.application = unnamed_application;
        r.user = agent.user;
    }
    for (const int card : held)
        check_card(card);
    agent.reserved = std::move(reserved);
    agent.held = std::set<int>(held.begin(), held.end());
}

void AgentRegistry::release(const std::string& bus_name, int card)
{
    check_card(card);
    registered(bus_name).held.erase(card);
}

CardView AgentRegistry::view(int card) const
{
    CardView view;
    view.any_agent = !agents_.empty();
    for (const auto& [name, agent] : agents_) {
        if (agent.held.contains(card))
            view.held_for_cmrd = true;
        for (const Reservation& r : agent.reserved)
            if (r.card == card && (!view.reserved || r.priority > view.reserved->priority))
                view.reserved = r;
    }
    return view;
}

} // namespace cmrd::agents
