// SPDX-License-Identifier: GPL-2.0-or-later
#include "child_process.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX declares it nowhere else

namespace cmrd::service::testing {
namespace {

using Clock = std::chrono::steady_clock;

/// argv and envp prepared before fork(): the child only calls async-signal-safe functions
/// (the test process has threads, so it must not allocate between fork and exec).
struct ExecImage {
    std::string path;
    std::vector<std::string> argv_text;
    std::vector<std::string> env_text;
    std::vector<char*> argv;
    std::vector<char*> envp;
};

std::string resolve_program(const std::string& program)
{
    if (program.find('/') != std::string::npos)
        return program;
    const char* path = std::getenv("PATH"); // NOLINT(concurrency-mt-unsafe): read only
    std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        std::string candidate =
            (end == start ? std::string(".") : dirs.substr(start, end - start)) + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return program; // execve fails and the child exits with 127
}

ExecImage make_image(const std::vector<std::string>& argv, const EnvironmentChanges& changes)
{
    if (argv.empty())
        throw std::invalid_argument("a child process needs a command");
    ExecImage image;
    image.path = resolve_program(argv.front());
    image.argv_text = argv;
    std::map<std::string, std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        const std::size_t eq = text.find('=');
        if (eq != std::string::npos)
            env[text.substr(0, eq)] = text.substr(eq + 1);
    }
    for (const auto& [name, value] : changes) {
        if (value)
            env[name] = *value;
        else
            env.erase(name);
    }
    for (const auto& [name, value] : env)
        image.env_text.push_back(std::string(name).append("=").append(value));
    for (std::string& arg : image.argv_text)
        image.argv.push_back(arg.data());
    image.argv.push_back(nullptr);
    for (std::string& entry : image.env_text)
        image.envp.push_back(entry.data());
    image.envp.push_back(nullptr);
    return image;
}

/// fork + execve with stdin from /dev/null and stdout/stderr on the given descriptors.
pid_t spawn(ExecImage& image, int out_fd, int err_fd)
{
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid > 0)
        return pid;
    // The child: a daemon left behind by a crashed test would disturb the next one.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)
        ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (const int sig : {SIGPIPE, SIGHUP, SIGTERM, SIGINT, SIGCHLD, SIGUSR1, SIGUSR2})
        ::sigaction(sig, &default_action, nullptr);
    const int in_fd = ::open("/dev/null", O_RDONLY);
    if (in_fd < 0 || ::dup2(in_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
        ::dup2(err_fd, STDERR_FILENO) < 0)
        ::_exit(127);
    // Nothing else of the test process (bus connections, umockdev's sockets) is inherited.
    ::close_range(3, ~0U, 0);
    ::execve(image.path.c_str(), image.argv.data(), image.envp.data());
    ::_exit(127);
}

int open_output(const std::filesystem::path& output)
{
    const int fd = output.empty()
                       ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                       : ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(),
                                "open " + (output.empty() ? "/dev/null" : output.string()));
    return fd;
}

std::string join(const std::vector<std::string>& argv)
{
    std::string line;
    for (const std::string& arg : argv)
        line += (line.empty() ? "" : " ") + arg;
    return line;
}

int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

} // namespace

ChildProcess::ChildProcess(const ChildOptions& options)
{
    ExecImage image = make_image(options.argv, options.environment);
    const int out_fd = open_output(options.output);
    try {
        pid_ = spawn(image, out_fd, out_fd);
    } catch (...) {
        ::close(out_fd);
        throw;
    }
    ::close(out_fd);
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd_ < 0) {
        const int error = errno;
        kill_and_reap();
        throw std::system_error(error, std::generic_category(), "pidfd_open");
    }
}

ChildProcess::~ChildProcess()
{
    try {
        if (!status_)
            kill_and_reap();
    } catch (const std::system_error&) {
        // Not our child any more (reaped elsewhere): nothing left to clean up.
    }
    if (pidfd_ >= 0)
        ::close(pidfd_);
}

bool ChildProcess::running()
{
    return !wait_exit(std::chrono::milliseconds(0)).has_value();
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout)
{
    if (status_)
        return status_;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            status_ = status;
            return status_;
        }
        if (done < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "waitpid");
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            return std::nullopt;
        pollfd ended{pidfd_, POLLIN, 0};
        ::poll(&ended, 1, static_cast<int>(left));
    }
}

void ChildProcess::signal(int signal) const
{
    if (!status_)
        ::kill(pid_, signal);
}

int ChildProcess::kill_and_reap()
{
    if (status_)
        return *status_;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0)
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "waitpid");
    status_ = status;
    return status;
}

std::string CommandResult::describe() const
{
    std::string text = "`" + command + "` -> " +
                       (status < 0 ? std::string("timed out") : "status " + std::to_string(status));
    if (!out.empty())
        text += "\nstdout: " + out;
    if (!err.empty())
        text += "\nstderr: " + err;
    return text;
}

CommandResult run_command(const std::vector<std::string>& argv,
                          const EnvironmentChanges& environment, std::chrono::milliseconds timeout)
{
    CommandResult result;
    result.command = join(argv);
    ExecImage image = make_image(argv, environment);
    std::array<int, 2> out_pipe{};
    std::array<int, 2> err_pipe{};
    if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    if (::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    pid_t pid = -1;
    try {
        pid = spawn(image, out_pipe[1], err_pipe[1]);
    } catch (...) {
        for (const int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
            ::close(fd);
        throw;
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);

    const auto deadline = Clock::now() + timeout;
    std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    bool timed_out = false;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        if (::poll(fds.data(), fds.size(), static_cast<int>(left)) < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "poll");
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            std::array<char, 4096> buffer{};
            const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (n > 0) {
                sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (const pollfd& fd : fds)
        if (fd.fd >= 0)
            ::close(fd.fd);
    if (timed_out)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "waitpid");
    result.status = timed_out ? -1 : exit_code(status);
    return result;
}

std::string describe_wait_status(int status)
{
    if (WIFEXITED(status))
        return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "signal " + std::to_string(WTERMSIG(status)) + " (" +
               ::sigdescr_np(WTERMSIG(status)) + ")";
    return "wait status " + std::to_string(status);
}

} // namespace cmrd::service::testing
