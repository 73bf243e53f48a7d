// SPDX-License-Identifier: GPL-2.0-or-later
#include "api_definition.hpp"

#include <regex>
#include <stdexcept>

#include "scratch_dir.hpp"

namespace cmrd::service::testing {

std::map<std::string, DocumentedInterface> documented_api(const std::filesystem::path& xml)
{
    // The XML is sdbus-c++-xml2cpp's input: plain introspection data, attributes in double
    // quotes. Comments go first (they quote names).
    const std::string text =
        std::regex_replace(read_text_file(xml), std::regex("<!--[\\s\\S]*?-->"), "");
    std::map<std::string, DocumentedInterface> api;
    const std::regex interface_re("<interface\\s+name=\"([^\"]+)\"\\s*>([\\s\\S]*?)</interface>");
    const std::regex property_re("<property\\s+name=\"([^\"]+)\"\\s+type=\"([^\"]+)\"");
    const std::regex method_re("<method\\s+name=\"([^\"]+)\"\\s*(/>|>([\\s\\S]*?)</method>)");
    const std::regex in_arg_re("<arg\\s+name=\"[^\"]*\"\\s+type=\"([^\"]+)\"\\s+direction=\"in\"");
    for (std::sregex_iterator it(text.begin(), text.end(), interface_re), end; it != end; ++it) {
        DocumentedInterface& interface = api[(*it)[1].str()];
        const std::string body = (*it)[2].str();
        for (std::sregex_iterator p(body.begin(), body.end(), property_re); p != end; ++p)
            interface.properties[(*p)[1].str()] = (*p)[2].str();
        for (std::sregex_iterator m(body.begin(), body.end(), method_re); m != end; ++m) {
            std::string inputs;
            const std::string args = (*m)[3].str();
            for (std::sregex_iterator a(args.begin(), args.end(), in_arg_re); a != end; ++a)
                inputs += (*a)[1].str();
            interface.method_inputs[(*m)[1].str()] = inputs;
        }
    }
    if (api.empty())
        throw std::runtime_error("no interface found in " + xml.string());
    return api;
}

} // namespace cmrd::service::testing
