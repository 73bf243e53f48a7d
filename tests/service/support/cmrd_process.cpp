// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmrd_process.hpp"

#include <csignal>
#include <stdexcept>
#include <thread>

#include "monitor_client.hpp"
#include "scratch_dir.hpp"
#include "service_paths.hpp"
#include "test_users.hpp"

namespace cmrd::service::testing {
namespace {

ChildOptions child_options(const CmrdOptions& options)
{
    ChildOptions child;
    if (options.user)
        child.argv = as_user(*options.user, options.group.empty() ? *options.user : options.group);
    for (const std::string& arg :
         {cmrd_binary().string(), std::string("--bus"), options.bus_address,
          std::string("--config"), options.config.string(), std::string("--state-dir"),
          options.state_dir.string()})
        child.argv.push_back(arg);
    child.environment = {
        {"ALSA_CONFIG_PATH", options.alsa_config.string()},
        // Logs go to stderr (the test reads them), not to a journal the machine may have.
        {"JOURNAL_STREAM", std::nullopt},
        {"NOTIFY_SOCKET", std::nullopt},
        {"WATCHDOG_USEC", std::nullopt},
        {"STATE_DIRECTORY", std::nullopt},
    };
    for (const auto& [name, value] : options.environment)
        child.environment[name] = value;
    child.output = options.log;
    return child;
}

/// How long a condition that is checked by polling waits between looks.
constexpr auto poll_step = std::chrono::milliseconds(20);

std::size_t entries(const std::filesystem::path& dir)
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir))
        ++count;
    return count;
}

} // namespace

CmrdProcess::CmrdProcess(CmrdOptions options)
    : options_(std::move(options)), child_(std::make_unique<ChildProcess>(child_options(options_)))
{}

CmrdProcess::~CmrdProcess() = default;

void CmrdProcess::restart()
{
    if (child_->running())
        throw std::logic_error("cmrd is still running");
    child_ = std::make_unique<ChildProcess>(child_options(options_));
}

void CmrdProcess::wait_serving(MonitorClient& client, std::chrono::milliseconds timeout)
{
    // Nothing announces the name to a client that did not subscribe before: look until the
    // owner is this process.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (!child_->running())
            throw std::runtime_error("cmrd ended (" + describe_wait_status(*child_->exit_status()) +
                                     ") before serving; it said:\n" + log_text());
        if (client.owner_pid() == child_->pid())
            return;
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("cmrd did not own org.cmrd.Monitor1 within " +
                                     std::to_string(timeout.count()) + " ms; it said:\n" +
                                     log_text());
        std::this_thread::sleep_for(poll_step);
    }
}

std::optional<int> CmrdProcess::terminate(std::chrono::milliseconds timeout)
{
    child_->signal(SIGTERM);
    return child_->wait_exit(timeout);
}

std::string CmrdProcess::log_text() const
{
    return read_text_file(options_.log);
}

bool CmrdProcess::wait_for_log(const std::string& text, std::size_t from,
                               std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const std::string log = log_text();
        if (log.size() > from && log.find(text, from) != std::string::npos)
            return true;
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(poll_step);
    }
}

std::size_t CmrdProcess::open_fd_count() const
{
    return entries("/proc/" + std::to_string(child_->pid()) + "/fd");
}

std::size_t CmrdProcess::thread_count() const
{
    return entries("/proc/" + std::to_string(child_->pid()) + "/task");
}

std::string static_device_toml(const std::string& name, const std::string& pcm,
                               const std::string& channels)
{
    return "[[device]]\nname = \"" + name + "\"\npcm = \"" + pcm + "\"\nchannels = \"" + channels +
           "\"\n";
}

} // namespace cmrd::service::testing
