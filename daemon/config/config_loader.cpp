// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config_loader.hpp"

#include <array>
#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include "config/config_sections.hpp"
#include "config/toml_reader.hpp"
#include "errno_text.hpp"
#include "unique_fd.hpp"

namespace cmrd::config {
namespace {

/// The whole file; errno-exact errors (a missing file, no permission). Only a regular file of
/// at most max_config_bytes is read: a FIFO would block open() or read() for ever, /dev/zero
/// would read until memory runs out (#12 finding 3). The open does not block (O_NONBLOCK)
/// whatever the path names, and nothing but a regular file is read.
std::string read_file(const std::filesystem::path& path)
{
    const auto fail = [&](int err) {
        return ConfigError(path.string(), "cannot read: " + common::errno_text(err));
    };
    const common::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0)
        throw fail(errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        throw fail(errno);
    if (S_ISDIR(st.st_mode))
        throw fail(EISDIR);
    if (!S_ISREG(st.st_mode))
        throw ConfigError(path.string(),
                          "cannot read: not a regular file (a FIFO, socket or device)");
    std::string text;
    std::array<char, 16384> buffer{};
    for (;;) {
        const ssize_t count = ::read(fd.get(), buffer.data(), buffer.size());
        if (count == 0)
            return text;
        if (count > 0)
            text.append(buffer.data(), static_cast<std::size_t>(count));
        else if (errno != EINTR)
            throw fail(errno);
        if (text.size() > max_config_bytes)
            throw ConfigError(path.string(), "cannot read: larger than " +
                                                 std::to_string(max_config_bytes / 1024) +
                                                 " KiB, which no cmrd.toml needs");
    }
}

} // namespace

DaemonConfig default_config()
{
    return DaemonConfig{};
}

DaemonConfig load_config(const std::filesystem::path& path)
{
    return parse_config(read_file(path), path.string());
}

DaemonConfig parse_config(std::string_view text, std::string source_name)
{
    toml::table document;
    try {
        document = toml::parse(text, std::string_view(source_name));
    } catch (const toml::parse_error& error) {
        const toml::source_position where = error.source().begin;
        throw ConfigError(source_name, static_cast<int>(where.line), static_cast<int>(where.column),
                          {}, std::string(error.description()));
    }
    DaemonConfig config = default_config();
    config.source = std::move(source_name);
    TableReader root(document, {}, config.source);
    // [alarms] and [capture] first: device entries are checked against what they inherit.
    read_alarms_section(root, config);
    read_settings_sections(root, config);
    read_device_sections(root, config);
    root.reject_unknown_keys();
    return config;
}

} // namespace cmrd::config
