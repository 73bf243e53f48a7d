// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file events_test_support.hpp
/// Helpers for the event tests: a temporary directory, whole-file reads and writes, and a
/// typical event.

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "events/event.hpp"
#include "events/event_log.hpp"

namespace cmrd::events::test {

/// An environment variable, or nullptr (the tests never set any, so reading is safe).
inline const char* environment(const char* name)
{
    return std::getenv(name); // NOLINT(concurrency-mt-unsafe): never set in these tests
}

/// The text for an errno value (std::strerror may share a buffer between threads).
inline std::string errno_message(int err)
{
    return std::generic_category().message(err);
}

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
public:
    TempDir()
    {
        const char* base = environment("TMPDIR");
        std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/cmrd-events-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed for " + pattern);
        path_ = pattern;
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// The whole file; empty when it does not exist.
inline std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string text;
    std::array<char, 65536> block{};
    while (in.read(block.data(), block.size()) || in.gcount() > 0)
        text.append(block.data(), static_cast<std::size_t>(in.gcount()));
    return text;
}

inline void append_raw(const std::filesystem::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << bytes;
    if (!out)
        throw std::runtime_error("cannot append to " + path.string());
}

/// The file's lines without their newlines (a last line without one is included).
inline std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

/// A ground loop on desk 1/2 with every figure measured.
inline Event ground_loop_event(bool raised = true, std::int64_t time_us = 0)
{
    Event event;
    event.time_us = time_us;
    event.device = "desk";
    event.channel = "1/2";
    event.alarm = cmr::AlarmKind::ground_loop;
    event.raised = raised;
    event.figures.mains_hz = 50.013;
    event.figures.hum_dbfs = -61.25;
    event.figures.cm_hum_dbfs = -35.2;
    event.figures.cmrr_db = 25.95;
    event.figures.cmrr_kind = "measured";
    event.figures.symmetry = "symmetric";
    event.figures.value = -35.2;
    return event;
}

/// Every stored event with time_us >= @p time_us, oldest first.
inline std::vector<Event> since(const EventLog& log, std::int64_t time_us)
{
    EventQuery query;
    query.since_us = time_us;
    return log.query(query).events;
}

} // namespace cmrd::events::test
