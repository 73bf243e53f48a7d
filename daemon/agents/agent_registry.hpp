// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file agent_registry.hpp
/// What cmrd knows from its per-user agents (cmrd-agent): which cards another application
/// reserved on a user's session bus, and which cards an agent holds the reservation of for
/// cmrd. Plain state, no bus: the D-Bus object (service/agent_object.hpp) checks callers and
/// feeds it; the device manager asks it about each card.
///
/// An agent is untrusted input: every report is bounded (card range, list lengths, name
/// length, agent count) and replaces the agent's previous one, so no agent can grow cmrd's
/// memory or leave stale state behind once it is forgotten.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmrd::agents {

/// ALSA cards are numbered 0 to 31 (SNDRV_CARDS).
inline constexpr int max_card = 31;
inline constexpr std::size_t max_agents = 16;
inline constexpr std::size_t max_entries = 32;
inline constexpr std::size_t max_name_length = 64;
/// The application name of a reservation that gave none (or only control characters).
inline constexpr const char* unnamed_application = "an unnamed application";

/// A card's reservation held by an application other than an agent.
struct Reservation {
    int card = -1;
    std::string application; ///< its ApplicationName, e.g. "WirePlumber"
    std::int32_t priority = 0;
    std::string user; ///< whose session bus it is on (the reporting agent's user)

    bool operator==(const Reservation&) const = default;
};

/// What the agents say about one card.
struct CardView {
    bool any_agent = false;              ///< at least one agent is registered
    std::optional<Reservation> reserved; ///< held by another application (highest priority)
    bool held_for_cmrd = false;          ///< an agent holds the reservation for cmrd

    bool operator==(const CardView&) const = default;
};

/// A report refused as a whole, with the reason.
class ReportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class AgentRegistry {
public:
    /// Registers @p bus_name (the agent's unique name), which runs as @p user. Idempotent.
    /// @throws ReportError when max_agents others are registered.
    void add(const std::string& bus_name, const std::string& user);
    /// Forgets the agent and everything it reported. @return whether it was registered.
    bool remove(const std::string& bus_name);
    [[nodiscard]] bool contains(const std::string& bus_name) const;
    /// The user the agent runs as, nullopt when it is not registered.
    [[nodiscard]] std::optional<std::string> user_of(const std::string& bus_name) const;

    /// Replaces the agent's report. Names are cut to max_name_length and stripped of control
    /// characters. @throws ReportError (the previous report stays) for a card out of range,
    /// too many entries, or an agent that is not registered.
    void update(const std::string& bus_name, std::vector<Reservation> reserved,
                const std::vector<int>& held);
    /// The agent no longer holds @p card for cmrd. @throws ReportError like update().
    void release(const std::string& bus_name, int card);

    [[nodiscard]] CardView view(int card) const;

private:
    struct Agent {
        std::string user;
        std::vector<Reservation> reserved;
        std::set<int> held;
    };
    Agent& registered(const std::string& bus_name);

    std::map<std::string, Agent> agents_;
};

/// @p text cut to @p max_bytes (at a UTF-8 boundary) with control characters removed: safe for
/// a journal line and a bus property.
[[nodiscard]] std::string clean_text(const std::string& text, std::size_t max_bytes);
/// clean_text() for names (max_name_length).
[[nodiscard]] std::string clean_name(const std::string& text);
/// The longest warning an agent may report about a feed.
inline constexpr std::size_t max_warning_length = 512;

} // namespace cmrd::agents
