// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/rtkit_client.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>

#include <sys/resource.h>
#include <systemd/sd-bus.h>

#include "errno_text.hpp"

namespace cmrd::capture {
namespace {

constexpr const char* rtkit_service = "org.freedesktop.RealtimeKit1";
constexpr const char* rtkit_path = "/org/freedesktop/RealtimeKit1";
constexpr const char* rtkit_interface = "org.freedesktop.RealtimeKit1";

struct BusUnref {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using BusPtr = std::unique_ptr<sd_bus, BusUnref>;

// sd_bus_error owns its strings; free them whatever path we leave by.
struct BusError {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    BusError() = default;
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;
    ~BusError() { sd_bus_error_free(&error); }
    [[nodiscard]] std::string text(int r) const
    {
        if (error.message != nullptr)
            return std::string(error.name != nullptr ? error.name : "") + ": " + error.message;
        return common::errno_text(-r);
    }
};

// Reads one of rtkit's integer properties ("MaxRealtimePriority" is "i", "RTTimeUSecMax" is
// "x").
template <typename Value>
int read_property(sd_bus* bus, const char* name, char type, Value& value, std::string& detail)
{
    BusError error;
    const int r = sd_bus_get_property_trivial(bus, rtkit_service, rtkit_path, rtkit_interface, name,
                                              &error.error, type, &value);
    if (r < 0)
        detail = std::string("rtkit ") + name + ": " + error.text(r);
    return r;
}

} // namespace

RtkitResult rtkit_make_thread_realtime(pid_t thread_id, int priority, int timeout_ms)
{
    RtkitResult result;
    sd_bus* raw = nullptr;
    int r = sd_bus_open_system(&raw);
    if (r < 0) {
        result.detail = std::string("system bus: ") + common::errno_text(-r);
        return result;
    }
    const BusPtr bus(raw);
    sd_bus_set_method_call_timeout(bus.get(), static_cast<std::uint64_t>(timeout_ms) * 1000U);

    std::int32_t max_priority = 0;
    if (read_property(bus.get(), "MaxRealtimePriority", 'i', max_priority, result.detail) < 0)
        return result;
    std::int64_t rttime_max_us = 0;
    if (read_property(bus.get(), "RTTimeUSecMax", 'x', rttime_max_us, result.detail) < 0)
        return result;

    rlimit limit{};
    if (getrlimit(RLIMIT_RTTIME, &limit) == 0 && rttime_max_us > 0 &&
        (limit.rlim_max == RLIM_INFINITY || limit.rlim_max > static_cast<rlim_t>(rttime_max_us))) {
        limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(rttime_max_us);
        if (setrlimit(RLIMIT_RTTIME, &limit) != 0) {
            result.detail = std::string("RLIMIT_RTTIME: ") + common::errno_text(errno);
            return result;
        }
    }

    const int granted = std::clamp(priority, 1, std::max(1, static_cast<int>(max_priority)));
    BusError error;
    r = sd_bus_call_method(
        bus.get(), rtkit_service, rtkit_path, rtkit_interface, "MakeThreadRealtime", &error.error,
        nullptr, "tu", static_cast<std::uint64_t>(thread_id), static_cast<std::uint32_t>(granted));
    if (r < 0) {
        result.detail = "rtkit MakeThreadRealtime: " + error.text(r);
        return result;
    }
    result.granted = true;
    result.priority = granted;
    return result;
}

} // namespace cmrd::capture
