// SPDX-License-Identifier: GPL-2.0-or-later
#include "pipewire_feed.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

// PipeWire's C API is macros that cast (pw_node_add_listener, pw_registry_bind ...).
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <pipewire/pipewire.h>
#include <spa/param/audio/format-utils.h>
#include <spa/param/audio/type-info.h>
#include <spa/utils/result.h>

#include "log.hpp"

namespace cmrdagent {
namespace {

/// A volume this close to 1 is unity (PipeWire stores cubic-mapped floats: 1.0 is exact).
constexpr float unity_tolerance = 1e-4F;

/// SPA's channel position for a name such as "AUX3" or "FL", SPA_AUDIO_CHANNEL_UNKNOWN else.
std::uint32_t channel_position(const std::string& name)
{
    for (const spa_type_info* info = spa_type_audio_channel; info->name != nullptr; ++info) {
        const std::string full = info->name;
        const std::size_t colon = full.rfind(':');
        if (full.compare(colon + 1, std::string::npos, name) == 0)
            return info->type;
    }
    return SPA_AUDIO_CHANNEL_UNKNOWN;
}

std::string decibels(float gain)
{
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.2f (%+.2f dB)", static_cast<double>(gain),
                  20.0 * std::log10(std::max(static_cast<double>(gain), 1e-9)));
    return text.data();
}

} // namespace

std::string node_warning(const PipeWireNode& node)
{
    std::vector<std::string> gains;
    if (node.mute)
        gains.emplace_back("the node is muted");
    if (std::fabs(node.volume - 1.0F) > unity_tolerance)
        gains.push_back("the node's volume is " + decibels(node.volume));
    for (std::size_t i = 0; i < node.channel_volumes.size(); ++i)
        if (std::fabs(node.channel_volumes[i] - 1.0F) > unity_tolerance)
            gains.push_back("input " + std::to_string(i + 1) + " (" +
                            (i < node.positions.size() ? node.positions[i] : std::string("?")) +
                            ") has a channel volume of " + decibels(node.channel_volumes[i]));
    std::string text;
    for (const std::string& gain : gains)
        text += (text.empty() ? "" : "; ") + gain;
    if (!gains.empty())
        text += ": hum and CMRR figures are wrong until the node's volumes are 100 % and unmuted";
    bool raw_inputs = !node.positions.empty();
    for (const std::string& position : node.positions)
        raw_inputs = raw_inputs && position.starts_with("AUX");
    if (!raw_inputs)
        text += std::string(text.empty() ? "" : "; ") +
                "the node is not in the Pro Audio profile (its positions are not AUX0...): "
                "the card's inputs may be remixed";
    return text;
}

struct PipeWireFeed::Callbacks {
    static void state_changed(void* data, pw_stream_state /*old*/, pw_stream_state state,
                              const char* error)
    {
        auto* feed = static_cast<PipeWireFeed*>(data);
        if (state == PW_STREAM_STATE_ERROR)
            feed->end(std::string("the stream failed: ") + (error != nullptr ? error : "?"));
        else if (state == PW_STREAM_STATE_UNCONNECTED)
            feed->end("the node went away");
    }

    static void param_changed(void* data, std::uint32_t id, const spa_pod* param)
    {
        auto* feed = static_cast<PipeWireFeed*>(data);
        if (id != SPA_PARAM_Format || param == nullptr)
            return;
        spa_audio_info_raw info{};
        if (spa_format_audio_raw_parse(param, &info) < 0 || info.format != SPA_AUDIO_FORMAT_F32) {
            feed->end("PipeWire offered a format other than 32-bit float");
            return;
        }
        const FeedWriter* current = feed->writer();
        if (current != nullptr && current->format().channels == info.channels &&
            current->format().rate == info.rate)
            return;
        try {
            feed->writers_.push_back(
                std::make_unique<FeedWriter>(feed_ring_format(info.channels, info.rate)));
            feed->current_.store(feed->writers_.back().get(), std::memory_order_release);
        } catch (const std::exception& e) {
            feed->end(std::string("cannot make the ring: ") + e.what());
        }
    }

    /// PipeWire's data thread: copy and give the buffer back, nothing else.
    static void process(void* data)
    {
        auto* feed = static_cast<PipeWireFeed*>(data);
        pw_buffer* buffer = pw_stream_dequeue_buffer(feed->stream_);
        if (buffer == nullptr)
            return;
        FeedWriter* writer = feed->current_.load(std::memory_order_acquire);
        const spa_data& d = buffer->buffer->datas[0];
        if (writer != nullptr && d.data != nullptr && d.chunk != nullptr) {
            const std::uint32_t offset = std::min(d.chunk->offset, d.maxsize);
            const std::uint32_t size = std::min(d.chunk->size, d.maxsize - offset);
            writer->write(std::span(
                reinterpret_cast<const float*>(static_cast<const std::uint8_t*>(d.data) + offset),
                size / sizeof(float)));
        }
        pw_stream_queue_buffer(feed->stream_, buffer);
    }

    static pw_stream_events make_events()
    {
        pw_stream_events events{};
        events.version = PW_VERSION_STREAM_EVENTS;
        events.state_changed = state_changed;
        events.param_changed = param_changed;
        events.process = process;
        return events;
    }
    static const pw_stream_events events;
};

const pw_stream_events PipeWireFeed::Callbacks::events = PipeWireFeed::Callbacks::make_events();

PipeWireFeed::PipeWireFeed(PipeWireConnection& connection, const PipeWireNode& node)
    : connection_(connection), node_id_(node.id), node_name_(node.name),
      listener_(std::make_unique<spa_hook>())
{
    if (!node.channels || *node.channels == 0)
        throw std::runtime_error("PipeWire node " + node.name + " does not say its channels");
    if (*node.channels > SPA_AUDIO_MAX_CHANNELS)
        throw std::runtime_error("PipeWire node " + node.name + " has " +
                                 std::to_string(*node.channels) + " channels (at most " +
                                 std::to_string(SPA_AUDIO_MAX_CHANNELS) + ")");
    spa_audio_info_raw info{};
    info.format = SPA_AUDIO_FORMAT_F32;
    info.channels = *node.channels;
    // The node's own rate when it is pinned to one, else the graph's: no resampling in the
    // stream either way.
    info.rate = node.rate.value_or(connection.default_rate());
    for (std::uint32_t i = 0; i < info.channels; ++i)
        info.position[i] = i < node.positions.size() ? channel_position(node.positions[i])
                                                     : SPA_AUDIO_CHANNEL_AUX0 + i;

    const std::string stream_name = "cmrd-agent." + node.name;
    pw_properties* props = pw_properties_new(
        PW_KEY_MEDIA_TYPE, "Audio", PW_KEY_MEDIA_CATEGORY, "Capture", PW_KEY_MEDIA_ROLE,
        "Production", PW_KEY_APP_NAME, "cmrd-agent", PW_KEY_NODE_NAME, stream_name.c_str(),
        PW_KEY_NODE_DESCRIPTION, "cmrd hum monitor", PW_KEY_TARGET_OBJECT, node.name.c_str(),
        // Every input as it is, on this node only.
        "stream.dont-remix", "true", "node.dont-reconnect", "true", nullptr);
    stream_ = pw_stream_new(connection.core(), stream_name.c_str(), props);
    if (stream_ == nullptr)
        throw std::runtime_error("cannot make a PipeWire stream: " +
                                 std::string(spa_strerror(-errno)));
    pw_stream_add_listener(stream_, listener_.get(), &Callbacks::events, this);
    std::array<std::uint8_t, 1024> pod{};
    spa_pod_builder builder = SPA_POD_BUILDER_INIT(pod.data(), pod.size());
    const spa_pod* params[] = {spa_format_audio_raw_build(&builder, SPA_PARAM_EnumFormat, &info)};
    const int res = pw_stream_connect(stream_, PW_DIRECTION_INPUT, PW_ID_ANY,
                                      static_cast<pw_stream_flags>(PW_STREAM_FLAG_AUTOCONNECT |
                                                                   PW_STREAM_FLAG_MAP_BUFFERS |
                                                                   PW_STREAM_FLAG_RT_PROCESS),
                                      params, 1);
    if (res < 0) {
        spa_hook_remove(listener_.get());
        pw_stream_destroy(stream_);
        throw std::runtime_error("cannot connect a stream to PipeWire node " + node.name + ": " +
                                 spa_strerror(res));
    }
}

PipeWireFeed::~PipeWireFeed()
{
    // Destroying the stream waits for its data thread to let go; then the writers may go.
    spa_hook_remove(listener_.get());
    pw_stream_destroy(stream_);
    if (FeedWriter* writer = current_.load(std::memory_order_acquire))
        writer->end();
}

void PipeWireFeed::end(const std::string& why)
{
    if (!ended_.empty())
        return;
    ended_ = why;
    if (FeedWriter* writer = current_.load(std::memory_order_acquire))
        writer->end();
}

std::string PipeWireFeed::warning() const
{
    const std::optional<PipeWireNode> node = connection_.node(node_id_);
    return node ? node_warning(*node) : std::string();
}

std::string PipeWireFeed::ended() const
{
    if (!ended_.empty())
        return ended_;
    if (!connection_.node(node_id_))
        return "PipeWire node " + node_name_ + " went away";
    return {};
}

} // namespace cmrdagent
