// SPDX-License-Identifier: GPL-2.0-or-later
#include "headless_pipewire.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;

/// Debian's pipewire.conf with its context.objects replaced by a dummy driver and the node.
std::string pipewire_conf(const std::string& pcm, int channels)
{
    std::string conf = read_text_file("/usr/share/pipewire/pipewire.conf");
    const std::size_t begin = conf.find("context.objects = [");
    const std::size_t end = conf.find("\n]\n", begin);
    if (begin == std::string::npos || end == std::string::npos)
        throw std::runtime_error("no context.objects in /usr/share/pipewire/pipewire.conf");
    std::string positions;
    for (int i = 0; i < channels; ++i)
        positions += " AUX" + std::to_string(i);
    const std::string objects =
        "context.objects = [\n"
        "    { factory = spa-node-factory args = { factory.name = support.node.driver\n"
        "        node.name = Dummy-Driver node.group = pipewire.dummy priority.driver = 20000 } }\n"
        "    { factory = adapter args = { factory.name = api.alsa.pcm.source\n"
        "        node.name = cmrd-test-source media.class = Audio/Source\n"
        "        api.alsa.path = \"" +
        pcm + "\" audio.channels = " + std::to_string(channels) +
        "\n        audio.rate = 48000 audio.format = S32LE audio.position = [" + positions +
        " ]\n        priority.driver = 30000 } }\n]\n";
    return conf.substr(0, begin) + objects + conf.substr(end + 3);
}

} // namespace

HeadlessPipeWire::HeadlessPipeWire(const std::string& pcm, int channels) : channels_(channels)
{
    std::filesystem::create_directory((dir_ / "run"));
    ::chmod((dir_ / "run").c_str(), 0700);
    const std::filesystem::path conf = (dir_ / "pipewire.conf");
    write_text_file(conf, pipewire_conf(pcm, channels));

    bus_ = std::make_unique<ChildProcess>(
        ChildOptions{{"dbus-daemon", "--config-file=/usr/share/dbus-1/session.conf", "--nofork",
                      "--address=unix:path=" + (dir_ / "bus").string()},
                     environment(),
                     (dir_ / "bus.log")});
    for (auto waited = 0ms; !std::filesystem::exists((dir_ / "bus")); waited += 50ms) {
        if (waited > 5s)
            throw std::runtime_error("the session bus did not start:\n" + log());
        std::this_thread::sleep_for(50ms);
    }
    pipewire_ = std::make_unique<ChildProcess>(
        ChildOptions{{"pipewire", "-c", conf.string()}, environment(), (dir_ / "pipewire.log")});
    wireplumber_ = std::make_unique<ChildProcess>(
        ChildOptions{{"wireplumber"}, environment(), (dir_ / "wireplumber.log")});
    for (auto waited = 0ms;; waited += 200ms) {
        const CommandResult nodes = run_command({"pw-cli", "ls", "Node"}, environment(), 5s);
        if (nodes.ok() && nodes.out.find("cmrd-test-source") != std::string::npos)
            break;
        if (waited > 10s)
            throw std::runtime_error("PipeWire's node did not appear:\n" + nodes.describe() + "\n" +
                                     log());
        std::this_thread::sleep_for(200ms);
    }
}

HeadlessPipeWire::~HeadlessPipeWire()
{
    stop();
}

void HeadlessPipeWire::stop()
{
    if (wireplumber_)
        wireplumber_->kill_and_reap();
    if (pipewire_)
        pipewire_->kill_and_reap();
}

EnvironmentChanges HeadlessPipeWire::environment() const
{
    return {{"XDG_RUNTIME_DIR", (dir_ / "run").string()},
            {"PIPEWIRE_RUNTIME_DIR", (dir_ / "run").string()},
            {"DBUS_SESSION_BUS_ADDRESS", "unix:path=" + (dir_ / "bus").string()},
            // Outside any umockdev testbed: these stand for the real machine's processes.
            {"LD_PRELOAD", std::nullopt},
            {"UMOCKDEV_DIR", std::nullopt}};
}

HeadlessPipeWire::Recording HeadlessPipeWire::record(std::chrono::milliseconds duration)
{
    std::string map;
    for (int i = 0; i < channels_; ++i)
        map += (i == 0 ? "AUX" : ",AUX") + std::to_string(i);
    const std::filesystem::path file = (dir_ / "recording.wav");
    std::filesystem::remove(file);
    Recording r;
    const auto seconds = std::chrono::duration<double>(duration).count();
    r.command =
        run_command({"timeout", "--signal=INT", std::to_string(seconds), "pw-record", "--target",
                     "cmrd-test-source", "--channels", std::to_string(channels_), "--channel-map",
                     map, "--format", "s32", "-P", "{ stream.dont-remix = true }", file.string()},
                    environment(), duration + 10s);
    std::error_code ec;
    r.bytes = std::filesystem::file_size(file, ec);
    if (ec)
        r.bytes = 0;
    r.seconds = static_cast<double>(r.bytes) / (channels_ * 4.0 * 48000.0);
    return r;
}

std::string HeadlessPipeWire::log() const
{
    return "--- pipewire:\n" + read_text_file((dir_ / "pipewire.log")) + "--- wireplumber:\n" +
           read_text_file((dir_ / "wireplumber.log")) + "--- bus:\n" +
           read_text_file((dir_ / "bus.log"));
}

} // namespace cmrd::service::testing
