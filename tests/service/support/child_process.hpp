// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file child_process.hpp
/// Child processes for the tests: long-running ones (dbus-daemon, cmrd) that the test signals,
/// kills and reaps, and short commands (busctl, gdbus, systemd-sysusers) whose output it reads.
/// Every wait has a deadline; nothing sleeps and hopes.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cmrd::service::testing {

/// Changes to the test's environment for a child: a value sets the variable, nullopt removes
/// it.
using EnvironmentChanges = std::map<std::string, std::optional<std::string>>;

/// What to start.
struct ChildOptions {
    /// The command; argv[0] without a '/' is looked up in $PATH.
    std::vector<std::string> argv;
    EnvironmentChanges environment;
    /// stdout and stderr are appended to this file; empty: /dev/null.
    std::filesystem::path output;
};

/// A running child. It is killed (SIGKILL) with its parent, and by the destructor if still
/// running, so a failed test leaves no daemon behind.
class ChildProcess {
public:
    /// @throws std::system_error when it cannot be started (an exec failure shows as exit
    /// status 127 instead).
    explicit ChildProcess(const ChildOptions& options);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    [[nodiscard]] pid_t pid() const { return pid_; }
    /// Whether it is still running (reaps it if it ended).
    [[nodiscard]] bool running();
    /// Waits up to @p timeout for the child to end. @return its wait status (as waitpid()
    /// gives it), or nullopt when it is still running.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    /// The wait status once it has ended and been reaped.
    [[nodiscard]] std::optional<int> exit_status() const { return status_; }
    /// Sends @p signal (nothing when it has already been reaped).
    void signal(int signal) const;
    /// SIGKILL, then reaps it. @return its wait status.
    int kill_and_reap();

private:
    pid_t pid_ = -1;
    int pidfd_ = -1; ///< readable when the child ends
    std::optional<int> status_;
};

/// A finished command.
struct CommandResult {
    int status = -1;     ///< exit code, or 128 + signal number, or -1 on timeout
    std::string out;     ///< stdout
    std::string err;     ///< stderr
    std::string command; ///< the command line, for messages
    [[nodiscard]] bool ok() const { return status == 0; }
    /// "`command` -> status N\nstdout...\nstderr..." for assertion messages.
    [[nodiscard]] std::string describe() const;
};

/// Runs @p argv to its end (killed after @p timeout) and returns what it printed.
CommandResult run_command(const std::vector<std::string>& argv,
                          const EnvironmentChanges& environment = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// Describes a wait status: "exit 0", "signal 9 (Killed)".
[[nodiscard]] std::string describe_wait_status(int status);

} // namespace cmrd::service::testing
