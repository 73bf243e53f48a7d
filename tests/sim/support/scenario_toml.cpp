// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario_toml.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace cmr::sim {

namespace {

/// A TOML number that reads back as exactly @p value.
std::string number(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value < 0 ? "-inf" : "inf";
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

/// A TOML basic string.
std::string quoted(const std::string& text)
{
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04x", u);
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string number_list(const std::vector<double>& values)
{
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i == 0 ? "" : ", ") + number(values[i]);
    return out + "]";
}

std::string hum(const synth::HumSpec& h)
{
    return "{ level_dbfs = " + number(h.level_dbfs) + ", profile = " + number_list(h.profile) +
           " }";
}

bool is_default(const synth::HumSpec& h)
{
    return h.level_dbfs == synth::absent_db && h.profile == synth::HarmonicProfile{0.0};
}

std::string programme(const synth::ProgrammeSpec& p, bool is_pair)
{
    std::string out = "{ kind = " + quoted(std::string(synth::to_string(p.kind)));
    if (is_pair)
        out += ", symmetry = " + quoted(std::string(synth::to_string(p.symmetry)));
    switch (p.kind) {
    case synth::ProgrammeKind::silence:
        break;
    case synth::ProgrammeKind::sine:
        out +=
            ", level_dbfs = " + number(p.level_dbfs) + ", frequency_hz = " + number(p.frequency_hz);
        break;
    case synth::ProgrammeKind::white_noise:
    case synth::ProgrammeKind::pink_noise:
        out += ", level_dbfs = " + number(p.level_dbfs);
        break;
    case synth::ProgrammeKind::music:
        out += ", level_dbfs = " + number(p.level_dbfs) +
               ", notes_hz = " + number_list(p.music.notes_hz) +
               ", note_s = " + number(p.music.note_s) + ", decay_s = " + number(p.music.decay_s) +
               ", broadband_db = " + number(p.music.broadband_db);
        break;
    case synth::ProgrammeKind::file:
        out += ", path = " + quoted(p.file.path.string()) +
               ", channel = " + std::to_string(p.file.channel) +
               ", gain_db = " + number(p.level_dbfs) +
               ", loop = " + (p.file.loop ? "true" : "false");
        break;
    }
    return out + " }";
}

std::string_view param_name(synth::Param param)
{
    switch (param) {
    case synth::Param::mains_frequency_hz:
        return "mains.frequency_hz";
    case synth::Param::cm_hum_level_dbfs:
        return "cm_hum.level_dbfs";
    case synth::Param::diff_hum_level_dbfs:
        return "diff_hum.level_dbfs";
    case synth::Param::hum_level_dbfs:
        return "hum.level_dbfs";
    case synth::Param::programme_level_dbfs:
        return "programme.level_dbfs";
    case synth::Param::programme_symmetry:
        return "programme.symmetry";
    case synth::Param::noise_dbfs:
        return "noise_dbfs";
    case synth::Param::mismatch:
        return "mismatch";
    }
    return "?";
}

} // namespace

std::string to_toml(const synth::Scenario& s)
{
    if (s.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw std::invalid_argument("to_toml: a scenario file cannot hold seed " +
                                    std::to_string(s.seed));
    std::ostringstream out;
    out << "# Written by cmr::sim::to_toml (tests/sim/support/scenario_toml.cpp).\n";
    out << "sample_rate = " << s.sample_rate << "\n";
    out << "duration_s = " << number(s.duration_s) << "\n";
    out << "inputs = " << s.inputs << "\n";
    out << "seed = " << s.seed << "\n";
    out << "noise_dbfs = " << number(s.noise_dbfs) << "\n";
    out << "\n[mains]\n";
    out << "frequency_hz = " << number(s.mains.frequency_hz) << "\n";
    out << "drift_mhz_per_sqrt_s = " << number(s.mains.drift_mhz_per_sqrt_s) << "\n";

    for (const synth::PairSpec& p : s.pairs) {
        out << "\n[[pair]]\n";
        out << "hot = " << p.hot << "\ncold = " << p.cold << "\n";
        out << "mismatch = " << number(p.mismatch) << "\n";
        if (p.noise_dbfs)
            out << "noise_dbfs = " << number(*p.noise_dbfs) << "\n";
        if (!is_default(p.cm_hum))
            out << "cm_hum = " << hum(p.cm_hum) << "\n";
        if (!is_default(p.diff_hum))
            out << "diff_hum = " << hum(p.diff_hum) << "\n";
        out << "programme = " << programme(p.programme, true) << "\n";
    }
    for (const synth::SingleSpec& single : s.singles) {
        out << "\n[[single]]\n";
        out << "input = " << single.input << "\n";
        if (single.noise_dbfs)
            out << "noise_dbfs = " << number(*single.noise_dbfs) << "\n";
        if (!is_default(single.hum))
            out << "hum = " << hum(single.hum) << "\n";
        out << "programme = " << programme(single.programme, false) << "\n";
    }
    for (const synth::Event& e : s.events) {
        out << "\n[[event]]\n";
        out << "at_s = " << number(e.at_s) << "\n";
        if (!e.channel.empty())
            out << "channel = " << quoted(e.channel) << "\n";
        out << "set = " << quoted(std::string(param_name(e.param))) << "\n";
        if (e.param == synth::Param::programme_symmetry) {
            out << "to = " << quoted(std::string(synth::to_string(e.symmetry))) << "\n";
            continue;
        }
        out << (e.relative ? "by = " : "to = ") << number(e.value) << "\n";
        out << "ramp_s = " << number(e.ramp_s) << "\n";
    }
    return out.str();
}

} // namespace cmr::sim
