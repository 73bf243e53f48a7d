// SPDX-License-Identifier: GPL-2.0-or-later
#include "pipewire_connection.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include <sys/epoll.h>

// PipeWire's C API is macros that cast (pw_node_add_listener, pw_registry_bind ...).
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <pipewire/pipewire.h>
#include <spa/param/audio/raw.h>
#include <spa/param/props.h>
#include <spa/pod/iter.h>
#include <spa/utils/result.h>

#include "errno_text.hpp"

namespace cmrdagent {
namespace {

template <typename T> std::optional<T> parse_number(const char* text)
{
    if (text == nullptr)
        return std::nullopt;
    T value{};
    const char* end = text + std::strlen(text);
    const auto [ptr, ec] = std::from_chars(text, end, value);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

/// "[ AUX0 AUX1 ]", "AUX0,AUX1" or "FL FR": the names.
std::vector<std::string> parse_positions(const char* text)
{
    std::vector<std::string> names;
    if (text == nullptr)
        return names;
    std::string name;
    for (const char* c = text;; ++c) {
        if (*c == '\0' || *c == ' ' || *c == ',' || *c == '[' || *c == ']' || *c == '\t') {
            if (!name.empty())
                names.push_back(std::move(name));
            name.clear();
            if (*c == '\0')
                break;
        } else {
            name += *c;
        }
    }
    return names;
}

} // namespace

/// One Audio/Source node, bound to hear its info and Props.
struct NodeWatch {
    PipeWireConnection::Impl* owner = nullptr;
    pw_node* proxy = nullptr;
    spa_hook listener{};
    PipeWireNode node;
    bool has_info = false;

    NodeWatch() = default;
    NodeWatch(const NodeWatch&) = delete;
    NodeWatch& operator=(const NodeWatch&) = delete;
    ~NodeWatch()
    {
        spa_hook_remove(&listener);
        pw_proxy_destroy(reinterpret_cast<pw_proxy*>(proxy));
    }
};

struct PipeWireConnection::Impl {
    pw_loop* loop = nullptr;
    pw_context* context = nullptr;
    pw_core* core = nullptr;
    pw_registry* registry = nullptr;
    spa_hook core_listener{};
    spa_hook registry_listener{};
    std::map<std::uint32_t, std::unique_ptr<NodeWatch>> nodes;
    std::uint32_t default_rate = 48000;
    std::string broken;
    cmrd::common::IoSource io;

    void on_node_info(NodeWatch& watch, const pw_node_info* info);
    void on_node_param(NodeWatch& watch, std::uint32_t id, const spa_pod* param);
};

namespace {

void node_info(void* data, const pw_node_info* info)
{
    auto* watch = static_cast<NodeWatch*>(data);
    watch->owner->on_node_info(*watch, info);
}

void node_param(void* data, int /*seq*/, std::uint32_t id, std::uint32_t /*index*/,
                std::uint32_t /*next*/, const spa_pod* param)
{
    auto* watch = static_cast<NodeWatch*>(data);
    watch->owner->on_node_param(*watch, id, param);
}

const pw_node_events node_events = [] {
    pw_node_events events{};
    events.version = PW_VERSION_NODE_EVENTS;
    events.info = node_info;
    events.param = node_param;
    return events;
}();

void registry_global(void* data, std::uint32_t id, std::uint32_t /*permissions*/, const char* type,
                     std::uint32_t /*version*/, const spa_dict* props)
{
    auto* impl = static_cast<PipeWireConnection::Impl*>(data);
    if (std::strcmp(type, PW_TYPE_INTERFACE_Node) != 0 || props == nullptr)
        return;
    const char* media_class = spa_dict_lookup(props, PW_KEY_MEDIA_CLASS);
    if (media_class == nullptr || std::strcmp(media_class, "Audio/Source") != 0)
        return;
    auto* proxy = static_cast<pw_node*>(
        pw_registry_bind(impl->registry, id, PW_TYPE_INTERFACE_Node, PW_VERSION_NODE, 0));
    if (proxy == nullptr)
        return; // gone already, or not ours to see
    auto watch = std::make_unique<NodeWatch>();
    watch->owner = impl;
    watch->proxy = proxy;
    watch->node.id = id;
    pw_node_add_listener(proxy, &watch->listener, &node_events, watch.get());
    std::uint32_t params[] = {SPA_PARAM_Props};
    pw_node_subscribe_params(proxy, params, 1);
    impl->nodes[id] = std::move(watch);
}

void registry_global_remove(void* data, std::uint32_t id)
{
    auto* impl = static_cast<PipeWireConnection::Impl*>(data);
    impl->nodes.erase(id);
}

const pw_registry_events registry_events = [] {
    pw_registry_events events{};
    events.version = PW_VERSION_REGISTRY_EVENTS;
    events.global = registry_global;
    events.global_remove = registry_global_remove;
    return events;
}();

void core_info(void* data, const pw_core_info* info)
{
    auto* impl = static_cast<PipeWireConnection::Impl*>(data);
    if (info->props == nullptr)
        return;
    if (auto rate = parse_number<std::uint32_t>(spa_dict_lookup(info->props, "default.clock.rate")))
        impl->default_rate = *rate;
}

void core_error(void* data, std::uint32_t id, int /*seq*/, int res, const char* message)
{
    auto* impl = static_cast<PipeWireConnection::Impl*>(data);
    if (id != PW_ID_CORE)
        return; // a stream's or proxy's error: theirs to report
    if (impl->broken.empty())
        impl->broken = res == -EPIPE ? "PipeWire went away"
                                     : std::string("PipeWire: ") +
                                           (message != nullptr ? message : spa_strerror(res));
}

const pw_core_events core_events = [] {
    pw_core_events events{};
    events.version = PW_VERSION_CORE_EVENTS;
    events.info = core_info;
    events.error = core_error;
    return events;
}();

} // namespace

void PipeWireConnection::Impl::on_node_info(NodeWatch& watch, const pw_node_info* info)
{
    if ((info->change_mask & PW_NODE_CHANGE_MASK_PROPS) == 0 || info->props == nullptr)
        return;
    PipeWireNode& node = watch.node;
    const spa_dict* props = info->props;
    const char* name = spa_dict_lookup(props, PW_KEY_NODE_NAME);
    node.name = name != nullptr ? name : "node " + std::to_string(node.id);
    node.card = parse_number<int>(spa_dict_lookup(props, "api.alsa.pcm.card"));
    node.channels = parse_number<std::uint32_t>(spa_dict_lookup(props, "audio.channels"));
    node.positions = parse_positions(spa_dict_lookup(props, "audio.position"));
    node.rate = parse_number<std::uint32_t>(spa_dict_lookup(props, "audio.rate"));
    watch.has_info = true;
}

void PipeWireConnection::Impl::on_node_param(NodeWatch& watch, std::uint32_t id,
                                             const spa_pod* param)
{
    if (id != SPA_PARAM_Props || param == nullptr || !spa_pod_is_object(param))
        return;
    PipeWireNode& node = watch.node;
    const auto* object = reinterpret_cast<const spa_pod_object*>(param);
    const spa_pod_prop* prop = nullptr;
    SPA_POD_OBJECT_FOREACH(object, prop)
    {
        switch (prop->key) {
        case SPA_PROP_channelVolumes: {
            std::vector<float> volumes(SPA_AUDIO_MAX_CHANNELS);
            const std::uint32_t n =
                spa_pod_copy_array(&prop->value, SPA_TYPE_Float, volumes.data(), volumes.size());
            volumes.resize(n);
            node.channel_volumes = std::move(volumes);
            break;
        }
        case SPA_PROP_volume:
            (void)spa_pod_get_float(&prop->value, &node.volume);
            break;
        case SPA_PROP_mute:
            (void)spa_pod_get_bool(&prop->value, &node.mute);
            break;
        default:
            break;
        }
    }
}

PipeWireConnection::PipeWireConnection(cmrd::common::EventLoop& loop)
    : impl_(std::make_unique<Impl>())
{
    pw_init(nullptr, nullptr);
    impl_->loop = pw_loop_new(nullptr);
    if (impl_->loop == nullptr)
        throw std::runtime_error("cannot make a PipeWire loop: " + cmrd::common::errno_text(errno));
    // This thread runs the loop from now on (events dispatched while iterating).
    pw_loop_enter(impl_->loop);
    // client-rt.conf: the streams' data thread gets real-time priority, as any audio client's.
    impl_->context = pw_context_new(
        impl_->loop, pw_properties_new(PW_KEY_CONFIG_NAME, "client-rt.conf", nullptr), 0);
    if (impl_->context == nullptr)
        throw std::runtime_error("cannot make a PipeWire context: " +
                                 cmrd::common::errno_text(errno));
    impl_->core = pw_context_connect(impl_->context,
                                     pw_properties_new(PW_KEY_APP_NAME, "cmrd-agent", nullptr), 0);
    if (impl_->core == nullptr) {
        const int error = errno;
        pw_context_destroy(impl_->context);
        pw_loop_leave(impl_->loop);
        pw_loop_destroy(impl_->loop);
        throw std::runtime_error("cannot connect to PipeWire: " + cmrd::common::errno_text(error));
    }
    pw_core_add_listener(impl_->core, &impl_->core_listener, &core_events, impl_.get());
    impl_->registry = pw_core_get_registry(impl_->core, PW_VERSION_REGISTRY, 0);
    pw_registry_add_listener(impl_->registry, &impl_->registry_listener, &registry_events,
                             impl_.get());
    Impl* impl = impl_.get();
    impl_->io = cmrd::common::IoSource(loop, pw_loop_get_fd(impl_->loop), EPOLLIN,
                                       [impl](std::uint32_t /*revents*/) {
                                           // Everything ready now, without waiting.
                                           while (pw_loop_iterate(impl->loop, 0) > 0) {
                                           }
                                       });
}

PipeWireConnection::~PipeWireConnection()
{
    impl_->io = cmrd::common::IoSource();
    impl_->nodes.clear();
    spa_hook_remove(&impl_->registry_listener);
    pw_proxy_destroy(reinterpret_cast<pw_proxy*>(impl_->registry));
    spa_hook_remove(&impl_->core_listener);
    pw_core_disconnect(impl_->core);
    pw_context_destroy(impl_->context);
    pw_loop_leave(impl_->loop);
    pw_loop_destroy(impl_->loop);
}

pw_core* PipeWireConnection::core() const noexcept
{
    return impl_->core;
}

std::optional<PipeWireNode> PipeWireConnection::node_of_card(int card) const
{
    for (const auto& [id, watch] : impl_->nodes)
        if (watch->has_info && watch->node.card == card)
            return watch->node;
    return std::nullopt;
}

std::optional<PipeWireNode> PipeWireConnection::node(std::uint32_t id) const
{
    const auto it = impl_->nodes.find(id);
    if (it == impl_->nodes.end() || !it->second->has_info)
        return std::nullopt;
    return it->second->node;
}

std::uint32_t PipeWireConnection::default_rate() const noexcept
{
    return impl_->default_rate;
}

const std::string& PipeWireConnection::broken() const noexcept
{
    return impl_->broken;
}

} // namespace cmrdagent
