// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/busy_retry.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace cmrd::capture {
namespace {

// An inotify watch on the device directory; invalid (fd -1) when the directory cannot be
// watched, which only costs the early wake-up.
class DeviceDirWatch {
public:
    explicit DeviceDirWatch(const std::string& dir)
    {
        if (dir.empty())
            return;
        fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd_ < 0)
            return;
        // Closing a node is how a busy device becomes free; creating/removing one is a card
        // (re)appearing. alsa-lib's own opens of control nodes are filtered out by name below.
        if (inotify_add_watch(fd_, dir.c_str(),
                              IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_CREATE | IN_DELETE) < 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~DeviceDirWatch()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    DeviceDirWatch(const DeviceDirWatch&) = delete;
    DeviceDirWatch& operator=(const DeviceDirWatch&) = delete;

    [[nodiscard]] int fd() const { return fd_; }

    /// Reads all pending events; true if one concerned a capture PCM node.
    bool capture_node_changed() const
    {
        bool relevant = false;
        alignas(inotify_event) std::array<char, 4096> buffer{};
        for (;;) {
            const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
            if (n <= 0)
                return relevant;
            for (ssize_t pos = 0; pos < n;) {
                inotify_event event{};
                std::memcpy(&event, buffer.data() + pos, sizeof event);
                const std::string_view name(
                    buffer.data() + pos + sizeof event,
                    ::strnlen(buffer.data() + pos + sizeof event, event.len));
                // Capture PCM nodes are pcmC<card>D<device>c.
                if (name.starts_with("pcmC") && name.ends_with('c'))
                    relevant = true;
                pos += static_cast<ssize_t>(sizeof event + event.len);
            }
        }
    }

private:
    int fd_ = -1;
};

enum class Wake { timeout, device_changed, stop };

Wake wait(int stop_fd, const DeviceDirWatch& watch, std::chrono::milliseconds delay)
{
    const auto deadline = std::chrono::steady_clock::now() + delay;
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return Wake::timeout;
        std::array<pollfd, 2> fds{pollfd{stop_fd, POLLIN, 0}, pollfd{watch.fd(), POLLIN, 0}};
        const nfds_t count = watch.fd() >= 0 ? 2 : 1;
        const int r = ::poll(fds.data(), count, static_cast<int>(left.count()));
        if (r < 0 && errno != EINTR)
            return Wake::timeout; // poll itself failed: fall back to plain retrying
        if (r <= 0)
            continue;
        if ((fds[0].revents & POLLIN) != 0)
            return Wake::stop;
        if (count == 2 && (fds[1].revents & POLLIN) != 0 && watch.capture_node_changed())
            return Wake::device_changed;
    }
}

} // namespace

std::chrono::milliseconds busy_backoff_delay(const BusyRetryConfig& config, int n)
{
    std::chrono::milliseconds delay = config.initial;
    for (int i = 0; i < n && delay < config.max; ++i)
        delay *= 2;
    return std::min(delay, config.max);
}

std::optional<int> retry_while_busy(const BusyRetryConfig& config, int stop_fd,
                                    const std::function<int()>& attempt,
                                    const std::function<std::string()>& yield_to,
                                    const std::function<void(const BusyWait& wait)>& on_wait)
{
    // Watch before the first attempt, so that a release between a refused attempt and the
    // wait is not missed.
    const DeviceDirWatch watch(config.device_dir);
    const DeviceDirWatch no_watch("");
    int result = attempt();
    for (int n = 0; result == -EBUSY; ++n) {
        const BusyWait next{busy_backoff_delay(config, n), yield_to()};
        on_wait(next);
        // While yielding, each back-off is waited out whole: the holder closing its node
        // (what the watch reports) is exactly what must not bring the device back.
        const bool yielding = !next.yielding_to.empty();
        if (wait(stop_fd, yielding ? no_watch : watch, next.delay) == Wake::stop)
            return std::nullopt;
        if (yielding && !yield_to().empty())
            continue; // still leaving the device to its holder: no attempt
        result = attempt();
    }
    return result;
}

} // namespace cmrd::capture
