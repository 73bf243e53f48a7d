// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file cmrd_process.hpp
/// The real cmrd binary (meson target cmrd_exe, path in $CMRD) run as a child of the test:
/// given its bus, configuration, state directory and ALSA configuration (the simulated
/// interface), optionally as the `cmrd` user, with its stderr (where it logs when journald is
/// not there) kept for assertions. Started, signalled (SIGHUP, SIGTERM), killed (SIGKILL) and
/// started again on the same state directory.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "child_process.hpp"

namespace cmrd::service::testing {

class MonitorClient;

struct CmrdOptions {
    std::string bus_address;
    std::filesystem::path config;      ///< --config
    std::filesystem::path state_dir;   ///< --state-dir
    std::filesystem::path alsa_config; ///< ALSA_CONFIG_PATH (the simulated interface)
    std::filesystem::path log;         ///< its stdout and stderr are appended here
    /// Run as this user (setpriv; the test must be root) with its supplementary groups.
    std::optional<std::string> user;
    /// Its primary group; empty: the group named like the user.
    std::string group;
    /// More environment changes, applied last (e.g. NOTIFY_SOCKET for a systemd test).
    EnvironmentChanges environment = {};
};

class CmrdProcess {
public:
    /// Starts cmrd (does not wait for it: see wait_serving()). @throws std::system_error
    explicit CmrdProcess(CmrdOptions options);
    /// Kills it if still running.
    ~CmrdProcess();
    CmrdProcess(const CmrdProcess&) = delete;
    CmrdProcess& operator=(const CmrdProcess&) = delete;

    /// Waits until this process owns org.cmrd.Monitor1 on its bus (cmrd owns the name last,
    /// once its devices are set up). @throws std::runtime_error with cmrd's log when it ends
    /// first or @p timeout passes
    void wait_serving(MonitorClient& client,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15));
    /// Starts it again with the same options after it has ended.
    void restart();

    [[nodiscard]] pid_t pid() const { return child_->pid(); }
    [[nodiscard]] bool running() { return child_->running(); }
    void signal(int signal) const { child_->signal(signal); }
    /// SIGKILL (kill -9) and reap. @return the wait status
    int kill_hard() { return child_->kill_and_reap(); }
    /// Waits up to @p timeout for it to end by itself. @return the wait status, nullopt if
    /// still running
    std::optional<int> wait_exit(std::chrono::milliseconds timeout)
    {
        return child_->wait_exit(timeout);
    }
    /// SIGTERM and wait up to @p timeout. @return the wait status, nullopt if still running
    std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

    /// Everything it logged (all runs).
    [[nodiscard]] std::string log_text() const;
    /// Waits up to @p timeout for @p text to appear in the log after byte @p from (a size()
    /// of log_text() taken earlier). @return whether it appeared.
    bool wait_for_log(const std::string& text, std::size_t from, std::chrono::milliseconds timeout);

    /// Its open file descriptors (/proc/PID/fd) and threads (/proc/PID/task).
    [[nodiscard]] std::size_t open_fd_count() const;
    [[nodiscard]] std::size_t thread_count() const;

    [[nodiscard]] const CmrdOptions& options() const { return options_; }

private:
    CmrdOptions options_;
    std::unique_ptr<ChildProcess> child_;
};

/// A [[device]] entry for cmrd.toml: a static device on @p pcm.
[[nodiscard]] std::string static_device_toml(const std::string& name, const std::string& pcm,
                                             const std::string& channels);

} // namespace cmrd::service::testing
