// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file notify_harness.hpp
/// Real parts for the cmr-notify integration tests: private dbus-daemons (one plays the
/// system bus, one the session bus), cmrd on the simulated interface, the recording
/// notification server, cmr-notify itself, and reading what the server recorded.
///
/// Paths come from the environment meson sets: CMRD, CMR_NOTIFY, NOTIFY_SERVER,
/// CMR_SIM_PLUGIN, CMR_SOURCE_ROOT.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/types.h>

namespace notifytest {

using Clock = std::chrono::steady_clock;

/// The value of environment variable @p name; throws when it is not set.
[[nodiscard]] std::string required_env(const char* name);

/// A directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }
    /// Writes @p text to <path>/<name> and returns its full path.
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::string path_;
};

/// A child process with extra environment, stdout and stderr appended to a log file.
class Process {
public:
    Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& log_file);
    ~Process(); ///< SIGKILL if still running
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    [[nodiscard]] pid_t pid() const { return pid_; }
    /// Whether it still runs (reaps it when it has ended).
    [[nodiscard]] bool running();
    /// Sends @p sig and waits up to @p timeout for the end (then SIGKILL). @return the exit
    /// status, or 128 + signal number when a signal ended it.
    int stop(int sig, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

private:
    pid_t pid_ = -1;
    int status_ = -1;
};

/// A private dbus-daemon (`--session` configuration), stopped on destruction.
class PrivateBus {
public:
    PrivateBus();
    ~PrivateBus();
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;
    [[nodiscard]] const std::string& address() const { return address_; }

private:
    std::string address_;
    pid_t pid_ = -1;
};

/// The calls the recording server wrote to @p file (one JSON object per line), optionally
/// only those of @p method.
[[nodiscard]] std::vector<nlohmann::json> recorded(const std::string& file,
                                                   const std::string& method = "");

/// Polls @p done every 50 ms until it is true or @p timeout passed. @return whether it became
/// true.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

/// Every channel cmrd publishes on @p bus: channel id -> active alarms. Throws when cmrd does
/// not answer.
[[nodiscard]] std::map<std::string, std::set<std::string>> cmrd_alarms(const std::string& bus);

/// How many events cmrd's event log holds for @p channel (GetEvents).
[[nodiscard]] std::size_t cmrd_event_count(const std::string& bus, const std::string& channel);

/// Asks the recording server to close notification @p id as the user would (reason 2).
void dismiss(const std::string& bus, std::uint32_t id);

/// One test's world: a directory, the two buses, and the processes on them.
class Rig {
public:
    /// @p scenario: a file in tests/notify; @p inputs: its input count; @p channels: the
    /// layout cmrd measures.
    Rig(const std::string& scenario, int inputs, const std::string& channels);

    [[nodiscard]] const std::string& system_bus() const { return system_.address(); }
    [[nodiscard]] const std::string& session_bus() const { return session_.address(); }
    [[nodiscard]] std::string file(const std::string& name) const
    {
        return dir_.path() + "/" + name;
    }

    /// Writes cmrd's configuration measuring @p channels (short hold and clear times, so the
    /// tests need not wait for cmrd's defaults).
    void configure_cmrd(const std::string& channels);
    /// Starts cmrd and waits (up to 10 s) until it owns its name.
    [[nodiscard]] std::unique_ptr<Process> start_cmrd();
    /// Starts the recording server writing to @p log and waits until it owns its name.
    [[nodiscard]] std::unique_ptr<Process> start_server(const std::string& log,
                                                        std::uint32_t first_id = 1);
    /// Starts cmr-notify on the two buses with @p args added.
    [[nodiscard]] std::unique_ptr<Process> start_notify(const std::vector<std::string>& args);
    /// Everything the processes logged, for a failing test's output.
    [[nodiscard]] std::string logs() const;

private:
    TempDir dir_;
    PrivateBus system_;
    PrivateBus session_;
    std::string alsa_config_;
    std::string cmrd_config_;
};

} // namespace notifytest
