// SPDX-License-Identifier: GPL-2.0-or-later
#include "service/channel_values.hpp"

#include <cmath>
#include <limits>

namespace cmrd::service {
namespace {

bool same_number(std::optional<double> a, std::optional<double> b)
{
    const double x = bus_number(a);
    const double y = bus_number(b);
    return (std::isnan(x) && std::isnan(y)) || x == y;
}

bool same_harmonics(const cmr::HarmonicList& a, const cmr::HarmonicList& b)
{
    if (a.count != b.count)
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].k != b[i].k || a[i].hz != b[i].hz || !same_number(a[i].dbfs, b[i].dbfs))
            return false;
    return true;
}

} // namespace

double bus_number(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return std::numeric_limits<double>::quiet_NaN();
    return *value;
}

std::vector<BusHarmonic> bus_harmonics(const cmr::HarmonicList& harmonics)
{
    std::vector<BusHarmonic> out;
    out.reserve(harmonics.size());
    for (const cmr::Harmonic& h : harmonics)
        out.emplace_back(static_cast<std::uint32_t>(h.k), h.hz, bus_number(h.dbfs));
    return out;
}

std::string bus_cmrr_kind(const cmr::ChannelResult& result)
{
    return result.spec.is_pair() ? std::string(cmr::to_string(result.cmrr_kind)) : std::string();
}

std::string bus_symmetry(const cmr::ChannelResult& result)
{
    return result.symmetry ? std::string(cmr::to_string(*result.symmetry)) : std::string();
}

std::vector<std::string> changed_channel_properties(const ChannelFigures& before,
                                                    const ChannelFigures& after)
{
    const cmr::ChannelResult& a = before.result;
    const cmr::ChannelResult& b = after.result;
    std::vector<std::string> names;
    const auto check = [&names](bool same, const char* name) {
        if (!same)
            names.emplace_back(name);
    };
    check(same_number(a.mains_hz, b.mains_hz), "MainsHz");
    check(same_number(a.level_dbfs, b.level_dbfs), "LevelDbfs");
    check(same_number(a.hum_dbfs, b.hum_dbfs), "HumDbfs");
    check(same_harmonics(a.harmonics, b.harmonics), "Harmonics");
    check(same_number(a.cm_hum_dbfs, b.cm_hum_dbfs), "CmHumDbfs");
    check(same_harmonics(a.cm_harmonics, b.cm_harmonics), "CmHarmonics");
    check(same_number(a.cmrr_db, b.cmrr_db), "CmrrDb");
    check(bus_cmrr_kind(a) == bus_cmrr_kind(b), "CmrrKind");
    check(bus_symmetry(a) == bus_symmetry(b), "Symmetry");
    check(same_number(a.leg_gain_db, b.leg_gain_db), "LegGainDb");
    check(before.alarm == after.alarm, "Alarm");
    check(before.active_alarms == after.active_alarms, "ActiveAlarms");
    check(before.stream_time_s == after.stream_time_s, "StreamTime");
    return names;
}

} // namespace cmrd::service
