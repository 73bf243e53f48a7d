// SPDX-License-Identifier: GPL-2.0-or-later
#include "events/event_log.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events/event_codec.hpp"
#include "events/log_file_error.hpp"
#include "events/log_file_scan.hpp"

namespace cmrd::events {
namespace {

std::int64_t now_us()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

EventLog::EventLog(std::filesystem::path dir, std::size_t max_bytes)
    : dir_(std::move(dir)), current_path_(dir_ / current_file_name),
      rotated_path_(dir_ / rotated_file_name), file_limit_(max_bytes / 2)
{
    if (max_bytes < min_max_bytes)
        throw std::invalid_argument("event log limit of " + std::to_string(max_bytes) +
                                    " bytes is below the minimum of " +
                                    std::to_string(min_max_bytes));
    std::error_code ec;
    // A directory cmrd makes is its own alone, whatever the umask (#12 finding 4).
    if (std::filesystem::create_directories(dir_, ec) && !ec)
        std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, ec);
    if (ec)
        throw std::system_error(ec, "cannot create event log directory " + dir_.string());
    dir_fd_ =
        common::UniqueFd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (dir_fd_.get() < 0) {
        const int err = errno;
        // With O_DIRECTORY, a link is ENOTDIR rather than ELOOP: look before saying which.
        struct stat link {};
        if (::lstat(dir_.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
            throw log_file_open_error(ELOOP, dir_);
        throw log_file_error(err, "cannot open event log directory", dir_);
    }
    refuse_foreign_directory();
    // The torn-line repair below is only safe with one writer.
    if (::flock(dir_fd_.get(), LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        throw log_file_error(err,
                             err == EWOULDBLOCK ? "another process has the event log open in"
                                                : "cannot lock event log directory",
                             dir_);
    }

    LogFileScan rotated = scan_log_file(rotated_path_);
    LogFileScan current = scan_log_file(current_path_);
    for (const LogFileScan* scan : {&rotated, &current})
        warnings_.insert(warnings_.end(), scan->bad_lines.begin(), scan->bad_lines.end());
    // The rotated file is never written again: a damaged end there is skipped, not repaired.
    if (!rotated.torn_last_line.empty())
        warnings_.push_back(rotated_path_.string() + ": " + rotated.torn_last_line + ", skipped");

    open_current_file();
    if (!current.torn_last_line.empty()) {
        // An append cut short by a crash or power loss: the event was never reported stored.
        if (::ftruncate(file_fd_.get(), static_cast<off_t>(current.intact_size)) != 0 ||
            ::fdatasync(file_fd_.get()) != 0)
            throw log_file_error(errno, "cannot cut a torn line off", current_path_);
        current_size_ = current.intact_size;
        warnings_.push_back(current_path_.string() + ": " + current.torn_last_line +
                            ", cut off (an interrupted write)");
    }

    rotated_count_ = rotated.events.size();
    for (LogFileScan* scan : {&rotated, &current})
        for (Event& event : scan->events) {
            next_sequence_ = std::max(next_sequence_, event.sequence + 1);
            events_.push_back(std::move(event));
        }
}

void EventLog::refuse_foreign_directory() const
{
    // Whoever else may write the directory can swap the log for a link or another file
    // between two appends (#12 finding 4): the history would no longer be cmrd's.
    struct stat st {};
    if (::fstat(dir_fd_.get(), &st) != 0)
        throw log_file_error(errno, "cannot stat event log directory", dir_);
    if (st.st_uid != ::geteuid())
        throw std::system_error(EPERM, std::generic_category(),
                                "refusing the event log directory " + dir_.string() +
                                    ": it belongs to uid " + std::to_string(st.st_uid) +
                                    ", not to cmrd's uid " + std::to_string(::geteuid()) +
                                    " (chown it to cmrd's user)");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        throw std::system_error(EPERM, std::generic_category(),
                                "refusing the event log directory " + dir_.string() +
                                    ": other users may write to it (chmod 0700)");
}

void EventLog::open_current_file()
{
    // No links followed (#12 finding 4), and created for cmrd alone whatever the umask: alarm
    // history says when a studio's lines were in trouble.
    constexpr int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
    int fd = ::open(current_path_.c_str(), flags);
    const bool created = fd < 0 && errno == ENOENT;
    if (created)
        fd = ::open(current_path_.c_str(), flags | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        throw log_file_open_error(errno, current_path_);
    common::UniqueFd file(fd);
    // A new name (first start, or after a rotation's rename) is durable only once the
    // directory is.
    if (created && ::fsync(dir_fd_.get()) != 0)
        throw log_file_error(errno, "cannot sync event log directory", dir_);
    struct stat st {};
    if (::fstat(file.get(), &st) != 0)
        throw log_file_error(errno, "cannot stat event log", current_path_);
    file_fd_ = std::move(file);
    current_size_ = static_cast<std::uintmax_t>(st.st_size);
}

void EventLog::rotate()
{
    if (::renameat(dir_fd_.get(), current_file_name, dir_fd_.get(), rotated_file_name) != 0)
        throw log_file_error(errno, "cannot rotate event log", current_path_);
    file_fd_ = common::UniqueFd();
    // Memory follows the files: the previous rotated file's events are gone.
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(rotated_count_));
    rotated_count_ = events_.size();
    current_size_ = 0;
    open_current_file(); // should this fail, the next append tries again
}

void EventLog::cut_back_to_last_line()
{
    if (::ftruncate(file_fd_.get(), static_cast<off_t>(current_size_)) != 0) {
        size_needs_restoring_ = true;
        throw log_file_error(errno, "cannot cut a failed write off", current_path_);
    }
    size_needs_restoring_ = false;
}

void EventLog::write_line(const std::string& line)
{
    // A short write (the disk filling up, a file size limit) is followed by another, whose
    // failure says which it was (ENOSPC, EDQUOT, EFBIG, EIO): that errno is reported.
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(file_fd_.get(), line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            if (done == 0)
                throw log_file_error(err, "cannot write to event log", current_path_);
            cut_back_to_last_line();
            throw log_file_error(err,
                                 "short write (" + std::to_string(done) + " of " +
                                     std::to_string(line.size()) + " bytes) to event log",
                                 current_path_);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fdatasync(file_fd_.get()) != 0) {
        const int err = errno;
        cut_back_to_last_line();
        throw log_file_error(err, "cannot flush event log", current_path_);
    }
}

Event EventLog::append(Event event)
{
    if (event.alarm == cmr::AlarmKind::none)
        throw std::invalid_argument("an event needs an alarm kind other than none");
    const std::lock_guard lock(mutex_);
    event.sequence = next_sequence_;
    if (event.time_us == 0)
        event.time_us = now_us();
    std::string line = to_json_line(event);
    line.push_back('\n');
    if (line.size() > file_limit_)
        throw std::length_error("event of " + std::to_string(line.size()) +
                                " bytes does not fit the event log's file limit of " +
                                std::to_string(file_limit_) + " bytes");
    // Numbered before the disk is touched: a failed store uses its number up, so readers of
    // the history see the gap (the number is never given to another event while cmrd runs).
    ++next_sequence_;
    try {
        if (file_fd_.get() < 0)
            open_current_file();
        if (size_needs_restoring_)
            cut_back_to_last_line();
        if (current_size_ + line.size() > file_limit_)
            rotate();
        write_line(line);
    } catch (const std::system_error& e) {
        throw EventNotStored(e, std::move(event));
    }
    current_size_ += line.size();
    events_.push_back(event);
    return event;
}

EventPage EventLog::query(const EventQuery& query) const
{
    const std::lock_guard lock(mutex_);
    // Sequence numbers increase along the deque: the cursor is found by binary search.
    const auto first = std::upper_bound(
        events_.begin(), events_.end(), query.after_sequence,
        [](std::uint64_t sequence, const Event& event) { return sequence < event.sequence; });
    EventPage page;
    // Takes matching events from [from, to) until the limit; one more match means "more".
    const auto take = [&](auto from, auto to) {
        for (auto it = from; it != to; ++it) {
            if (it->time_us < query.since_us)
                continue;
            if (page.events.size() == query.limit) {
                page.more = true;
                return;
            }
            page.events.push_back(*it);
        }
    };
    if (query.keep == EventQuery::Keep::oldest) {
        take(first, events_.end());
    } else {
        take(events_.rbegin(), std::make_reverse_iterator(first));
        std::reverse(page.events.begin(), page.events.end());
    }
    return page;
}

std::vector<Event> EventLog::still_raised() const
{
    const std::lock_guard lock(mutex_);
    // The newest event of each (device, channel, alarm) decides.
    std::map<std::tuple<std::string, std::string, cmr::AlarmKind>, const Event*> last;
    for (const Event& event : events_)
        last[{event.device, event.channel, event.alarm}] = &event;
    std::vector<Event> raised;
    for (const auto& [key, event] : last)
        if (event->raised)
            raised.push_back(*event);
    std::sort(raised.begin(), raised.end(),
              [](const Event& a, const Event& b) { return a.sequence < b.sequence; });
    return raised;
}

std::uint64_t EventLog::next_sequence() const
{
    const std::lock_guard lock(mutex_);
    return next_sequence_;
}

} // namespace cmrd::events
