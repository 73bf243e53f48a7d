// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/realtime_path.hpp"

namespace cmrd::capture {
namespace {
// constinit: initialised statically, so no TLS wrapper or guard runs on first access (which
// matters when the caller is an allocator).
constinit thread_local bool realtime_path = false;
} // namespace

bool on_realtime_path() noexcept
{
    return realtime_path;
}

RealtimePathScope::RealtimePathScope() noexcept
{
    realtime_path = true;
}

RealtimePathScope::~RealtimePathScope()
{
    realtime_path = false;
}

} // namespace cmrd::capture
