// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
/// @file api_definition.hpp
/// What dbus/org.cmrd.Monitor1.xml (the API's one definition) documents, read from the file
/// itself, so that tests compare what clients see with the definition rather than with a copy.

#include <filesystem>
#include <map>
#include <string>

namespace cmrd::service::testing {

/// One interface: its properties (name → D-Bus signature) and methods (name → the
/// concatenated signatures of its in arguments).
struct DocumentedInterface {
    std::map<std::string, std::string> properties;
    std::map<std::string, std::string> method_inputs;
};

/// Every interface the file defines, by name. @throws std::runtime_error when the file
/// cannot be read or defines nothing.
[[nodiscard]] std::map<std::string, DocumentedInterface>
documented_api(const std::filesystem::path& xml);

} // namespace cmrd::service::testing
