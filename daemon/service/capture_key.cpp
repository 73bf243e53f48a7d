// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/capture_key.hpp"

#include "cmr/layout.hpp"

namespace cmrd::service {

CaptureKey capture_key_of(const DeviceSetup& setup)
{
    const capture::CaptureConfig& c = setup.capture;
    CaptureKey key;
    key.origin = setup.identity.origin;
    key.pcm = c.pcm;
    key.layout = cmr::format_layout(c.layout);
    key.rate = c.rate;
    key.period_us = c.period_us;
    key.buffer_us = c.buffer_us;
    key.realtime = c.realtime.enabled;
    key.realtime_priority = c.realtime.priority;
    key.access = c.access;
    key.mains = c.analysis.mains;
    key.harmonics = c.analysis.harmonics;
    return key;
}

} // namespace cmrd::service
