// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/device_name.hpp"

#include <algorithm>

namespace cmrd::config {
namespace {

bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

} // namespace

bool is_valid_device_name(std::string_view name)
{
    return !name.empty() && name.size() <= max_device_name_length &&
           std::all_of(name.begin(), name.end(), is_name_char);
}

std::string sanitize_device_name(std::string_view text)
{
    if (text.empty())
        return "card";
    std::string name(text.substr(0, max_device_name_length));
    std::replace_if(
        name.begin(), name.end(), [](char c) { return !is_name_char(c); }, '_');
    return name;
}

} // namespace cmrd::config
