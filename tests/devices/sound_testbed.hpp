// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file sound_testbed.hpp
/// Fake sound cards for libudev, with umockdev: the test binary runs under umockdev-wrapper,
/// whose preload library shows libudev (sysfs, /dev, uevents) the testbed instead of the
/// machine. Cards are built the way the kernel and udev build them: the `cardN` device, its
/// `controlCN` child with a node under /dev/snd, and SOUND_INITIALIZED set by a `change` once
/// everything is there (78-sound-card.rules).

#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <umockdev.h>

namespace cmrd::devices::testing {

/// udev properties or sysfs attributes, by name.
using Values = std::map<std::string, std::string>;

/// A card to add: its index, ALSA id and udev properties (ID_SERIAL, CMRD_MONITOR, ...).
struct FakeCard {
    int number = 1;
    std::string id = "UMC1820";
    Values properties;
};

class SoundTestbed {
public:
    /// @throws std::runtime_error when not running under umockdev (umockdev-wrapper).
    SoundTestbed() : testbed_(umockdev_testbed_new())
    {
        if (umockdev_in_mock_environment() == 0)
            throw std::runtime_error("not running under umockdev: start this test binary with "
                                     "umockdev-wrapper (meson test does)");
        gchar* root = umockdev_testbed_get_root_dir(testbed_);
        root_ = root;
        g_free(root);
    }
    ~SoundTestbed() { g_object_unref(testbed_); }
    SoundTestbed(const SoundTestbed&) = delete;
    SoundTestbed& operator=(const SoundTestbed&) = delete;

    /// Adds a device and returns its syspath; umockdev sends its `add` uevent.
    std::string add_device(const char* subsystem, const std::string& name,
                           const std::string& parent, const Values& attributes,
                           const Values& properties)
    {
        std::vector<gchar*> attrs = flatten(attributes);
        std::vector<gchar*> props = flatten(properties);
        gchar* syspath = umockdev_testbed_add_devicev(testbed_, subsystem, name.c_str(),
                                                      parent.empty() ? nullptr : parent.c_str(),
                                                      attrs.data(), props.data());
        if (syspath == nullptr)
            throw std::runtime_error("umockdev_testbed_add_devicev failed for " + name);
        std::string result = syspath;
        g_free(syspath);
        return result;
    }

    /// The card's `cardN` device, ready at once: SOUND_INITIALIZED is in its `add` event, as a
    /// card looks when it was there before the watcher started. With @p with_node its control
    /// node exists (created before the card, as the kernel does).
    std::string add_ready_card(const FakeCard& card, bool with_node = true)
    {
        if (with_node)
            create_control_node(card.number);
        Values properties = card.properties;
        properties["SOUND_INITIALIZED"] = "1";
        const std::string syspath = add_card_device(card, properties);
        add_control_device(syspath, card.number);
        return syspath;
    }

    /// The card as the kernel and udev bring it: `add` of the card (not initialized yet), `add`
    /// of its control device, then a `change` of the card with SOUND_INITIALIZED.
    std::string plug_card(const FakeCard& card)
    {
        const std::string syspath = add_uninitialized_card(card);
        initialize(syspath);
        return syspath;
    }

    /// The card, its control device and node, without SOUND_INITIALIZED (udev not done).
    std::string add_uninitialized_card(const FakeCard& card)
    {
        create_control_node(card.number);
        const std::string syspath = add_card_device(card, card.properties);
        add_control_device(syspath, card.number);
        return syspath;
    }

    /// What 78-sound-card.rules does on the card's `change`: SOUND_INITIALIZED=1.
    void initialize(const std::string& card_syspath)
    {
        set_property(card_syspath, "SOUND_INITIALIZED", "1");
        uevent(card_syspath, "change");
    }

    void set_property(const std::string& syspath, const char* key, const std::string& value)
    {
        umockdev_testbed_set_property(testbed_, syspath.c_str(), key, value.c_str());
    }

    void uevent(const std::string& syspath, const char* action)
    {
        umockdev_testbed_uevent(testbed_, syspath.c_str(), action);
    }

    /// Unplugging: `remove` events (children first, as the kernel sends them), then the
    /// devices and the node go.
    void unplug_card(const std::string& card_syspath, int number)
    {
        const std::string control = card_syspath + "/controlC" + std::to_string(number);
        uevent(control, "remove");
        uevent(card_syspath, "remove");
        // One by one: umockdev removes the class links of the device it is given only.
        umockdev_testbed_remove_device(testbed_, control.c_str());
        umockdev_testbed_remove_device(testbed_, card_syspath.c_str());
        remove_control_node(number);
    }

    /// A device gone without a `remove` event, as when events are lost.
    void remove_device_silently(const std::string& syspath)
    {
        umockdev_testbed_remove_device(testbed_, syspath.c_str());
    }

    /// The file that stands for /dev/snd/controlC<number> inside the testbed.
    [[nodiscard]] std::filesystem::path control_node(int number) const
    {
        return std::filesystem::path(root_) / "dev" / "snd" / ("controlC" + std::to_string(number));
    }

    void create_control_node(int number)
    {
        const auto node = control_node(number);
        std::filesystem::create_directories(node.parent_path());
        std::FILE* file = std::fopen(node.c_str(), "w");
        if (file == nullptr)
            throw std::runtime_error("cannot create " + node.string());
        std::fclose(file);
    }

    void remove_control_node(int number) { std::filesystem::remove(control_node(number)); }

    /// Writes (or replaces) a file of the testbed: umockdev shows paths under /dev, /sys and
    /// /proc that exist in the testbed instead of the real ones, e.g. the status file of a
    /// card's PCM substream, "proc/asound/card1/pcm0c/sub0/status".
    void write_file(const std::filesystem::path& relative, const std::string& text)
    {
        const auto path = std::filesystem::path(root_) / relative;
        std::filesystem::create_directories(path.parent_path());
        std::FILE* file = std::fopen(path.c_str(), "w");
        if (file == nullptr || std::fputs(text.c_str(), file) < 0)
            throw std::runtime_error("cannot write " + path.string());
        std::fclose(file);
    }

private:
    static std::vector<gchar*> flatten(const Values& values)
    {
        std::vector<gchar*> flat;
        for (const auto& [key, value] : values) {
            // umockdev's API takes gchar** but does not modify the strings.
            flat.push_back(const_cast<gchar*>(key.c_str()));   // NOLINT
            flat.push_back(const_cast<gchar*>(value.c_str())); // NOLINT
        }
        flat.push_back(nullptr);
        return flat;
    }

    std::string add_card_device(const FakeCard& card, const Values& properties)
    {
        return add_device("sound", "card" + std::to_string(card.number), "",
                          {{"id", card.id}, {"number", std::to_string(card.number)}}, properties);
    }

    void add_control_device(const std::string& card_syspath, int number)
    {
        const std::string name = "controlC" + std::to_string(number);
        add_device(
            "sound", name, card_syspath, {{"dev", "116:" + std::to_string(number)}},
            {{"DEVNAME", "/dev/snd/" + name}, {"MAJOR", "116"}, {"MINOR", std::to_string(number)}});
    }

    UMockdevTestbed* testbed_;
    std::string root_;
};

} // namespace cmrd::devices::testing
