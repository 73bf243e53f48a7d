// SPDX-License-Identifier: GPL-2.0-or-later
#include "sim_config.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include <alsa/asoundlib.h>

namespace cmr::sim {

namespace {

[[noreturn]] void fail(std::string_view key, const std::string& problem)
{
    throw ConfigError(std::string(key) + ": " + problem);
}

std::string string_value(snd_config_t* node, std::string_view key)
{
    const char* text = nullptr;
    if (snd_config_get_string(node, &text) < 0 || text == nullptr)
        fail(key, "expected a string");
    return text;
}

std::filesystem::path path_value(snd_config_t* node, std::string_view key)
{
    std::filesystem::path path = string_value(node, key);
    if (path.empty() || !path.is_absolute())
        fail(key, "expected an absolute path, got \"" + path.string() + "\"");
    return path;
}

long integer_value(snd_config_t* node, std::string_view key)
{
    long value = 0;
    if (snd_config_get_integer(node, &value) < 0)
        fail(key, "expected an integer");
    return value;
}

/// A list written `[ a b c ]` (an ALSA compound) or a single value.
template <typename Read> void for_each_value(snd_config_t* node, std::string_view key, Read read)
{
    if (snd_config_get_type(node) != SND_CONFIG_TYPE_COMPOUND) {
        read(node);
        return;
    }
    snd_config_iterator_t i = nullptr;
    snd_config_iterator_t next = nullptr;
    bool any = false;
    snd_config_for_each(i, next, node)
    {
        read(snd_config_iterator_entry(i));
        any = true;
    }
    if (!any)
        fail(key, "the list is empty");
}

} // namespace

SimConfig parse_config(snd_config_t* conf)
{
    SimConfig config;
    snd_config_iterator_t i = nullptr;
    snd_config_iterator_t next = nullptr;
    snd_config_for_each(i, next, conf)
    {
        snd_config_t* node = snd_config_iterator_entry(i);
        const char* id_text = nullptr;
        if (snd_config_get_id(node, &id_text) < 0 || id_text == nullptr)
            continue;
        const std::string_view id = id_text;
        if (id == "comment" || id == "type" || id == "hint")
            continue;
        if (id == "channels") {
            const long channels = integer_value(node, id);
            if (channels < 1 || channels > 1024)
                fail(id, "must be 1 to 1024, got " + std::to_string(channels));
            config.channels = static_cast<int>(channels);
        } else if (id == "formats") {
            for_each_value(node, id, [&](snd_config_t* value) {
                const std::string name = string_value(value, id);
                const std::optional<SampleFormat> format = parse_sample_format(name);
                if (!format)
                    fail(id, "unknown format \"" + name +
                                 "\" (S16_LE, S24_LE, S24_3LE, S32_LE or FLOAT_LE)");
                if (std::find(config.formats.begin(), config.formats.end(), *format) ==
                    config.formats.end())
                    config.formats.push_back(*format);
            });
        } else if (id == "rates") {
            for_each_value(node, id, [&](snd_config_t* value) {
                const long rate = integer_value(value, id);
                if (rate < 1000 || rate > 768000)
                    fail(id, "rates must be 1000 to 768000 Hz, got " + std::to_string(rate));
                const auto r = static_cast<unsigned>(rate);
                if (std::find(config.rates.begin(), config.rates.end(), r) == config.rates.end())
                    config.rates.push_back(r);
            });
        } else if (id == "scenario") {
            config.scenario = path_value(node, id);
        } else if (id == "file") {
            config.recording = path_value(node, id);
        } else if (id == "control") {
            config.control = path_value(node, id);
        } else if (id == "lock") {
            config.lock = path_value(node, id);
        } else {
            fail(id, "unknown key (channels, formats, rates, scenario, file, control, lock)");
        }
    }
    if (config.scenario.empty() == config.recording.empty())
        fail(config.scenario.empty() ? "scenario" : "file",
             config.scenario.empty() ? "missing: give the signal source, `scenario` (a TOML file) "
                                       "or `file` (a recording)"
                                     : "give either `scenario` or `file`, not both");
    if (config.formats.empty())
        config.formats = {SampleFormat::s16_le, SampleFormat::s24_le, SampleFormat::s24_3le,
                          SampleFormat::s32_le, SampleFormat::float_le};
    std::sort(config.rates.begin(), config.rates.end());
    return config;
}

} // namespace cmr::sim
