// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file hook_runner.hpp
/// Runs `watch`'s hook commands without waiting for them: `/bin/sh -c COMMAND` is started with
/// extra environment variables, and finished children are collected later (reap(), when
/// SIGCHLD arrives), so a slow hook never holds up the watch.

#include <string>
#include <vector>

#include <sys/types.h>

#include "client/alarm_environment.hpp"

namespace cmrctl::client {

class HookRunner {
public:
    /// @param stdout_to_stderr give hooks the watch's stderr as their stdout (`watch --json`
    ///        keeps its stdout for JSON lines only).
    explicit HookRunner(bool stdout_to_stderr);

    /// Starts `/bin/sh -c command` with the current environment changed by @p environment.
    /// Its stdin is /dev/null; its signal mask and dispositions are the defaults (not the
    /// watch's blocked signals). A command that cannot be started is reported on stderr.
    void run(const std::string& command, const std::vector<EnvironmentVariable>& environment);

    /// Collects every finished hook, reporting on stderr those that failed
    /// ("cmrctl watch: hook exited with status 3: COMMAND"). Never blocks.
    void reap();

    /// Hooks started and not yet collected.
    [[nodiscard]] std::size_t running() const { return children_.size(); }

private:
    struct Child {
        pid_t pid;
        std::string command;
    };
    bool stdout_to_stderr_;
    std::vector<Child> children_;
};

} // namespace cmrctl::client
