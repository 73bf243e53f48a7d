// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <toml++/toml.h>

namespace cmr::synth {

namespace {

/// Where errors are reported: the source name, and one-line messages with line and key.
class Source {
public:
    explicit Source(std::string name) : name_(std::move(name)) {}

    [[noreturn]] void fail(const toml::source_region& where, const std::string& key,
                           const std::string& problem) const
    {
        std::ostringstream out;
        out << name_ << ':' << where.begin.line << ": " << key << ": " << problem;
        throw ScenarioError(out.str());
    }

private:
    std::string name_;
};

std::string type_name(const toml::node& node)
{
    switch (node.type()) {
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::table:
        return "a table";
    default:
        return "a date/time";
    }
}

/// Reads the keys of one table, remembering which were read so that leftovers (typos) can be
/// reported. `path` is the table's name in messages, e.g. `pair[2].cm_hum`.
class TableReader {
public:
    TableReader(const Source& source, const toml::table& table, std::string path)
        : source_(source), table_(table), path_(std::move(path))
    {}

    [[nodiscard]] std::string key_path(std::string_view key) const
    {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    [[noreturn]] void fail(const toml::node& node, std::string_view key,
                           const std::string& problem) const
    {
        source_.fail(node.source(), key_path(key), problem);
    }
    [[noreturn]] void fail_here(std::string_view key, const std::string& problem) const
    {
        source_.fail(table_.source(), key_path(key), problem);
    }

    [[nodiscard]] const toml::node* find(std::string_view key)
    {
        read_.insert(std::string(key));
        return table_.get(key);
    }
    [[nodiscard]] bool has(std::string_view key) const { return table_.contains(key); }

    [[nodiscard]] std::optional<double> number(std::string_view key)
    {
        const toml::node* node = find(key);
        if (node == nullptr)
            return std::nullopt;
        if (!node->is_number())
            fail(*node, key, "expected a number, got " + type_name(*node));
        return node->value<double>();
    }
    [[nodiscard]] double number(std::string_view key, double fallback)
    {
        return number(key).value_or(fallback);
    }
    [[nodiscard]] double required_number(std::string_view key)
    {
        const std::optional<double> value = number(key);
        if (!value)
            fail_here(key, "missing (a number is required)");
        return *value;
    }
    /// A level in dB: a number or -inf.
    [[nodiscard]] std::optional<double> level(std::string_view key)
    {
        const std::optional<double> value = number(key);
        if (value && (std::isnan(*value) || *value == std::numeric_limits<double>::infinity()))
            fail(*find(key), key, "expected a level in dB (or -inf)");
        return value;
    }
    [[nodiscard]] double required_level(std::string_view key)
    {
        const std::optional<double> value = level(key);
        if (!value)
            fail_here(key, "missing (a level in dB is required; -inf for none)");
        return *value;
    }
    [[nodiscard]] double positive(std::string_view key, double fallback)
    {
        const double value = number(key, fallback);
        if (!std::isfinite(value) || value <= 0.0)
            fail(*find(key), key, "must be a positive number");
        return value;
    }
    [[nodiscard]] std::optional<std::int64_t> integer(std::string_view key)
    {
        const toml::node* node = find(key);
        if (node == nullptr)
            return std::nullopt;
        if (!node->is_integer())
            fail(*node, key, "expected an integer, got " + type_name(*node));
        return node->value<std::int64_t>();
    }
    [[nodiscard]] std::int64_t required_integer(std::string_view key)
    {
        const std::optional<std::int64_t> value = integer(key);
        if (!value)
            fail_here(key, "missing (an integer is required)");
        return *value;
    }
    [[nodiscard]] std::optional<std::string> string(std::string_view key)
    {
        const toml::node* node = find(key);
        if (node == nullptr)
            return std::nullopt;
        if (!node->is_string())
            fail(*node, key, "expected a string, got " + type_name(*node));
        return node->value<std::string>();
    }
    [[nodiscard]] std::optional<bool> boolean(std::string_view key)
    {
        const toml::node* node = find(key);
        if (node == nullptr)
            return std::nullopt;
        if (!node->is_boolean())
            fail(*node, key, "expected true or false, got " + type_name(*node));
        return node->value<bool>();
    }
    [[nodiscard]] const toml::table* table(std::string_view key)
    {
        const toml::node* node = find(key);
        if (node == nullptr)
            return nullptr;
        if (!node->is_table())
            fail(*node, key, "expected a table, got " + type_name(*node));
        return node->as_table();
    }
    /// An array of tables (`[[pair]]`), possibly absent.
    [[nodiscard]] std::vector<const toml::table*> tables(std::string_view key)
    {
        std::vector<const toml::table*> out;
        const toml::node* node = find(key);
        if (node == nullptr)
            return out;
        const toml::array* array = node->as_array();
        if (array == nullptr)
            fail(*node, key,
                 "expected [[" + std::string(key) + "]] tables, got " + type_name(*node));
        for (const toml::node& element : *array) {
            if (!element.is_table())
                fail(element, key, "expected tables, got " + type_name(element));
            out.push_back(element.as_table());
        }
        return out;
    }
    /// Reports the first key that was never read.
    void reject_unknown() const
    {
        for (auto&& [key, node] : table_)
            if (read_.count(std::string(key.str())) == 0)
                source_.fail(key.source(), key_path(key.str()), "unknown key");
    }
    /// Reports @p key when present: it does not apply here.
    void reject(std::string_view key, const std::string& why)
    {
        if (const toml::node* node = find(key))
            fail(*node, key, why);
    }
    [[nodiscard]] const Source& source() const { return source_; }

private:
    const Source& source_;
    const toml::table& table_;
    std::string path_;
    std::set<std::string> read_;
};

std::string indexed(std::string_view name, std::size_t index)
{
    return std::string(name) + "[" + std::to_string(index + 1) + "]";
}

HumSpec read_hum(TableReader& parent, std::string_view key)
{
    HumSpec hum;
    const toml::table* table = parent.table(key);
    if (table == nullptr)
        return hum;
    TableReader r(parent.source(), *table, parent.key_path(key));
    hum.level_dbfs = r.required_level("level_dbfs");
    if (const toml::node* node = r.find("profile")) {
        if (const auto name = node->value<std::string>()) {
            const auto profile = named_profile(*name);
            if (!profile)
                r.fail(*node, "profile",
                       "unknown profile \"" + *name + "\" (pure, ground_loop, buzz, ripple)");
            hum.profile = *profile;
        } else if (const toml::array* array = node->as_array()) {
            hum.profile.clear();
            for (const toml::node& element : *array) {
                const std::optional<double> db = element.value<double>();
                if (!element.is_number() || !db || std::isnan(*db) || *db > 1e3)
                    r.fail(element, "profile", "entries must be levels in dB (or -inf)");
                hum.profile.push_back(*db);
            }
            if (hum.profile.empty() || hum.profile.size() > 64)
                r.fail(*node, "profile", "needs 1 to 64 entries (harmonics 1, 2, 3 ...)");
        } else {
            r.fail(*node, "profile", "expected a profile name or an array of dB values");
        }
    }
    r.reject_unknown();
    return hum;
}

ProgrammeSpec read_programme(TableReader& parent, bool is_pair,
                             const std::filesystem::path& base_dir)
{
    ProgrammeSpec p;
    const toml::table* table = parent.table("programme");
    if (table == nullptr)
        return p;
    TableReader r(parent.source(), *table, parent.key_path("programme"));
    const std::optional<std::string> kind_name = r.string("kind");
    if (!kind_name)
        r.fail_here("kind", "missing (silence, sine, white_noise, pink_noise, music or file)");
    const std::optional<ProgrammeKind> kind = parse_programme_kind(*kind_name);
    if (!kind)
        r.fail(*r.find("kind"), "kind",
               "unknown kind \"" + *kind_name +
                   "\" (silence, sine, white_noise, pink_noise, music or file)");
    p.kind = *kind;

    if (const auto symmetry = r.string("symmetry")) {
        if (!is_pair)
            r.fail(*r.find("symmetry"), "symmetry", "applies to pairs only");
        const auto parsed = parse_leg_symmetry(*symmetry);
        if (!parsed)
            r.fail(*r.find("symmetry"), "symmetry",
                   "unknown symmetry \"" + *symmetry +
                       "\" (symmetric, cold_silent, hot_silent, in_phase)");
        p.symmetry = *parsed;
    }
    const std::string kind_text(to_string(p.kind));
    const auto only_for = [&](ProgrammeKind k, std::initializer_list<std::string_view> keys) {
        if (p.kind != k)
            for (std::string_view key : keys)
                r.reject(key, "applies to kind = \"" + std::string(to_string(k)) + "\", not \"" +
                                  kind_text + "\"");
    };
    only_for(ProgrammeKind::sine, {"frequency_hz"});
    only_for(ProgrammeKind::music, {"notes_hz", "note_s", "decay_s", "broadband_db"});
    only_for(ProgrammeKind::file, {"path", "channel", "loop", "gain_db"});

    switch (p.kind) {
    case ProgrammeKind::silence:
        r.reject("level_dbfs", "silence has no level");
        break;
    case ProgrammeKind::sine:
        p.level_dbfs = r.required_level("level_dbfs");
        p.frequency_hz = r.positive("frequency_hz", 1000.0);
        break;
    case ProgrammeKind::white_noise:
    case ProgrammeKind::pink_noise:
        p.level_dbfs = r.required_level("level_dbfs");
        break;
    case ProgrammeKind::music: {
        p.level_dbfs = r.required_level("level_dbfs");
        if (const toml::node* node = r.find("notes_hz")) {
            const toml::array* array = node->as_array();
            if (array == nullptr || array->empty())
                r.fail(*node, "notes_hz", "expected an array of note frequencies in Hz");
            p.music.notes_hz.clear();
            for (const toml::node& element : *array) {
                const std::optional<double> hz = element.value<double>();
                if (!element.is_number() || !hz || !(*hz > 0.0) || !std::isfinite(*hz))
                    r.fail(element, "notes_hz", "note frequencies must be positive numbers");
                p.music.notes_hz.push_back(*hz);
            }
        }
        p.music.note_s = r.positive("note_s", p.music.note_s);
        p.music.decay_s = r.positive("decay_s", p.music.decay_s);
        p.music.broadband_db = r.number("broadband_db", p.music.broadband_db);
        break;
    }
    case ProgrammeKind::file: {
        r.reject("level_dbfs", "a file programme has gain_db instead");
        p.level_dbfs = r.level("gain_db").value_or(0.0);
        const std::optional<std::string> path = r.string("path");
        if (!path)
            r.fail_here("path", "missing (the audio file to play)");
        p.file.path = std::filesystem::path(*path).is_absolute() ? std::filesystem::path(*path)
                                                                 : base_dir / *path;
        const std::int64_t channel = r.integer("channel").value_or(1);
        if (channel < 1)
            r.fail(*r.find("channel"), "channel", "channels are numbered from 1");
        p.file.channel = static_cast<int>(channel);
        p.file.loop = r.boolean("loop").value_or(true);
        break;
    }
    }
    r.reject_unknown();
    return p;
}

/// Marks inputs as used; reports out-of-range and reused inputs at the key's line.
class InputUse {
public:
    explicit InputUse(std::int64_t inputs) : inputs_(inputs) {}
    int take(TableReader& r, std::string_view key)
    {
        const std::int64_t input = r.required_integer(key);
        if (input < 1 || input > inputs_)
            r.fail(*r.find(key), key,
                   "input " + std::to_string(input) + " is not among inputs 1.." +
                       std::to_string(inputs_));
        if (!used_.insert(input).second)
            r.fail(*r.find(key), key, "input " + std::to_string(input) + " is used twice");
        return static_cast<int>(input);
    }

private:
    std::int64_t inputs_;
    std::set<std::int64_t> used_;
};

struct ParamName {
    std::string_view name;
    Param param;
    bool pair;   ///< applies to pairs
    bool single; ///< applies to singles
};

constexpr ParamName param_names[] = {
    {"mains.frequency_hz", Param::mains_frequency_hz, false, false},
    {"cm_hum.level_dbfs", Param::cm_hum_level_dbfs, true, false},
    {"diff_hum.level_dbfs", Param::diff_hum_level_dbfs, true, false},
    {"hum.level_dbfs", Param::hum_level_dbfs, false, true},
    {"programme.level_dbfs", Param::programme_level_dbfs, true, true},
    {"programme.symmetry", Param::programme_symmetry, true, false},
    {"noise_dbfs", Param::noise_dbfs, true, true},
    {"mismatch", Param::mismatch, true, false},
};

Event read_event(TableReader& r, const std::map<std::string, bool>& channel_is_pair)
{
    Event e;
    e.at_s = r.required_number("at_s");
    if (!std::isfinite(e.at_s) || e.at_s < 0.0)
        r.fail(*r.find("at_s"), "at_s", "must be a time >= 0 s");
    e.ramp_s = r.number("ramp_s", 0.0);
    if (!std::isfinite(e.ramp_s) || e.ramp_s < 0.0)
        r.fail(*r.find("ramp_s"), "ramp_s", "must be a duration >= 0 s");

    const std::optional<std::string> set = r.string("set");
    if (!set)
        r.fail_here("set", "missing (the parameter to change, e.g. \"cm_hum.level_dbfs\")");
    const ParamName* param = nullptr;
    for (const ParamName& p : param_names)
        if (p.name == *set)
            param = &p;
    if (param == nullptr) {
        std::string names;
        for (const ParamName& p : param_names)
            names += (names.empty() ? "" : ", ") + std::string(p.name);
        r.fail(*r.find("set"), "set", "unknown parameter \"" + *set + "\" (" + names + ")");
    }
    e.param = param->param;

    const std::optional<std::string> channel = r.string("channel");
    if (e.param == Param::mains_frequency_hz) {
        if (channel)
            r.fail(*r.find("channel"), "channel", "the mains frequency belongs to no channel");
    } else {
        if (!channel)
            r.fail_here("channel", "missing (the pair \"H/C\" or single \"N\" to change)");
        const auto found = channel_is_pair.find(*channel);
        if (found == channel_is_pair.end())
            r.fail(*r.find("channel"), "channel",
                   "no pair or single \"" + *channel + "\" in this scenario");
        if (found->second ? !param->pair : !param->single)
            r.fail(*r.find("set"), "set",
                   "\"" + *set + "\" does not apply to " + (found->second ? "a pair" : "a single"));
        e.channel = *channel;
    }

    const bool has_to = r.has("to");
    const bool has_by = r.has("by");
    if (has_to == has_by)
        r.fail_here(has_to ? "by" : "to", "give exactly one of `to` (new value) or `by` (change)");
    if (e.param == Param::programme_symmetry) {
        if (has_by)
            r.fail(*r.find("by"), "by", "a symmetry can only be set with `to`");
        r.reject("ramp_s", "a symmetry change is a step; ramp_s does not apply");
        const std::optional<std::string> name = r.string("to");
        const auto parsed = parse_leg_symmetry(*name);
        if (!parsed)
            r.fail(*r.find("to"), "to",
                   "unknown symmetry \"" + *name +
                       "\" (symmetric, cold_silent, hot_silent, in_phase)");
        e.symmetry = *parsed;
        return e;
    }
    const bool is_level = e.param != Param::mains_frequency_hz && e.param != Param::mismatch;
    const std::string_view value_key = has_to ? "to" : "by";
    const std::optional<double> value =
        is_level && has_to ? r.level(value_key) : r.number(value_key);
    if (!is_level || has_by)
        if (!std::isfinite(*value))
            r.fail(*r.find(value_key), value_key, "must be a finite number");
    if (e.param == Param::mains_frequency_hz && has_to && !(*value > 0.0))
        r.fail(*r.find(value_key), value_key, "a mains frequency must be positive");
    if (e.param == Param::mismatch && has_to && !(std::abs(*value) < 1.0))
        r.fail(*r.find(value_key), value_key, "a mismatch lies between -1 and 1");
    e.value = *value;
    e.relative = has_by;
    return e;
}

} // namespace

Scenario parse_scenario(std::string_view text, const std::string& source_name,
                        const std::filesystem::path& base_dir)
{
    const Source source(source_name);
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        std::ostringstream out;
        out << source_name << ':' << e.source().begin.line << ':' << e.source().begin.column << ": "
            << e.description();
        throw ScenarioError(out.str());
    }

    Scenario s;
    TableReader r(source, root, "");
    static_cast<void>(r.string("description")); // free text for the reader of the file
    const std::int64_t rate = r.integer("sample_rate").value_or(48000);
    if (rate < 1000 || rate > 768000)
        r.fail(*r.find("sample_rate"), "sample_rate", "must be 1000 to 768000 Hz");
    s.sample_rate = static_cast<int>(rate);
    s.duration_s = r.positive("duration_s", s.duration_s);
    const std::int64_t inputs = r.required_integer("inputs");
    if (inputs < 1 || inputs > 1024)
        r.fail(*r.find("inputs"), "inputs", "must be 1 to 1024");
    s.inputs = static_cast<int>(inputs);
    const std::int64_t seed = r.integer("seed").value_or(1);
    if (seed < 0)
        r.fail(*r.find("seed"), "seed", "must be >= 0");
    s.seed = static_cast<std::uint64_t>(seed);
    s.noise_dbfs = r.level("noise_dbfs").value_or(absent_db);

    if (const toml::table* mains = r.table("mains")) {
        TableReader m(source, *mains, "mains");
        s.mains.frequency_hz = m.positive("frequency_hz", s.mains.frequency_hz);
        s.mains.drift_mhz_per_sqrt_s = m.number("drift_mhz_per_sqrt_s", 0.0);
        if (!std::isfinite(s.mains.drift_mhz_per_sqrt_s) || s.mains.drift_mhz_per_sqrt_s < 0.0)
            m.fail(*m.find("drift_mhz_per_sqrt_s"), "drift_mhz_per_sqrt_s", "must be >= 0");
        m.reject_unknown();
    }

    InputUse use(inputs);
    std::map<std::string, bool> channel_is_pair;
    const std::vector<const toml::table*> pairs = r.tables("pair");
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        TableReader p(source, *pairs[i], indexed("pair", i));
        PairSpec pair;
        pair.hot = use.take(p, "hot");
        pair.cold = use.take(p, "cold");
        if (p.has("mismatch") && p.has("ideal_cmrr_db"))
            p.fail(*p.find("ideal_cmrr_db"), "ideal_cmrr_db",
                   "give either mismatch or ideal_cmrr_db, not both");
        if (const std::optional<double> cmrr = p.number("ideal_cmrr_db")) {
            if (!(*cmrr > 0.0))
                p.fail(*p.find("ideal_cmrr_db"), "ideal_cmrr_db", "must be > 0 dB (or inf)");
            pair.mismatch = std::pow(10.0, -*cmrr / 20.0);
        }
        pair.mismatch = p.number("mismatch", pair.mismatch);
        if (!std::isfinite(pair.mismatch) || std::abs(pair.mismatch) >= 1.0) {
            // Either key may have set it (#12 finding 7: a tiny ideal_cmrr_db gave a mismatch
            // of 1 and the error was reported at the absent "mismatch" key, a null dereference).
            const char* key = p.has("mismatch") ? "mismatch" : "ideal_cmrr_db";
            p.fail(*p.find(key), key,
                   p.has("mismatch") ? "must lie between -1 and 1"
                                     : "is too small: the legs would differ by 100 % or more");
        }
        pair.noise_dbfs = p.level("noise_dbfs");
        pair.cm_hum = read_hum(p, "cm_hum");
        pair.diff_hum = read_hum(p, "diff_hum");
        pair.programme = read_programme(p, true, base_dir);
        p.reject_unknown();
        channel_is_pair[pair.id()] = true;
        s.pairs.push_back(std::move(pair));
    }
    const std::vector<const toml::table*> singles = r.tables("single");
    for (std::size_t i = 0; i < singles.size(); ++i) {
        TableReader p(source, *singles[i], indexed("single", i));
        SingleSpec single;
        single.input = use.take(p, "input");
        single.noise_dbfs = p.level("noise_dbfs");
        single.hum = read_hum(p, "hum");
        single.programme = read_programme(p, false, base_dir);
        p.reject_unknown();
        channel_is_pair[single.id()] = false;
        s.singles.push_back(std::move(single));
    }
    const std::vector<const toml::table*> events = r.tables("event");
    for (std::size_t i = 0; i < events.size(); ++i) {
        TableReader e(source, *events[i], indexed("event", i));
        s.events.push_back(read_event(e, channel_is_pair));
        e.reject_unknown();
    }
    r.reject_unknown();
    return s;
}

Scenario load_scenario(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ScenarioError(path.string() + ": cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw ScenarioError(path.string() + ": cannot read the file");
    return parse_scenario(text.str(), path.string(), path.parent_path());
}

} // namespace cmr::synth
