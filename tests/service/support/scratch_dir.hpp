// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file scratch_dir.hpp
/// A private temporary directory for one test's files (bus sockets, configurations, state
/// directories, logs), removed with everything in it when the test is done.

#include <filesystem>
#include <string>

namespace cmrd::service::testing {

class ScratchDir {
public:
    /// Creates a fresh directory under $TMPDIR (else /tmp), mode 0700.
    /// @throws std::system_error
    ScratchDir();
    /// Removes the directory and its contents (errors are ignored: a test must not fail in
    /// its cleanup because a child process still holds a file).
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// A path inside the directory.
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const
    {
        return path_ / name;
    }
    /// Makes the directory searchable and readable by every user (mode 0755), for children
    /// that run as another user. @throws std::filesystem::filesystem_error
    void open_to_all() const;

private:
    std::filesystem::path path_;
};

/// Writes @p text to @p path, replacing it. @throws std::runtime_error
void write_text_file(const std::filesystem::path& path, const std::string& text);
/// The whole content of @p path ("" when it does not exist).
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path);

/// How many times @p what occurs in @p text (overlapping occurrences counted).
[[nodiscard]] std::size_t count_of(const std::string& text, const std::string& what);

} // namespace cmrd::service::testing
