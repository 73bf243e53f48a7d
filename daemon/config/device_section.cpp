// SPDX-License-Identifier: GPL-2.0-or-later
// [[device]] entries: static devices and udev matches, with their alarm, capture and channel
// overrides.
#include <algorithm>
#include <string>

#include "cmr/layout.hpp"

#include "config/config_sections.hpp"
#include "config/device_name.hpp"
#include "config/effective_settings.hpp"

namespace cmrd::config {
namespace {

int line_of(const toml::node& node)
{
    return static_cast<int>(node.source().begin.line);
}

/// `channels`: a layout, stored in canonical form.
std::string read_layout(TableReader& reader)
{
    const std::optional<std::string> text = reader.string("channels");
    if (!text)
        return {};
    try {
        return cmr::format_layout(cmr::parse_layout(*text));
    } catch (const cmr::LayoutError& error) {
        reader.fail("channels", error.what());
    }
}

/// `id` of a [[device.channel]]: one channel of the layout syntax, in canonical form.
std::string read_channel_id(TableReader& reader, const std::string& device_layout)
{
    const std::optional<std::string> text = reader.string("id");
    if (!text)
        reader.fail("id", "missing: every [[device.channel]] needs an id (\"1/2\" or \"7\")");
    cmr::Layout parsed;
    try {
        parsed = cmr::parse_layout(*text);
    } catch (const cmr::LayoutError& error) {
        reader.fail("id", error.what());
    }
    if (parsed.size() != 1)
        reader.fail("id", "expected one channel (\"1/2\" or \"7\"), got \"" + *text + "\"");
    if (!device_layout.empty()) {
        const cmr::Layout layout = cmr::parse_layout(device_layout);
        if (std::find(layout.begin(), layout.end(), parsed.front()) == layout.end())
            reader.fail("id", "channel " + parsed.front().id() +
                                  " is not in the device's channels (\"" + device_layout + "\")");
    }
    return parsed.front().id();
}

void read_channels(TableReader& device_reader, DeviceConfig& device,
                   const cmr::AlarmThresholds& device_thresholds)
{
    const toml::array* entries = device_reader.table_array("channel", "[[device.channel]]");
    if (entries == nullptr)
        return;
    for (std::size_t index = 0; index < entries->size(); ++index) {
        const toml::table& table = *(*entries)[index].as_table();
        TableReader reader(table,
                           device_reader.key_path("channel") + '[' + std::to_string(index) + ']',
                           device_reader.source());
        ChannelConfig channel;
        channel.line = line_of(table);
        channel.id = read_channel_id(reader, device.channels);
        for (const ChannelConfig& earlier : device.channels_cfg)
            if (earlier.id == channel.id)
                reader.fail("id", "channel " + channel.id + " already has an entry (line " +
                                      std::to_string(earlier.line) + ")");
        channel.alarms = read_alarm_keys(reader, device_thresholds);
        reader.reject_unknown_keys();
        device.channels_cfg.push_back(std::move(channel));
    }
}

void read_device_capture(TableReader& device_reader, DeviceConfig& device,
                         const CaptureSettings& global)
{
    const toml::table* table = device_reader.table("capture");
    if (table == nullptr)
        return;
    TableReader reader(*table, device_reader.key_path("capture"), device_reader.source());
    device.rate = read_rate(reader);
    device.period_us = read_period_us(reader);
    device.access = read_access(reader);
    if (device.period_us)
        check_periods_fit(reader, "period_ms", global.buffer_us, *device.period_us);
    reader.reject_unknown_keys();
}

/// `pcm` (a static device) or the match keys `card`, `serial`, `path` (a udev match).
void read_identity(TableReader& reader, DeviceConfig& device)
{
    device.pcm = reader.string("pcm").value_or("");
    device.card = reader.string("card").value_or("");
    device.serial = reader.string("serial").value_or("");
    device.path = reader.string("path").value_or("");
    const bool matches = !device.card.empty() || !device.serial.empty() || !device.path.empty();
    if (device.is_static() && matches) {
        const char* key = !device.card.empty()     ? "card"
                          : !device.serial.empty() ? "serial"
                                                   : "path";
        reader.fail(key, "a device is either static (pcm) or matches a card (card, serial, "
                         "path), not both");
    }
    if (!device.is_static() && !matches)
        reader.fail_here("needs pcm (a static device) or card, serial or path (to match a "
                         "card)");
}

DeviceConfig read_device(TableReader& reader, const DaemonConfig& config)
{
    DeviceConfig device;
    device.line = line_of(reader.toml_table());
    const std::optional<std::string> name = reader.string("name");
    if (!name)
        reader.fail("name", "missing: every [[device]] needs a name");
    if (!is_valid_device_name(*name))
        reader.fail("name", "\"" + *name +
                                "\" is not a valid name (1 to 64 characters: A-Z a-z "
                                "0-9 _ -)");
    for (const DeviceConfig& earlier : config.devices)
        if (earlier.name == *name)
            reader.fail("name", "duplicate name \"" + *name + "\" (first used at line " +
                                    std::to_string(earlier.line) + ")");
    device.name = *name;
    read_identity(reader, device);
    device.channels = read_layout(reader);

    if (const toml::table* alarms = reader.table("alarms")) {
        TableReader alarm_reader(*alarms, reader.key_path("alarms"), reader.source());
        device.alarms = read_alarm_keys(alarm_reader, config.alarms);
        alarm_reader.reject_unknown_keys();
    }
    read_device_capture(reader, device, config.capture);
    read_channels(reader, device, apply_overrides(config.alarms, device.alarms));
    reader.reject_unknown_keys();
    return device;
}

} // namespace

void read_device_sections(TableReader& root, DaemonConfig& config)
{
    const toml::array* entries = root.table_array("device", "[[device]]");
    if (entries == nullptr)
        return;
    for (std::size_t index = 0; index < entries->size(); ++index) {
        TableReader reader(*(*entries)[index].as_table(), "device[" + std::to_string(index) + ']',
                           root.source());
        config.devices.push_back(read_device(reader, config));
    }
}

} // namespace cmrd::config
