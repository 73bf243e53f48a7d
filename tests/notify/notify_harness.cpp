// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify_harness.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sdbus-c++/sdbus-c++.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus_figures.hpp"

namespace notifytest {
namespace {

using namespace std::chrono_literals;

/// Runs @p argv (the environment plus @p env) in a child that dies with the test process.
/// stdout and stderr go to @p log_file, or to @p stdout_fd when it is not -1.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& log_file, int stdout_fd = -1)
{
    // Everything the child needs is prepared before fork().
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry(*e);
        if (env.find(entry.substr(0, entry.find('='))) == env.end())
            env_strings.push_back(entry);
    }
    for (const auto& [key, value] : env)
        env_strings.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (std::string& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (std::string& s : args)
        argp.push_back(s.data());
    argp.push_back(nullptr);

    const int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0)
        throw std::system_error(errno, std::generic_category(), "open " + log_file);
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::dup2(stdout_fd >= 0 ? stdout_fd : log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        ::execve(argp[0], argp.data(), envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    return pid;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string dbus_daemon_path()
{
    for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin"}) {
        const std::string candidate = std::string(dir) + "/dbus-daemon";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    throw std::runtime_error("dbus-daemon not found");
}

} // namespace

std::string required_env(const char* name)
{
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0')
        throw std::runtime_error(std::string("environment variable ") + name + " is not set");
    return value;
}

TempDir::TempDir()
{
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/cmr-notify-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp");
    path_ = pattern;
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& text) const
{
    const std::string file = path_ + "/" + name;
    std::ofstream out(file);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + file);
    return file;
}

Process::Process(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env, const std::string& log_file)
    : pid_(spawn(argv, env, log_file))
{}

Process::~Process()
{
    if (running())
        (void)stop(SIGKILL);
}

bool Process::running()
{
    if (status_ >= 0)
        return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

int Process::stop(int sig, std::chrono::milliseconds timeout)
{
    if (!running())
        return status_;
    ::kill(pid_, sig);
    const auto deadline = Clock::now() + timeout;
    while (running() && Clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    if (running()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        status_ = 128 + SIGKILL;
    }
    return status_;
}

PrivateBus::PrivateBus()
{
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe");
    // --print-address writes to stdout: the pipe. The daemon stays our child (no --fork), so
    // it dies with the test process even if the test crashes.
    pid_ = spawn({dbus_daemon_path(), "--session", "--nofork", "--nopidfile", "--print-address"},
                 {}, "/dev/null", pipe_fds[1]);
    ::close(pipe_fds[1]);
    std::string text;
    char c = 0;
    while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n')
        text += c;
    ::close(pipe_fds[0]);
    if (text.empty())
        throw std::runtime_error("dbus-daemon printed no address");
    address_ = text;
}

PrivateBus::~PrivateBus()
{
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
}

std::vector<nlohmann::json> recorded(const std::string& file, const std::string& method)
{
    std::vector<nlohmann::json> calls;
    const std::string text = read_file(file);
    std::size_t start = 0;
    // Only complete lines: the server may be writing the last one right now.
    for (std::size_t end = text.find('\n'); end != std::string::npos;
         start = end + 1, end = text.find('\n', start)) {
        nlohmann::json call = nlohmann::json::parse(text.substr(start, end - start));
        if (method.empty() || call.value("method", "") == method)
            calls.push_back(std::move(call));
    }
    return calls;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (done())
            return true;
        if (Clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(50ms);
    }
}

std::map<std::string, std::set<std::string>> cmrd_alarms(const std::string& bus)
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus);
    auto proxy = sdbus::createProxy(*connection, "org.cmrd.Monitor1", "/org/cmrd/Monitor1");
    cmrnotify::ManagedObjects objects;
    proxy->callMethod("GetManagedObjects")
        .onInterface("org.freedesktop.DBus.ObjectManager")
        .storeResultsTo(objects);
    std::map<std::string, std::set<std::string>> alarms;
    for (const auto& [path, channel] : cmrnotify::channels_from_objects(objects))
        for (std::set<std::string>& names = alarms[channel.channel];
             const cmr::AlarmKind alarm : channel.alarms)
            names.insert(std::string(cmr::to_string(alarm)));
    return alarms;
}

std::size_t cmrd_event_count(const std::string& bus, const std::string& channel)
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus);
    auto proxy = sdbus::createProxy(*connection, "org.cmrd.Monitor1", "/org/cmrd/Monitor1");
    std::vector<sdbus::Struct<std::uint64_t, std::int64_t, std::string, std::string, std::string,
                              std::string, std::map<std::string, sdbus::Variant>>>
        events;
    proxy->callMethod("GetEvents")
        .onInterface("org.cmrd.Monitor1.Manager")
        .withArguments(std::int64_t{0})
        .storeResultsTo(events);
    std::size_t count = 0;
    for (const auto& event : events)
        if (std::get<3>(event) == channel)
            ++count;
    return count;
}

void dismiss(const std::string& bus, std::uint32_t id)
{
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus);
    auto proxy = sdbus::createProxy(*connection, "org.freedesktop.Notifications",
                                    "/org/freedesktop/Notifications");
    proxy->callMethod("Dismiss")
        .onInterface("org.cmrd.Test.NotificationServer")
        .withArguments(id, std::uint32_t{2});
}

Rig::Rig(const std::string& scenario, int inputs, const std::string& channels)
{
    const std::string scenario_path = required_env("CMR_SOURCE_ROOT") + "/tests/notify/" + scenario;
    alsa_config_ = dir_.write("asound.conf", "</usr/share/alsa/alsa.conf>\n"
                                             "pcm_type.cmrsim { lib \"" +
                                                 required_env("CMR_SIM_PLUGIN") +
                                                 "\" }\n"
                                                 "pcm.simtest { type cmrsim channels " +
                                                 std::to_string(inputs) +
                                                 " formats [\"S32_LE\"] rates [48000] scenario \"" +
                                                 scenario_path + "\" }\n");
    std::filesystem::create_directory(dir_.path() + "/state");
    configure_cmrd(channels);
}

void Rig::configure_cmrd(const std::string& channels)
{
    cmrd_config_ = dir_.write("cmrd.toml", "[alarms]\n"
                                           "hold_s = 0.5\n"
                                           "clear_s = 0.5\n"
                                           "cmrr_hold_s = 0.5\n"
                                           "wiring_hold_s = 0.5\n"
                                           "[[device]]\n"
                                           "name = \"desk\"\n"
                                           "pcm = \"simtest\"\n"
                                           "channels = \"" +
                                               channels + "\"\n");
}

std::unique_ptr<Process> Rig::start_cmrd()
{
    auto cmrd = std::make_unique<Process>(
        std::vector<std::string>{required_env("CMRD"), "--config", cmrd_config_, "--state-dir",
                                 dir_.path() + "/state", "--bus", system_bus()},
        std::map<std::string, std::string>{{"ALSA_CONFIG_PATH", alsa_config_}}, file("cmrd.log"));
    const bool up = wait_until(
        [&] {
            try {
                (void)cmrd_alarms(system_bus());
                return true;
            } catch (const sdbus::Error&) {
                return false;
            }
        },
        10s);
    if (!up)
        throw std::runtime_error("cmrd did not come up:\n" + logs());
    return cmrd;
}

std::unique_ptr<Process> Rig::start_server(const std::string& log, std::uint32_t first_id)
{
    auto server = std::make_unique<Process>(
        std::vector<std::string>{required_env("NOTIFY_SERVER"), "--bus", session_bus(), "--log",
                                 file(log), "--first-id", std::to_string(first_id)},
        std::map<std::string, std::string>{}, file("server.log"));
    if (!wait_until([&] { return !recorded(file(log), "ready").empty(); }, 10s))
        throw std::runtime_error("the notification server did not come up:\n" + logs());
    return server;
}

std::unique_ptr<Process> Rig::start_notify(const std::vector<std::string>& args)
{
    std::vector<std::string> argv = {required_env("CMR_NOTIFY"), "--system-bus", system_bus(),
                                     "--session-bus", session_bus()};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<Process>(argv, std::map<std::string, std::string>{},
                                     file("notify.log"));
}

std::string Rig::logs() const
{
    std::string text;
    for (const char* name : {"cmrd.log", "notify.log", "server.log"})
        text += std::string("---- ") + name + "\n" + read_file(file(name));
    return text;
}

} // namespace notifytest
