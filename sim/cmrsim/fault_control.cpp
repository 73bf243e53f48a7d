// SPDX-License-Identifier: GPL-2.0-or-later
#include "fault_control.hpp"

#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace cmr::sim {

namespace {

constexpr std::array<Fault, 7> all_faults{Fault::overrun,    Fault::stall, Fault::resume,
                                          Fault::disconnect, Fault::busy,  Fault::suspend,
                                          Fault::hang};

std::string_view trim(std::string_view text)
{
    constexpr std::string_view blanks = " \t\r\n";
    const std::size_t first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos)
        return {};
    const std::size_t last = text.find_last_not_of(blanks);
    return text.substr(first, last - first + 1);
}

} // namespace

std::string_view to_string(Fault fault)
{
    switch (fault) {
    case Fault::overrun:
        return "overrun";
    case Fault::stall:
        return "stall";
    case Fault::resume:
        return "resume";
    case Fault::disconnect:
        return "disconnect";
    case Fault::busy:
        return "busy";
    case Fault::suspend:
        return "suspend";
    case Fault::hang:
        return "hang";
    }
    return "?";
}

std::optional<Fault> parse_fault(std::string_view line)
{
    const std::string_view word = trim(line);
    for (Fault fault : all_faults)
        if (to_string(fault) == word)
            return fault;
    return std::nullopt;
}

bool is_blank_or_comment(std::string_view line)
{
    const std::string_view text = trim(line);
    return text.empty() || text.front() == '#';
}

void append_fault(const std::filesystem::path& control, Fault fault)
{
    const int fd = ::open(control.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(),
                                "cannot open control file " + control.string());
    const std::string line = std::string(to_string(fault)) + "\n";
    const ssize_t written = ::write(fd, line.data(), line.size());
    const int write_errno = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size()))
        throw std::system_error(written < 0 ? write_errno : EIO, std::generic_category(),
                                "cannot write control file " + control.string());
}

} // namespace cmr::sim
