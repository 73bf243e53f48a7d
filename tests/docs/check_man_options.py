#!/usr/bin/env python3
"""The man pages document what the built programs accept, so they cannot drift silently.

  check_man_options.py --man-dir DIR --cmrctl EXE --cmrd EXE --cmr-notify EXE --cmrd-agent EXE
                       --config-example cmrd.toml

The options are read from the `--help` output of the BUILT binaries (CLI11's layout: an
"Options:" block of "  -h,--help ..." lines, a "Subcommands:" block of "  name  text" lines).
- cmrd(8), cmr-notify(1), cmrd-agent(1): every option appears in OPTIONS, and SYNOPSIS lists exactly the
  options that are not -h/--help/--version.
- cmrctl(1): every subcommand has its section under COMMANDS and its synopsis; each
  subcommand's options appear in its section or under COMMON OPTIONS, and its synopsis lists
  exactly its options but -h/--help (so a removed option cannot linger in the page either).
- cmrd.toml(5): every table and key of daemon/config/cmrd.toml, the example that shows every
  setting (commented-out "#key = value" lines are examples too), appears in the section of the
  page that documents it, and each setting the example gives a value has a documented default
  equal to that value (or one derived from another key, such as "hum_dbfs - 3").
"""

import argparse
import os
import re
import subprocess
import sys
import tomllib

# tests/ holds the shared helpers (check_report.py, install/install_checks.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_report import check, exit_status  # noqa: E402


# ---- --help of the built programs ------------------------------------------------------------

def help_text(command):
    result = subprocess.run(command + ["--help"], capture_output=True, text=True, check=False,
                            env=dict(os.environ, COLUMNS="200"))
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} --help: status {result.returncode}: "
                           f"{result.stderr.strip()}")
    return result.stdout


def help_block(text, title):
    """The lines of one block of CLI11's help ("Options:", "Subcommands:")."""
    lines = []
    inside = False
    for line in text.splitlines():
        if line.strip() == title:
            inside = True
            continue
        if inside:
            if not line.startswith(" "):
                break
            lines.append(line)
    return lines


def help_options(text):
    """Every option name the help prints: "-h", "--help", "--bus", ..."""
    options = []
    for line in help_block(text, "Options:"):
        match = re.match(r"\s+(-[^\s]+)", line)
        if match:
            options += [name for name in match.group(1).split(",") if name.startswith("-")]
    if not options:
        raise RuntimeError("no options found in:\n" + text)
    return options


def help_subcommands(text):
    names = [line.split()[0] for line in help_block(text, "Subcommands:") if line.strip()]
    if not names:
        raise RuntimeError("no subcommands found in:\n" + text)
    return names


# ---- man(7) source ---------------------------------------------------------------------------

def normalised_source(path):
    """The page's source with comments dropped and the escapes this project uses resolved."""
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if not line.startswith('.\\"')]
    text = "\n".join(lines)
    for escape, plain in [("\\-", "-"), ("\\(dq", '"'), ("\\(aq", "'"), ("\\e", "\\"),
                          ("\\&", ""), ("\\ ", " ")]:
        text = text.replace(escape, plain)
    return re.sub(r"\\f[BIRP]", "", text)


def sections(text, macro):
    """{title: body} for every .SH (macro "SH") or .SS heading; a body runs to the next .SH/.SS
    (for .SH: to the next .SH)."""
    stop = r"\.SH" if macro == "SH" else r"\.S[HS]"
    found = {}
    for match in re.finditer(rf"^\.{macro} (.*)$", text, re.M):
        title = match.group(1).strip().strip('"')
        rest = text[match.end():]
        end = re.search(rf"^{stop}\b", rest, re.M)
        found[title] = rest[:end.start()] if end else rest
    return found


def mentions(text, option):
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def synopsis_blocks(text):
    """The .SY ... .YS blocks of SYNOPSIS, as lists of their lines."""
    synopsis = sections(text, "SH").get("SYNOPSIS", "")
    return [block.strip().splitlines() for block in
            re.findall(r"^\.SY [^\n]*\n(.*?)^\.YS", synopsis, re.M | re.S)]


def options_in(lines):
    found = set()
    for line in lines:
        found.update(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", line))
    return found


# ---- the checks ------------------------------------------------------------------------------

HELP_ONLY = {"-h", "--help", "--version"}


def check_program(page, command, name):
    text = normalised_source(page)
    options = help_options(help_text(command))
    documented = sections(text, "SH").get("OPTIONS", "")
    for option in options:
        check(mentions(documented, option), f"{name}(man): {option} under OPTIONS")
    blocks = synopsis_blocks(text)
    listed = set().union(*(options_in(block) for block in blocks)) - HELP_ONLY
    expected = set(options) - HELP_ONLY
    check(listed == expected, f"{name}(man): SYNOPSIS lists exactly {sorted(expected)}",
          f"SYNOPSIS lists {sorted(listed)}")


def check_cmrctl(page, cmrctl):
    text = normalised_source(page)
    top = help_text([cmrctl])
    for option in help_options(top):
        check(mentions(text, option), f"cmrctl(man): {option}")
    common = sections(text, "SH").get("COMMON OPTIONS", "")
    commands = sections(sections(text, "SH").get("COMMANDS", ""), "SS")
    blocks = synopsis_blocks(text)
    for subcommand in help_subcommands(top):
        if not check(subcommand in commands, f"cmrctl(man): section {subcommand} under COMMANDS",
                     f"sections: {sorted(commands)}"):
            continue
        options = help_options(help_text([cmrctl, subcommand]))
        for option in options:
            check(mentions(commands[subcommand], option) or mentions(common, option),
                  f"cmrctl(man): {subcommand} {option} in its section or COMMON OPTIONS")
        block = [b for b in blocks if b and b[0] == f".B {subcommand}"]
        if check(len(block) == 1, f"cmrctl(man): one SYNOPSIS line for {subcommand}"):
            listed = options_in(block[0]) - HELP_ONLY
            expected = set(options) - HELP_ONLY
            check(listed == expected,
                  f"cmrctl(man): SYNOPSIS of {subcommand} lists exactly {sorted(expected)}",
                  f"it lists {sorted(listed)}")


def example_settings(path):
    """[(table, key, value or None)] of the example configuration, commented examples included
    (value None). Tables are dotted: "alarms", "device", "device.alarms", "device.channel"."""
    with open(path, "rb") as f:
        document = tomllib.load(f)
    settings = []
    for table, content in document.items():
        for key, value in content.items():
            settings.append((table, key, value))
    table = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            header = re.match(r"#\[\[?([a-z_.]+)\]\]?", line)
            key = re.match(r"#([a-z_]+)\s*=", line)
            if header:
                table = header.group(1)
                settings.append((table, None, None))
            elif key and table:
                settings.append((table, key.group(1), None))
    for table in document:
        settings.append((table, None, None))
    return settings


def man_section_of(table, key):
    """The section of cmrd.toml(5) that documents @p key of @p table (None: the table)."""
    if key is None:
        return "[[device]]" if "." in table else (
            "[[device]]" if table == "device" else f"[{table}]")
    if table in ("alarms", "device.alarms") or (table == "device.channel" and key != "id"):
        return "[alarms]"
    if table in ("capture", "device.capture"):
        return "[capture]"
    if table in ("device", "device.channel"):
        return "[[device]]"
    return f"[{table}]"


def comparable(value):
    """A value of the example or a documented default, in one form: bools stay bools, numbers
    become floats, strings lose their quotes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().strip('"')
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        return text


def check_config_page(page, example):
    text = normalised_source(page)
    by_section = sections(text, "SH")
    for table, key, value in example_settings(example):
        section = man_section_of(table, key)
        body = by_section.get(section, "")
        if key is None:
            header = f"[[{table}]]" if table in ("device", "device.channel") else f"[{table}]"
            check(section in by_section and (section == header or header in body),
                  f"cmrd.toml(man): table {header} in section {section}")
            continue
        bold = re.search(rf"^\.BR? {re.escape(key)}(\s|$)", body, re.M)
        check(bold is not None, f"cmrd.toml(man): {table}.{key} documented under {section}")
        if value is None or table.startswith("device"):
            continue
        default = re.search(rf'^\.BR {re.escape(key)} " \(default " (\S+)', body, re.M)
        if not check(default is not None, f"cmrd.toml(man): {table}.{key} has a default"):
            continue
        documented = default.group(1).strip('"')
        keys_here = {k for t, k, _ in example_settings(example) if t == table}
        if re.fullmatch(r"[a-z]+(_[a-z]+)+", documented):
            # Derived from another key of the table, such as hum_clear_dbfs from hum_dbfs.
            check(documented in keys_here,
                  f"cmrd.toml(man): {table}.{key} default follows {table}.{documented}")
            continue
        check(comparable(documented) == comparable(value),
              f"cmrd.toml(man): {table}.{key} default {documented} is the example's {value!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--man-dir", required=True)
    parser.add_argument("--cmrctl", required=True)
    parser.add_argument("--cmrd", required=True)
    parser.add_argument("--cmr-notify", required=True)
    parser.add_argument("--cmrd-agent", required=True)
    parser.add_argument("--config-example", required=True)
    args = parser.parse_args()

    check_program(os.path.join(args.man_dir, "cmrd.8"), [args.cmrd], "cmrd")
    check_program(os.path.join(args.man_dir, "cmr-notify.1"), [args.cmr_notify], "cmr-notify")
    check_program(os.path.join(args.man_dir, "cmrd-agent.1"), [args.cmrd_agent], "cmrd-agent")
    check_cmrctl(os.path.join(args.man_dir, "cmrctl.1"), args.cmrctl)
    check_config_page(os.path.join(args.man_dir, "cmrd.toml.5"), args.config_example)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
