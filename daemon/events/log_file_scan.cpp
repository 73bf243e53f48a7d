// SPDX-License-Identifier: GPL-2.0-or-later
#include "events/log_file_scan.hpp"

#include <array>
#include <cerrno>
#include <optional>
#include <string_view>
#include <system_error>
#include <variant>

#include <fcntl.h>
#include <unistd.h>

#include "events/event_codec.hpp"
#include "events/log_file_error.hpp"
#include "unique_fd.hpp"

namespace cmrd::events {
namespace {

/// The whole file, or nullopt when it does not exist.
std::optional<std::string> read_whole_file(const std::filesystem::path& path)
{
    // O_NOFOLLOW: a link planted in the state directory must not make cmrd read (and then
    // cut the last line of) a file elsewhere (#12 finding 4).
    const common::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
        if (errno == ENOENT)
            return std::nullopt;
        throw log_file_open_error(errno, path);
    }
    std::string content;
    std::array<char, 65536> block{};
    for (;;) {
        const ssize_t n = ::read(fd.get(), block.data(), block.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw log_file_error(errno, "cannot read event log", path);
        if (n == 0)
            return content;
        content.append(block.data(), static_cast<std::size_t>(n));
    }
}

std::string describe_bytes(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

} // namespace

LogFileScan scan_log_file(const std::filesystem::path& path)
{
    LogFileScan scan;
    const std::optional<std::string> content = read_whole_file(path);
    if (!content)
        return scan;
    const std::string_view text(*content);
    scan.file_size = text.size();
    scan.intact_size = text.size();

    // Every line a writer finished ends in a newline; anything after the last one was cut short.
    std::size_t complete_end = text.rfind('\n');
    complete_end = complete_end == std::string_view::npos ? 0 : complete_end + 1;
    if (complete_end < text.size()) {
        scan.intact_size = complete_end;
        scan.torn_last_line =
            "last line has no newline (" + describe_bytes(text.size() - complete_end) + ")";
    }

    std::size_t line_number = 0;
    for (std::size_t start = 0; start < complete_end;) {
        const std::size_t end = text.find('\n', start);
        const std::string_view line = text.substr(start, end - start);
        ++line_number;
        const bool last = end + 1 == complete_end;
        ParseResult parsed = parse_event_line(line);
        if (auto* event = std::get_if<Event>(&parsed)) {
            scan.events.push_back(std::move(*event));
        } else if (last && scan.torn_last_line.empty()) {
            scan.intact_size = start;
            scan.torn_last_line = "last line (" + std::to_string(line_number) +
                                  ") is not an event: " + std::get<ParseError>(parsed).message;
        } else {
            scan.bad_lines.push_back(path.string() + ":" + std::to_string(line_number) + ": " +
                                     std::get<ParseError>(parsed).message);
        }
        start = end + 1;
    }
    return scan;
}

} // namespace cmrd::events
