// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/realtime_scheduling.hpp"

#include <cerrno>

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/rtkit_client.hpp"
#include "errno_text.hpp"

namespace cmrd::capture {
namespace {

void append_detail(std::string& detail, const std::string& text)
{
    if (!detail.empty())
        detail += "; ";
    detail += text;
}

} // namespace

RealtimeGrant make_this_thread_realtime(const RealtimeRequest& request)
{
    RealtimeGrant grant;
    if (!request.enabled) {
        grant.detail = "real-time scheduling disabled by configuration";
        return grant;
    }

    // Lock first: a real-time thread that page-faults waits on the disk like anyone else.
    // As an ordinary user this fails with ENOMEM (RLIMIT_MEMLOCK) or EPERM; not fatal.
    if (request.lock_memory) {
        if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0)
            grant.memory_locked = true;
        else
            append_detail(grant.detail, "mlockall: " + common::errno_text(errno));
    }

    // sched_setscheduler(0, ...) acts on the calling thread on Linux (pthread_setschedparam
    // rejects the SCHED_RESET_ON_FORK flag).
    sched_param param{};
    param.sched_priority = request.priority;
    if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0) {
        grant.mode = RealtimeMode::sched_fifo;
        grant.priority = request.priority;
        return grant;
    }
    append_detail(grant.detail, "SCHED_FIFO: " + common::errno_text(errno));

    if (request.use_rtkit) {
        // rtkit sets SCHED_RESET_ON_FORK itself.
        const RtkitResult rtkit = rtkit_make_thread_realtime(gettid(), request.priority);
        if (rtkit.granted) {
            grant.mode = RealtimeMode::rtkit;
            grant.priority = rtkit.priority;
            return grant;
        }
        append_detail(grant.detail, rtkit.detail);
    }
    return grant;
}

} // namespace cmrd::capture
