// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmrd_rig.hpp"

#include "service_paths.hpp"
#include "test_users.hpp"

namespace cmrd::service::testing {
namespace {

cmr::sim::InterfaceSpec studio_interface(bool one_opener, const std::filesystem::path& scenario)
{
    cmr::sim::InterfaceSpec spec = cmr::sim::interface_spec(8, {"S32_LE"}, {48000}, "sim8");
    spec.one_opener = one_opener;
    spec.extra_config = "pcm.sim8b {\n    type cmrsim\n    channels 8\n"
                        "    formats [ \"S32_LE\" ]\n    rates [ 48000 ]\n    scenario " +
                        cmr::sim::alsa_quoted(scenario.string()) + "\n}\n";
    return spec;
}

/// The scratch directory, readied for cmrd's files (and for the cmrd user when asked).
const ScratchDir& prepared(const ScratchDir& dir, const RigOptions& options,
                           const std::filesystem::path& config, const std::filesystem::path& state)
{
    write_text_file(config, options.config);
    std::filesystem::create_directory(state);
    if (options.prepare_state)
        options.prepare_state(state);
    if (options.as_cmrd_user) {
        ensure_cmrd_user(sysusers_snippet());
        dir.open_to_all();
        give_to_user(state, "cmrd");
    }
    return dir;
}

} // namespace

CmrdRig::CmrdRig(const RigOptions& options)
    : config_path_(dir_ / "cmrd.toml"), state_dir_(dir_ / "state"),
      sim_(studio_interface(options.one_opener, options.scenario),
           cmr::sim::ScenarioFile{options.scenario}),
      bus_(options.bus, prepared(dir_, options, config_path_, state_dir_).path(), options.policies),
      client_(bus_.address())
{
    if (options.as_cmrd_user)
        std::filesystem::permissions(sim_.directory(),
                                     std::filesystem::perms::others_read |
                                         std::filesystem::perms::others_exec,
                                     std::filesystem::perm_options::add);
    cmrd_ = std::make_unique<CmrdProcess>(
        CmrdOptions{bus_.address(), config_path_, state_dir_, sim_.config_path(), dir_ / "cmrd.log",
                    options.as_cmrd_user ? std::optional<std::string>("cmrd") : std::nullopt, "",
                    options.environment});
    cmrd_->wait_serving(client_);
}

CmrdRig::~CmrdRig()
{
    // A clean stop when it is still there (the log then ends as in real life); the process
    // is killed regardless when cmrd_ goes.
    if (cmrd_ && cmrd_->running())
        (void)cmrd_->terminate(std::chrono::seconds(5));
}

void CmrdRig::write_config(const std::string& text) const
{
    write_text_file(config_path_, text);
}

std::string device_path(const std::string& device)
{
    return std::string(root_path) + "/devices/" + device;
}

std::string pair_path(const std::string& device, int hot, int cold)
{
    return device_path(device) + "/pair_" + std::to_string(hot) + "_" + std::to_string(cold);
}

} // namespace cmrd::service::testing
