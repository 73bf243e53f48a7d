// SPDX-License-Identifier: GPL-2.0-or-later
// What monitoring a card through PipeWire costs: the CPU of cmrd-agent (the PipeWire stream and
// the ring) and of cmrd (reading the ring, the analysis) for 8 inputs at 48 kHz, next to a
// plain `pw-record` of the same node in the same run, as the baseline of "a client recording
// every input". Real PipeWire + WirePlumber on the simulated interface, as in the agent_capture
// tests; run under umockdev-wrapper (scripts/bench-agent). A benchmark, never a test.
//
// Usage: agent_cost [SECONDS, default 20]

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "agent_fixture.hpp"
#include "headless_pipewire.hpp"

namespace {

using namespace cmrd::service::testing;

/// CPU seconds (user + system) process @p pid has used so far.
double cpu_seconds(pid_t pid)
{
    const std::string text = read_text_file("/proc/" + std::to_string(pid) + "/stat");
    // Fields after the command (which may hold spaces) start after the last ')'.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    double ticks = 0.0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i == 14 || i == 15) // utime, stime
            ticks += std::stod(field);
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Bench : AgentFixture {
    void TestBody() override {}
    int run(double seconds)
    {
        start_studio(steady_scenario());
        HeadlessPipeWire server("sim8", 8, card_number);
        start_agent(server.bus_address(), server.environment());
        std::this_thread::sleep_for(2s); // the agent reports WirePlumber's reservation
        plug("auto");
        if (!client().wait_for(
                [](const Recording&) { return device("CapturedThrough").starts_with("PipeWire"); },
                20s)) {
            std::fprintf(stderr, "cmrd is not captured through PipeWire:\n%s\n%s\n",
                         agent_log().c_str(), cmrd().log_text().c_str());
            return 1;
        }
        std::this_thread::sleep_for(3s); // past start-up
        // pw-record of the same node for the same time, raw inputs, as a user records.
        std::string map;
        for (int i = 0; i < 8; ++i)
            map += (i == 0 ? "AUX" : ",AUX") + std::to_string(i);
        ChildProcess recorder(ChildOptions{{"pw-record", "--target", "cmrd-test-source",
                                            "--channels", "8", "--channel-map", map, "--format",
                                            "s32", "-P", "{ stream.dont-remix = true }",
                                            (studio_->session_dir / "take.wav").string()},
                                           server.environment(),
                                           studio_->session_dir / "pw-record.log"});
        std::this_thread::sleep_for(1s); // past pw-record's start-up
        const double record0 = cpu_seconds(recorder.pid());
        const double agent0 = cpu_seconds(agent_->pid());
        const double cmrd0 = cpu_seconds(cmrd().pid());
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        const double record = cpu_seconds(recorder.pid()) - record0;
        const double agent = cpu_seconds(agent_->pid()) - agent0;
        const double daemon = cpu_seconds(cmrd().pid()) - cmrd0;
        recorder.signal(SIGINT);
        (void)recorder.wait_exit(5s);
        std::printf("8 inputs at 48 kHz through PipeWire, %.1f s, all three at once\n", seconds);
        std::printf("  pw-record (baseline) %6.2f %% of a core\n", 100.0 * record / seconds);
        std::printf("  cmrd-agent           %6.2f %% of a core (%.2f x pw-record)\n",
                    100.0 * agent / seconds, record > 0 ? agent / record : 0.0);
        std::printf("  cmrd                 %6.2f %% of a core (%.2f x pw-record; analysis "
                    "included)\n",
                    100.0 * daemon / seconds, record > 0 ? daemon / record : 0.0);
        unplug();
        TearDownTestSuite();
        return 0;
    }
};

} // namespace

int main(int argc, char** argv)
{
    const double seconds = argc > 1 ? std::strtod(argv[1], nullptr) : 20.0;
    Bench bench;
    return bench.run(seconds > 1.0 ? seconds : 20.0);
}
