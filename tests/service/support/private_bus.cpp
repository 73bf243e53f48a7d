// SPDX-License-Identifier: GPL-2.0-or-later
#include "private_bus.hpp"

#include <array>
#include <csignal>
#include <regex>
#include <stdexcept>
#include <thread>

#include "scratch_dir.hpp"

namespace cmrd::service::testing {
namespace {

constexpr const char* system_conf_path = "/usr/share/dbus-1/system.conf";

/// Elements of system.conf that make the real system bus, not its policy.
constexpr std::array dropped_elements{
    "user",          "fork",       "pidfile", "syslog",    "listen", "standard_system_servicedirs",
    "servicehelper", "servicedir", "include", "includedir"};

std::string xml_escaped(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

/// The first line dbus-daemon printed that is an address (it prints it once listening).
std::string printed_address(const std::string& log)
{
    std::size_t start = 0;
    while (start < log.size()) {
        const std::size_t end = std::min(log.find('\n', start), log.size());
        std::string line = log.substr(start, end - start);
        if (line.starts_with("unix:") && end < log.size())
            return line;
        start = end + 1;
    }
    return {};
}

} // namespace

std::string system_like_bus_config(const std::string& system_conf,
                                   const std::filesystem::path& socket_path,
                                   const std::vector<std::filesystem::path>& policies)
{
    // Comments first: they quote elements as examples.
    std::string config = std::regex_replace(system_conf, std::regex("<!--[\\s\\S]*?-->"), "");
    for (const std::string must :
         {"<type>system</type>", "<deny own=\"*\"/>", "<deny send_type=\"method_call\"/>"})
        if (config.find(must) == std::string::npos)
            throw std::runtime_error(std::string(system_conf_path) + " lacks " + must +
                                     ": not the system bus configuration these tests rest on");
    for (const char* tag : dropped_elements) {
        // <tag .../> or <tag ...>text</tag>: these elements never nest others.
        const std::regex element(std::string("<")
                                     .append(tag)
                                     .append("(\\s[^>]*)?(/>|>[^<]*</")
                                     .append(tag)
                                     .append("\\s*>)"));
        config = std::regex_replace(config, element, "");
    }
    std::string added = "  <listen>unix:path=";
    added.append(xml_escaped(socket_path.string())).append("</listen>\n");
    for (const std::filesystem::path& policy : policies)
        added.append("  <include>")
            .append(xml_escaped(std::filesystem::absolute(policy).string()))
            .append("</include>\n");
    const std::size_t end = config.rfind("</busconfig>");
    if (end == std::string::npos)
        throw std::runtime_error(std::string(system_conf_path) + " has no </busconfig>");
    config.insert(end, added);
    return config;
}

PrivateBus::PrivateBus(BusKind kind, const std::filesystem::path& workdir,
                       const std::vector<std::filesystem::path>& policies,
                       std::chrono::milliseconds timeout)
    : kind_(kind), log_(workdir / "dbus-daemon.log")
{
    ChildOptions options;
    options.output = log_;
    options.argv = {"dbus-daemon", "--nofork", "--nopidfile", "--print-address=1"};
    if (kind == BusKind::session) {
        options.argv.push_back("--session");
        options.argv.push_back("--address=unix:path=" + (workdir / "session_bus_socket").string());
    } else {
        const std::filesystem::path config = workdir / "system-like-bus.conf";
        write_text_file(config, system_like_bus_config(read_text_file(system_conf_path),
                                                       workdir / "system_bus_socket", policies));
        options.argv.push_back("--config-file=" + config.string());
    }
    daemon_ = std::make_unique<ChildProcess>(options);

    // dbus-daemon prints its address once it listens. It has no other way to say so, so its
    // output is read until then (briefly: it starts in milliseconds).
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (address_.empty()) {
        address_ = printed_address(log_text());
        if (!address_.empty())
            break;
        if (!daemon_->running())
            throw std::runtime_error("dbus-daemon ended (" +
                                     describe_wait_status(*daemon_->exit_status()) +
                                     ") before listening: " + log_text());
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("dbus-daemon printed no address within " +
                                     std::to_string(timeout.count()) + " ms: " + log_text());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

PrivateBus::~PrivateBus()
{
    daemon_->signal(SIGTERM);
    if (!daemon_->wait_exit(std::chrono::seconds(5)))
        daemon_->kill_and_reap();
}

std::string PrivateBus::log_text() const
{
    return read_text_file(log_);
}

} // namespace cmrd::service::testing
