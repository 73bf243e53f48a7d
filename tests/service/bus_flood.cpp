// SPDX-License-Identifier: GPL-2.0-or-later
// A hostile but legitimate bus client for the tests: keeps N calls of one of cmrd's public
// methods in flight for a while, re-sending each as soon as its reply arrives, as a script
// gone wrong (or a local user out to stall cmrd) would. Run it as an unprivileged user on a bus
// with the project's policy.
//
// Usage: bus_flood ADDRESS METHOD IN_FLIGHT SECONDS
//   METHOD: GetEvents (since 0) or ListEvents (since 0, from the start, limit 0)
// Prints "replies=R errors=E" and, when there were errors, "first_error=NAME: TEXT".
// Exit status: 0 when it ran (errors are counted, not fatal); 2 on bad usage or no bus.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <systemd/sd-bus.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Flood {
    sd_bus* bus = nullptr;
    std::string method;
    std::uint64_t replies = 0;
    std::uint64_t errors = 0;
    std::string first_error;
    bool stopping = false;
};

int send_one(Flood& flood);

int on_reply(sd_bus_message* reply, void* userdata, sd_bus_error* /*ret_error*/)
{
    auto& flood = *static_cast<Flood*>(userdata);
    if (sd_bus_message_is_method_error(reply, nullptr) != 0) {
        ++flood.errors;
        if (flood.first_error.empty()) {
            const sd_bus_error* error = sd_bus_message_get_error(reply);
            flood.first_error = std::string(error->name != nullptr ? error->name : "?") + ": " +
                                (error->message != nullptr ? error->message : "");
        }
    } else {
        ++flood.replies;
    }
    if (!flood.stopping)
        if (const int r = send_one(flood); r < 0) {
            ++flood.errors; // the flood thins out; say why
            if (flood.first_error.empty())
                flood.first_error = std::string("sending: ") + std::strerror(-r);
        }
    return 0;
}

int send_one(Flood& flood)
{
    sd_bus_message* call = nullptr;
    int r =
        sd_bus_message_new_method_call(flood.bus, &call, "org.cmrd.Monitor1", "/org/cmrd/Monitor1",
                                       "org.cmrd.Monitor1.Manager", flood.method.c_str());
    if (r < 0)
        return r;
    if (flood.method == "ListEvents")
        r = sd_bus_message_append(call, "xtu", std::int64_t{0}, std::uint64_t{0}, 0U);
    else
        r = sd_bus_message_append(call, "x", std::int64_t{0});
    if (r >= 0)
        r = sd_bus_call_async(flood.bus, nullptr, call, on_reply, &flood, 30 * 1000 * 1000);
    sd_bus_message_unref(call);
    return r;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: bus_flood ADDRESS METHOD IN_FLIGHT SECONDS\n");
        return 2;
    }
    Flood flood;
    flood.method = argv[2];
    const int in_flight = std::atoi(argv[3]);
    const auto until = Clock::now() + std::chrono::seconds(std::atoi(argv[4]));

    int r = sd_bus_new(&flood.bus);
    if (r >= 0)
        r = sd_bus_set_address(flood.bus, argv[1]);
    if (r >= 0)
        r = sd_bus_set_bus_client(flood.bus, 1);
    if (r >= 0)
        r = sd_bus_start(flood.bus);
    for (int i = 0; r >= 0 && i < in_flight; ++i)
        r = send_one(flood);
    if (r < 0) {
        std::fprintf(stderr, "bus_flood: %s\n", std::strerror(-r));
        return 2;
    }
    while (Clock::now() < until) {
        r = sd_bus_process(flood.bus, nullptr);
        if (r < 0)
            break;
        if (r == 0)
            (void)sd_bus_wait(flood.bus, 100 * 1000);
    }
    flood.stopping = true;
    std::printf("replies=%llu errors=%llu\n", static_cast<unsigned long long>(flood.replies),
                static_cast<unsigned long long>(flood.errors));
    if (!flood.first_error.empty())
        std::printf("first_error=%s\n", flood.first_error.c_str());
    sd_bus_flush_close_unref(flood.bus);
    return r < 0 ? 2 : 0;
}
