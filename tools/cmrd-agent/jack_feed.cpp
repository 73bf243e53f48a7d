// SPDX-License-Identifier: GPL-2.0-or-later
#include "jack_feed.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <jack/jack.h>
#include <sys/epoll.h>

#include "event_fd.hpp"

namespace cmrdagent {
namespace {

/// Frames interleaved per step in the process callback (JACK periods are at most 8192).
constexpr std::size_t chunk_frames = 1024;

/// The number at the end of "system:capture_12", for ordering ports as the card numbers them.
unsigned port_number(const std::string& name)
{
    const std::size_t digits = name.find_last_not_of("0123456789") + 1;
    return digits < name.size() ? static_cast<unsigned>(std::stoul(name.substr(digits))) : 0U;
}

std::string status_text(jack_status_t status)
{
    if ((status & JackServerFailed) != 0)
        return "no JACK server is running";
    if ((status & JackNameNotUnique) != 0)
        return "another client has the agent's name";
    if ((status & JackVersionError) != 0)
        return "the JACK server speaks another protocol version";
    return "JACK refused the client (status 0x" + std::to_string(static_cast<int>(status)) + ")";
}

} // namespace

struct JackFeed::Callbacks {
    /// JACK's real-time thread: interleave and write, nothing else.
    static int process(jack_nframes_t frames, void* data)
    {
        auto* feed = static_cast<JackFeed*>(data);
        const std::size_t channels = feed->ports_.size();
        for (jack_nframes_t done = 0; done < frames;) {
            const auto n =
                static_cast<jack_nframes_t>(std::min<std::size_t>(chunk_frames, frames - done));
            for (std::size_t c = 0; c < channels; ++c) {
                const auto* in =
                    static_cast<const float*>(jack_port_get_buffer(feed->ports_[c], frames)) + done;
                for (jack_nframes_t f = 0; f < n; ++f)
                    feed->interleaved_[f * channels + c] = in[f];
            }
            feed->writer_->write(std::span<const float>(feed->interleaved_.data(), n * channels));
            done += n;
        }
        return 0;
    }

    static int xrun(void* data)
    {
        static_cast<JackFeed*>(data)->writer_->add_xruns(1);
        return 0;
    }

    static int sample_rate(jack_nframes_t rate, void* data)
    {
        auto* feed = static_cast<JackFeed*>(data);
        if (rate != feed->writer_->format().rate) {
            feed->rate_changed_.store(true);
            cmrd::common::signal_event_fd(feed->wake_.get());
        }
        return 0;
    }

    static void shutdown(jack_status_t /*code*/, const char* reason, void* data)
    {
        auto* feed = static_cast<JackFeed*>(data);
        std::strncpy(feed->shutdown_reason_.data(), reason != nullptr ? reason : "",
                     feed->shutdown_reason_.size() - 1);
        feed->shut_down_.store(true);
        feed->writer_->end();
        cmrd::common::signal_event_fd(feed->wake_.get());
    }
};

JackFeed::JackFeed(cmrd::common::EventLoop& loop, const std::string& server)
    : server_(server), wake_(cmrd::common::make_event_fd())
{
    jack_status_t status{};
    client_ =
        server.empty()
            ? jack_client_open("cmrd-agent", JackNoStartServer, &status)
            : jack_client_open("cmrd-agent",
                               static_cast<jack_options_t>(JackNoStartServer | JackServerName),
                               &status, server.c_str());
    if (client_ == nullptr)
        throw std::runtime_error(source() + ": " + status_text(status));
    try {
        std::vector<std::string> system_ports;
        if (const char** names = jack_get_ports(client_, "^system:capture_",
                                                JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput)) {
            for (const char** name = names; *name != nullptr; ++name)
                system_ports.emplace_back(*name);
            jack_free(static_cast<void*>(names));
        }
        if (system_ports.empty())
            throw std::runtime_error("the JACK server has no system:capture ports");
        std::stable_sort(system_ports.begin(), system_ports.end(),
                         [](const std::string& a, const std::string& b) {
                             return port_number(a) < port_number(b);
                         });
        for (std::size_t i = 0; i < system_ports.size(); ++i) {
            const std::string name = "in_" + std::to_string(i + 1);
            jack_port_t* port = jack_port_register(client_, name.c_str(), JACK_DEFAULT_AUDIO_TYPE,
                                                   JackPortIsInput, 0);
            if (port == nullptr)
                throw std::runtime_error("cannot register JACK port " + name);
            ports_.push_back(port);
        }
        writer_ = std::make_unique<FeedWriter>(feed_ring_format(
            static_cast<std::uint32_t>(ports_.size()), jack_get_sample_rate(client_)));
        interleaved_.assign(chunk_frames * ports_.size(), 0.0F);
        jack_set_process_callback(client_, &Callbacks::process, this);
        jack_set_xrun_callback(client_, &Callbacks::xrun, this);
        jack_set_sample_rate_callback(client_, &Callbacks::sample_rate, this);
        jack_on_info_shutdown(client_, &Callbacks::shutdown, this);
        wake_watch_ = cmrd::common::IoSource(loop, wake_.get(), EPOLLIN, [this](std::uint32_t) {
            (void)cmrd::common::drain_event_fd(wake_.get());
        });
        if (jack_activate(client_) != 0)
            throw std::runtime_error("JACK refused to activate the client");
        for (std::size_t i = 0; i < ports_.size(); ++i) {
            const int res =
                jack_connect(client_, system_ports[i].c_str(), jack_port_name(ports_[i]));
            if (res != 0 && res != EEXIST)
                throw std::runtime_error("cannot connect " + system_ports[i]);
        }
    } catch (...) {
        jack_client_close(client_);
        throw;
    }
}

JackFeed::~JackFeed()
{
    jack_client_close(client_); // deactivates first: no callback runs after this
    if (writer_)
        writer_->end();
}

std::string JackFeed::source() const
{
    return "JACK server " + (server_.empty() ? std::string("default") : server_);
}

std::string JackFeed::ended() const
{
    if (shut_down_.load())
        return "the JACK server stopped" + (shutdown_reason_[0] != '\0'
                                                ? " (" + std::string(shutdown_reason_.data()) + ")"
                                                : std::string());
    if (rate_changed_.load())
        return "the JACK server changed its rate";
    return {};
}

} // namespace cmrdagent
