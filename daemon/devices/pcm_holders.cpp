// SPDX-License-Identifier: GPL-2.0-or-later
#include "devices/pcm_holders.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <alsa/asoundlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process_text.hpp"
#include "user_database.hpp"

namespace cmrd::devices {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool starts_with_then_digits(const std::string& name, std::string_view prefix,
                             std::string_view suffix)
{
    if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
        !name.ends_with(suffix))
        return false;
    const std::string_view digits(name.data() + prefix.size(),
                                  name.size() - prefix.size() - suffix.size());
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

PcmHolder describe_process(pid_t pid, const fs::path& proc)
{
    PcmHolder holder;
    holder.pid = pid;
    const fs::path dir = proc / std::to_string(pid);
    std::string command = read_text(dir / "comm");
    while (!command.empty() && (command.back() == '\n' || command.back() == '\r'))
        command.pop_back();
    holder.command = command;
    struct stat st {};
    if (!command.empty() && ::stat(dir.c_str(), &st) == 0)
        holder.user = common::user_name(st.st_uid);
    return holder;
}

} // namespace

std::optional<pid_t> owner_pid_of_status(std::string_view status_text)
{
    std::size_t at = 0;
    while (at < status_text.size()) {
        const std::size_t end = std::min(status_text.find('\n', at), status_text.size());
        const std::string_view line = status_text.substr(at, end - at);
        at = end + 1;
        if (!line.starts_with("owner_pid"))
            continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return std::nullopt;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        pid_t pid = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), pid);
        if (ec != std::errc() || pid <= 0)
            return std::nullopt;
        return pid;
    }
    return std::nullopt;
}

std::vector<PcmHolder> capture_holders(int card, const fs::path& proc)
{
    std::set<pid_t> pids;
    const fs::path card_dir = proc / "asound" / ("card" + std::to_string(card));
    std::error_code ec;
    for (const auto& pcm : fs::directory_iterator(card_dir, ec)) {
        const std::string pcm_name = pcm.path().filename().string();
        if (!starts_with_then_digits(pcm_name, "pcm", "c")) // capture devices only
            continue;
        std::error_code sub_ec;
        for (const auto& sub : fs::directory_iterator(pcm.path(), sub_ec))
            if (starts_with_then_digits(sub.path().filename().string(), "sub", ""))
                if (const auto pid = owner_pid_of_status(read_text(sub.path() / "status")))
                    pids.insert(*pid);
    }
    pids.erase(::getpid());
    std::vector<PcmHolder> holders;
    holders.reserve(pids.size());
    for (const pid_t pid : pids)
        holders.push_back(describe_process(pid, proc));
    return holders;
}

std::string describe_holders(const std::vector<PcmHolder>& holders)
{
    std::string text;
    for (const PcmHolder& h : holders)
        text += (text.empty() ? "" : ", ") + common::process_text(h.pid, h.command, h.user);
    return text;
}

bool process_exists(pid_t pid)
{
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

CardYield::CardYield(int card, fs::path proc) : card_(card), proc_(std::move(proc)) {}

std::string CardYield::check()
{
    if (card_ < 0)
        return {};
    for (PcmHolder& now : capture_holders(card_, proc_))
        if (std::none_of(holders_.begin(), holders_.end(),
                         [&](const PcmHolder& h) { return h.pid == now.pid; }))
            holders_.push_back(std::move(now));
    std::erase_if(holders_, [](const PcmHolder& h) { return !process_exists(h.pid); });
    return describe_holders(holders_);
}

std::optional<int> card_index_of_pcm(const std::string& pcm)
{
    std::string_view rest(pcm);
    if (rest.starts_with("plughw:"))
        rest.remove_prefix(7);
    else if (rest.starts_with("hw:"))
        rest.remove_prefix(3);
    else
        return std::nullopt;
    // The card is the first argument, positional or CARD=.
    std::string_view card = rest.substr(0, rest.find(','));
    for (std::string_view arg = rest; !arg.empty();) {
        const std::size_t comma = arg.find(',');
        const std::string_view one = arg.substr(0, comma);
        if (one.starts_with("CARD="))
            card = one.substr(5);
        arg = comma == std::string_view::npos ? std::string_view{} : arg.substr(comma + 1);
    }
    if (card.size() >= 2 && card.front() == '"' && card.back() == '"')
        card = card.substr(1, card.size() - 2);
    if (card.empty() || card.find('=') != std::string_view::npos)
        return std::nullopt;
    // snd_card_get_index takes a number or an id and checks that the card exists.
    const int index = snd_card_get_index(std::string(card).c_str());
    if (index < 0)
        return std::nullopt;
    return index;
}

} // namespace cmrd::devices
