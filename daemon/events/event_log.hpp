// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file event_log.hpp
/// The alarm event log under the state directory (default /var/lib/cmrd): JSON lines (see
/// event_codec.hpp), append-only, durable and bounded.
///
/// - Durable: each event is one write(2) of its whole line on an O_APPEND descriptor followed
///   by fdatasync(2), so an append that returned is on disk, and a `kill -9` or power loss can
///   at worst leave the line being written incomplete. Opening the log cuts such a torn last
///   line away (and says so in warnings()); a malformed line elsewhere is skipped with a
///   warning naming file and line, never fatal.
/// - Bounded: when the current file (events.jsonl) would grow past max_bytes / 2 it is renamed
///   over the previous one (events.jsonl.1, an atomic rename) and a new file is started, so
///   the two files never hold more than max_bytes and the newest events are kept. (After
///   max_bytes is lowered, files written under the old limit go within two rotations.)
/// - Sequence numbers increase by one per event and continue across restarts.
/// - One process at a time: the directory is locked (flock) while a log is open.
///
/// Thread-safe: append() and query() may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <limits>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "events/event.hpp"
#include "unique_fd.hpp"

namespace cmrd::events {

/// Which stored events to return (EventLog::query): all conditions hold.
struct EventQuery {
    /// Only events with time_us >= since_us.
    std::int64_t since_us = std::numeric_limits<std::int64_t>::min();
    /// Only events with a sequence number above this (the cursor of a paging client: the last
    /// sequence number it has).
    std::uint64_t after_sequence = 0;
    /// At most this many events.
    std::size_t limit = std::numeric_limits<std::size_t>::max();
    /// Which end of the matching events a limited answer keeps: the oldest (paging forward
    /// from a cursor) or the newest (the recent history).
    enum class Keep { oldest, newest } keep = Keep::oldest;
};

/// What a query found.
struct EventPage {
    /// Oldest first.
    std::vector<Event> events;
    /// More events matched than the limit let through (after the last one returned when the
    /// oldest were kept, before the first when the newest were).
    bool more = false;
};

/// An event the log could not store (a full disk, an I/O error). It was numbered all the same:
/// the number is used up, so the history shows the gap as a jump of sequence numbers, and the
/// event (its signal and journal entry) can still carry it.
class EventNotStored : public std::system_error {
public:
    EventNotStored(const std::system_error& cause, Event event)
        : std::system_error(cause), event_(std::move(event))
    {}
    /// The event as numbered and timed by the log.
    [[nodiscard]] const Event& event() const noexcept { return event_; }

private:
    Event event_;
};

class EventLog {
public:
    /// Name of the file appended to, in the log's directory.
    static constexpr const char* current_file_name = "events.jsonl";
    /// Name of the previous file, replaced at each rotation.
    static constexpr const char* rotated_file_name = "events.jsonl.1";
    /// Room for about 14000 events (a line is about 300 bytes).
    static constexpr std::size_t default_max_bytes = std::size_t{4} << 20;
    /// The smallest limit accepted: each file must hold at least a few events.
    static constexpr std::size_t min_max_bytes = 4096;

    /// Opens (creating @p dir, mode 0700, and the current file, mode 0600, if missing) and
    /// reads back the log: restores the sequence number, cuts a torn last line away and keeps
    /// the events of both files in memory. Refuses a directory that is a symbolic link,
    /// belongs to another user or that other users may write to, saying so.
    /// @param max_bytes bound on the two files together (>= min_max_bytes).
    /// @throws std::system_error naming the path when the directory or a file cannot be
    ///         created, read or locked (another process has the log open);
    ///         std::invalid_argument when max_bytes is below min_max_bytes.
    explicit EventLog(std::filesystem::path dir, std::size_t max_bytes = default_max_bytes);

    EventLog(const EventLog&) = delete;
    EventLog& operator=(const EventLog&) = delete;
    EventLog(EventLog&&) = delete;
    EventLog& operator=(EventLog&&) = delete;
    ~EventLog() = default;

    /// Stores an event: assigns its sequence number (the caller's is ignored) and, when
    /// time_us is 0, the current wall-clock time; writes it and flushes it to disk. When it
    /// throws, nothing was stored (a partly written line is cut off again); the log stays
    /// usable.
    /// @return the event as stored.
    /// @throws EventNotStored naming the file and the real errno when writing, flushing or
    ///         rotating fails (the sequence number is used up: a gap in the history);
    ///         std::invalid_argument for alarm kind `none` and std::length_error when the line
    ///         is longer than max_bytes / 2 (rejected before numbering).
    Event append(Event event);

    /// The stored events a query matches, oldest first (in sequence order; the wall clock may
    /// have stepped back between two events), at most its limit. Served from memory: the cost
    /// is a binary search for the cursor, a comparison per later event and a copy per event
    /// returned, never a copy of the whole log.
    [[nodiscard]] EventPage query(const EventQuery& query) const;

    /// The alarms whose last stored event is a raise, one event each (the raise), oldest
    /// first: what was active when cmrd last stored an event, for it to restore at start.
    [[nodiscard]] std::vector<Event> still_raised() const;

    /// What opening found and repaired: torn last lines cut away, malformed lines skipped
    /// ("<file>:<line>: <reason>"). For the daemon to log; empty when all was well.
    [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

    /// The sequence number the next append will get.
    [[nodiscard]] std::uint64_t next_sequence() const;

    [[nodiscard]] const std::filesystem::path& directory() const { return dir_; }

private:
    /// @throws std::system_error (EPERM) when the directory belongs to another user or others
    ///         may write to it.
    void refuse_foreign_directory() const;
    void open_current_file();
    void rotate();
    void write_line(const std::string& line);
    void cut_back_to_last_line();

    std::filesystem::path dir_;
    std::filesystem::path current_path_;
    std::filesystem::path rotated_path_;
    std::size_t file_limit_; // max_bytes / 2, per file

    mutable std::mutex mutex_;
    common::UniqueFd dir_fd_; // held open: the flock, and fsync after renames
    common::UniqueFd file_fd_;
    std::uintmax_t current_size_ = 0;
    bool size_needs_restoring_ = false; // a failed append could not be cut off yet
    std::deque<Event> events_;          // rotated file's events, then the current file's
    std::size_t rotated_count_ = 0;
    std::uint64_t next_sequence_ = 1;
    std::vector<std::string> warnings_;
};

} // namespace cmrd::events
