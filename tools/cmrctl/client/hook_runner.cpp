// SPDX-License-Identifier: GPL-2.0-or-later
#include "client/hook_runner.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <map>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace cmrctl::client {
namespace {

/// The inherited environment with @p changes applied, as "NAME=value" strings.
std::vector<std::string> environment_with(const std::vector<EnvironmentVariable>& changes)
{
    std::map<std::string, std::string> variables;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string text(*entry);
        const std::size_t equals = text.find('=');
        if (equals != std::string::npos)
            variables[text.substr(0, equals)] = text.substr(equals + 1);
    }
    for (const auto& [name, value] : changes) {
        if (value)
            variables[name] = *value;
        else
            variables.erase(name);
    }
    std::vector<std::string> out;
    out.reserve(variables.size());
    for (const auto& [name, value] : variables)
        out.push_back(std::string(name).append("=").append(value));
    return out;
}

std::string error_text(int error)
{
    std::array<char, 128> buffer{};
    // The GNU strerror_r returns the text (possibly not in buffer), thread-safely.
    return strerror_r(error, buffer.data(), buffer.size());
}

/// posix_spawn's attributes and file actions, released on every path.
class SpawnSetup {
public:
    explicit SpawnSetup(bool stdout_to_stderr)
    {
        posix_spawnattr_init(&attributes_);
        posix_spawn_file_actions_init(&actions_);
        // The watch blocks SIGINT, SIGTERM and SIGCHLD for its signalfd; the hook must not
        // inherit that, nor any disposition.
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attributes_, &none);
        sigset_t defaults;
        sigemptyset(&defaults);
        for (const int sig : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP})
            sigaddset(&defaults, sig);
        posix_spawnattr_setsigdefault(&attributes_, &defaults);
        posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (stdout_to_stderr)
            posix_spawn_file_actions_adddup2(&actions_, STDERR_FILENO, STDOUT_FILENO);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions_);
        posix_spawnattr_destroy(&attributes_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    const posix_spawnattr_t* attributes() const { return &attributes_; }
    const posix_spawn_file_actions_t* actions() const { return &actions_; }

private:
    posix_spawnattr_t attributes_{};
    posix_spawn_file_actions_t actions_{};
};

} // namespace

HookRunner::HookRunner(bool stdout_to_stderr) : stdout_to_stderr_(stdout_to_stderr) {}

void HookRunner::run(const std::string& command,
                     const std::vector<EnvironmentVariable>& environment)
{
    std::vector<std::string> env_strings = environment_with(environment);
    std::vector<char*> envp;
    envp.reserve(env_strings.size() + 1);
    for (std::string& entry : env_strings)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string shell = "/bin/sh";
    std::string dash_c = "-c";
    std::string command_copy = command;
    std::array<char*, 4> argv = {shell.data(), dash_c.data(), command_copy.data(), nullptr};

    // Whatever the watch printed must be out before the hook writes to the same stream.
    std::cout.flush();
    const SpawnSetup setup(stdout_to_stderr_);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, shell.c_str(), setup.actions(), setup.attributes(),
                                  argv.data(), envp.data());
    if (error != 0) {
        std::cerr << "cmrctl watch: cannot run hook: " << error_text(error) << ": " << command
                  << '\n';
        return;
    }
    children_.push_back({pid, command});
}

void HookRunner::reap()
{
    for (auto child = children_.begin(); child != children_.end();) {
        int status = 0;
        const pid_t done = ::waitpid(child->pid, &status, WNOHANG);
        if (done == 0) {
            ++child;
            continue;
        }
        if (done > 0) {
            if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                std::cerr << "cmrctl watch: hook exited with status " << WEXITSTATUS(status) << ": "
                          << child->command << '\n';
            else if (WIFSIGNALED(status))
                std::cerr << "cmrctl watch: hook killed by signal " << WTERMSIG(status) << ": "
                          << child->command << '\n';
        }
        // done < 0: not our child any more (ECHILD); nothing left to collect either way.
        child = children_.erase(child);
    }
}

} // namespace cmrctl::client
