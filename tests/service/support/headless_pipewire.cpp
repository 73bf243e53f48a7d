// SPDX-License-Identifier: GPL-2.0-or-later
#include "headless_pipewire.hpp"

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <sys/stat.h>

namespace cmrd::service::testing {
namespace {

using namespace std::chrono_literals;

/// The node's properties: an adapter on the ALSA PCM, raw inputs AUX0... (key, value).
std::vector<std::pair<std::string, std::string>>
node_properties(const std::string& pcm, int channels, std::optional<int> card)
{
    std::string positions = "[";
    for (int i = 0; i < channels; ++i)
        positions += " AUX" + std::to_string(i);
    std::vector<std::pair<std::string, std::string>> props{
        {"factory.name", "api.alsa.pcm.source"},
        {"node.name", "cmrd-test-source"},
        {"media.class", "Audio/Source"},
        {"api.alsa.path", pcm},
        {"audio.channels", std::to_string(channels)},
        {"audio.rate", "48000"},
        {"audio.format", "S32LE"},
        {"audio.position", positions + " ]"},
        {"priority.driver", "30000"}};
    // The card the node captures, as PipeWire's ALSA monitor says it for a real card.
    if (card)
        props.emplace_back("api.alsa.pcm.card", std::to_string(*card));
    return props;
}

/// Debian's pipewire.conf with its context.objects replaced by a dummy driver and, when
/// @p node (node_properties()) is not empty, the node (else WirePlumber creates it).
std::string pipewire_conf(const std::vector<std::pair<std::string, std::string>>& node)
{
    std::string conf = read_text_file("/usr/share/pipewire/pipewire.conf");
    const std::size_t begin = conf.find("context.objects = [");
    const std::size_t end = conf.find("\n]\n", begin);
    if (begin == std::string::npos || end == std::string::npos)
        throw std::runtime_error("no context.objects in /usr/share/pipewire/pipewire.conf");
    std::string objects =
        "context.objects = [\n"
        "    { factory = spa-node-factory args = { factory.name = support.node.driver\n"
        "        node.name = Dummy-Driver node.group = pipewire.dummy priority.driver = 20000 } "
        "}\n";
    if (!node.empty()) {
        objects += "    { factory = adapter args = {";
        for (const auto& [key, value] : node)
            objects += "\n        " + key + " = \"" + value + "\"";
        objects += " } }\n";
    }
    return conf.substr(0, begin) + objects + "]\n" + conf.substr(end + 3);
}

/// A WirePlumber script that does for card @p card what monitors/alsa.lua does for a card it
/// manages: reserves Audio<card> at -20 as "WirePlumber", creates the node only once it holds
/// the reservation, and on a request destroys the node (closing the PCM) before it releases;
/// it takes the reservation again when it is free.
std::string reserve_script(int card, const std::vector<std::pair<std::string, std::string>>& node)
{
    std::string props;
    for (const auto& [key, value] : node)
        props += "  [\"" + key + "\"] = \"" + value + "\",\n";
    return "local props = {\n" + props +
           "}\n"
           "local node = nil\n"
           "local function drop_node()\n"
           "  if node then node:request_destroy() end\n"
           "  node = nil\n"
           "end\n"
           "reservation = Plugin.find(\"reserve-device\"):call(\"create-reservation\", \"Audio" +
           std::to_string(card) +
           "\",\n"
           "  \"WirePlumber\", \"cmrd-test-source\", -20)\n"
           "reservation:connect(\"notify::state\", function (r, pspec)\n"
           "  local state = r[\"state\"]\n"
           "  if state == \"acquired\" and node == nil then\n"
           "    node = Node(\"adapter\", props)\n"
           "    node:activate(Feature.Proxy.BOUND)\n"
           "  elseif state == \"available\" then\n"
           "    r:call(\"acquire\")\n"
           "  elseif state == \"busy\" then\n"
           "    drop_node()\n"
           "  end\n"
           "end)\n"
           "reservation:connect(\"release-requested\", function (r)\n"
           "  drop_node()\n"
           "  r:call(\"release\")\n"
           "end)\n"
           "reservation:call(\"acquire\")\n";
}

} // namespace

HeadlessPipeWire::HeadlessPipeWire(const std::string& pcm, int channels,
                                   std::optional<int> reserved_card)
    : channels_(channels), reserved_card_(reserved_card)
{
    std::filesystem::create_directory((dir_ / "run"));
    ::chmod((dir_ / "run").c_str(), 0700);
    const auto node = node_properties(pcm, channels, reserved_card);
    write_text_file(dir_ / "pipewire.conf", pipewire_conf(reserved_card ? decltype(node){} : node));
    // WirePlumber reads its configuration from XDG_CONFIG_HOME first: the machine's user
    // configuration stays out, and the reservation script goes in.
    const std::filesystem::path wireplumber = dir_ / "config" / "wireplumber";
    std::filesystem::create_directories(wireplumber / "main.lua.d");
    std::filesystem::create_directories(wireplumber / "scripts");
    if (reserved_card) {
        write_text_file(wireplumber / "main.lua.d" / "95-cmrd-test-reserve.lua",
                        "load_script(\"cmrd-test-reserve.lua\")\n");
        write_text_file(wireplumber / "scripts" / "cmrd-test-reserve.lua",
                        reserve_script(*reserved_card, node));
    }

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
    start();
}

void HeadlessPipeWire::start()
{
    pipewire_ = std::make_unique<ChildProcess>(
        ChildOptions{{"pipewire", "-c", (dir_ / "pipewire.conf").string()},
                     environment(),
                     dir_ / "pipewire.log"});
    wireplumber_ = std::make_unique<ChildProcess>(
        ChildOptions{{"wireplumber"}, environment(), (dir_ / "wireplumber.log")});
    wait_until_ready();
}

void HeadlessPipeWire::wait_until_ready() const
{
    for (auto waited = 0ms;; waited += 200ms) {
        const CommandResult nodes = run_command({"pw-cli", "ls", "Node"}, environment(), 5s);
        if (nodes.ok() && nodes.out.find("cmrd-test-source") != std::string::npos)
            break;
        if (waited > 20s)
            throw std::runtime_error("PipeWire's node did not appear:\n" + nodes.describe() + "\n" +
                                     log());
        std::this_thread::sleep_for(200ms);
    }
    if (!reserved_card_)
        return;
    const std::string name = "Audio" + std::to_string(*reserved_card_);
    for (auto waited = 0ms;; waited += 200ms) {
        const CommandResult owner = run_command(
            {"gdbus", "call", "--session", "--dest", "org.freedesktop.ReserveDevice1." + name,
             "--object-path", "/org/freedesktop/ReserveDevice1/" + name, "--method",
             "org.freedesktop.DBus.Properties.Get", "org.freedesktop.ReserveDevice1",
             "ApplicationName"},
            environment(), 5s);
        if (owner.ok() && owner.out.find("WirePlumber") != std::string::npos)
            return;
        if (waited > 10s)
            throw std::runtime_error("WirePlumber did not reserve " + name + ":\n" +
                                     owner.describe() + "\n" + log());
        std::this_thread::sleep_for(200ms);
    }
}

HeadlessPipeWire::~HeadlessPipeWire()
{
    stop();
}

void HeadlessPipeWire::stop()
{
    // SIGTERM, as systemd stops them; killed if they do not end.
    for (ChildProcess* server : {wireplumber_.get(), pipewire_.get()}) {
        if (server == nullptr || !server->running())
            continue;
        server->signal(SIGTERM);
        if (!server->wait_exit(5s))
            server->kill_and_reap();
    }
}

std::string HeadlessPipeWire::node_id() const
{
    // "\tid 42, type PipeWire:Interface:Node/3", then properties ("\t\tclient.id = ...")
    // down to "node.name = "cmrd-test-source"".
    const CommandResult nodes = run_command({"pw-cli", "ls", "Node"}, environment(), 5s);
    const std::size_t name = nodes.out.find("node.name = \"cmrd-test-source\"");
    const std::size_t id = nodes.out.rfind("\tid ", name);
    if (!nodes.ok() || name == std::string::npos || id == std::string::npos)
        throw std::runtime_error("no node cmrd-test-source:\n" + nodes.describe());
    return nodes.out.substr(id + 4, nodes.out.find(',', id) - id - 4);
}

void HeadlessPipeWire::set_channel_volumes(const std::vector<float>& volumes) const
{
    std::string list;
    for (const float v : volumes)
        list += " " + std::to_string(v);
    const CommandResult set = run_command(
        {"pw-cli", "set-param", node_id(), "Props", "{ channelVolumes = [" + list + " ] }"},
        environment(), 5s);
    if (!set.ok() || set.out.find("Error") != std::string::npos)
        throw std::runtime_error("pw-cli set-param failed:\n" + set.describe());
}

void HeadlessPipeWire::destroy_node() const
{
    const CommandResult destroy = run_command({"pw-cli", "destroy", node_id()}, environment(), 5s);
    if (!destroy.ok() || destroy.out.find("Error") != std::string::npos)
        throw std::runtime_error("pw-cli destroy failed:\n" + destroy.describe());
}

std::string HeadlessPipeWire::bus_address() const
{
    return "unix:path=" + (dir_ / "bus").string();
}

EnvironmentChanges HeadlessPipeWire::environment() const
{
    return {{"XDG_RUNTIME_DIR", (dir_ / "run").string()},
            {"XDG_CONFIG_HOME", (dir_ / "config").string()},
            {"PIPEWIRE_RUNTIME_DIR", (dir_ / "run").string()},
            {"DBUS_SESSION_BUS_ADDRESS", bus_address()},
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
