// SPDX-License-Identifier: GPL-2.0-or-later
#include "event_fd.hpp"

#include <cerrno>
#include <system_error>

#include <sys/eventfd.h>

namespace cmrd::common {

UniqueFd make_event_fd()
{
    const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
    return UniqueFd(fd);
}

void signal_event_fd(int fd) noexcept
{
    // -EAGAIN only when the counter is full, which keeps the descriptor readable: nothing lost.
    (void)eventfd_write(fd, 1);
}

bool drain_event_fd(int fd) noexcept
{
    eventfd_t count = 0;
    return eventfd_read(fd, &count) == 0 && count > 0;
}

} // namespace cmrd::common
