// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file log_file_error.hpp
/// The errors of the event log's files, one wording for the writer (event_log.cpp) and the
/// reader (log_file_scan.cpp): "<what> <path>: <strerror>", with the errno kept for callers.

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

namespace cmrd::events {

/// "@p what @p path: <strerror(@p err)>".
[[nodiscard]] inline std::system_error log_file_error(int err, const std::string& what,
                                                      const std::filesystem::path& path)
{
    return {err, std::generic_category(), what + " " + path.string()};
}

/// Opening @p path failed with @p err. The files are opened with O_NOFOLLOW, so ELOOP is a
/// link planted in the state directory and is said to be refused (#12 finding 4).
[[nodiscard]] inline std::system_error log_file_open_error(int err,
                                                           const std::filesystem::path& path)
{
    return log_file_error(err,
                          err == ELOOP ? "refusing the symbolic link (cmrd follows no links in "
                                         "its state directory) at"
                                       : "cannot open event log",
                          path);
}

} // namespace cmrd::events
