#!/usr/bin/env python3
"""`meson install --destdir` into a temporary directory, then checks the result.

  check_destdir_install.py BUILD_DIR SOURCE_DIR [--binary DIR_OPTION:NAME]...

Where each file must land is worked out here, independently of the meson.build files: from the
build's options (`meson introspect --buildoptions`: prefix, bindir, sbindir, datadir,
sysconfdir and the unit/sysusers directory overrides) and from the distribution's pkg-config
files (systemd.pc, udev.pc), as a packager would. Then:
- the unit is in the systemd unit directory, and its ExecStart= is the installed cmrd;
- the sysusers.d snippet is in sysusersdir, and systemd-sysusers --root creates from it, in an
  empty root, the system user and group cmrd with cmrd a member of audio;
- the D-Bus policy is in datadir/dbus-1/system.d, identical to the build's copy, well-formed
  XML, and a system-like dbus-daemon including it starts (dbus-daemon refuses to start on a
  policy file it cannot parse or that holds an unknown element or attribute);
- udev/*.rules are in udevdir/rules.d, daemon/config/cmrd.toml is sysconfdir/cmrd/cmrd.toml,
  and every --binary DIR_OPTION:NAME (bindir:cmrctl, sbindir:cmrd) is an executable there.
"""

import argparse
import filecmp
import glob
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from install_checks import build_options, meson_install, pkg_config_variable, under
from system_bus import PrivateSystemBus

# tests/ holds the shared helpers (check_report.py, install/install_checks.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_report import check, exit_status  # noqa: E402

# With prefix=/usr (what distributions configure), the literal places the system's programs
# read: dbus-daemon only reads policies from /usr/share/dbus-1/system.d (and /etc), cmrd reads
# /etc/cmrd/cmrd.toml by default.
DISTRIBUTION_PATHS = {
    "policy": "/usr/share/dbus-1/system.d/org.cmrd.Monitor1.conf",
    "config": "/etc/cmrd/cmrd.toml",
}


def check_sysusers(snippet):
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "etc"))
        result = subprocess.run(["systemd-sysusers", f"--root={root}", snippet],
                                capture_output=True, text=True, check=False)
        if not check(result.returncode == 0, "systemd-sysusers --root accepts the snippet",
                     result.stderr.strip()):
            return
        with open(os.path.join(root, "etc/passwd"), encoding="utf-8") as f:
            users = {line.split(":")[0]: line.strip().split(":") for line in f if line.strip()}
        with open(os.path.join(root, "etc/group"), encoding="utf-8") as f:
            groups = {line.split(":")[0]: line.strip().split(":") for line in f if line.strip()}
        cmrd = users.get("cmrd")
        if not check(cmrd is not None, "sysusers created user cmrd"):
            return
        uid, gid, shell = int(cmrd[2]), int(cmrd[3]), cmrd[6]
        check(uid < 1000, f"cmrd is a system user (uid {uid})")
        check(shell.endswith("nologin"), f"cmrd cannot log in (shell {shell})")
        check("cmrd" in groups and int(groups["cmrd"][2]) == gid,
              "sysusers created group cmrd as cmrd's primary group")
        audio_members = groups.get("audio", ["", "", "", ""])[3].split(",")
        check("cmrd" in audio_members, "cmrd is a member of audio")


def check_policy(installed, built):
    if not check(os.path.isfile(installed), f"D-Bus policy at {installed}"):
        return
    check(filecmp.cmp(installed, built, shallow=False), "installed policy is the build's copy")
    try:
        root = ET.parse(installed).getroot()
        check(root.tag == "busconfig", "policy is well-formed XML with a <busconfig> root")
    except ET.ParseError as error:
        check(False, f"policy is well-formed XML: {error}")
        return
    with tempfile.TemporaryDirectory() as work:
        try:
            with PrivateSystemBus(work, [installed]) as bus:
                check(bus.address.startswith("unix:"),
                      f"a system-like dbus-daemon including the policy starts ({bus.address})")
                # Not a verdict: warnings such as an unknown user cmrd depend on the machine.
                print(f"(dbus-daemon said: {bus.stderr_text() or 'nothing'})")
        except RuntimeError as error:
            check(False, f"a system-like dbus-daemon including the policy starts: {error}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("source_dir")
    parser.add_argument("--binary", action="append", default=[])
    args = parser.parse_args()

    options = build_options(args.build_dir)
    prefix = options["prefix"]
    datadir = os.path.join(prefix, options["datadir"])
    sysconfdir = os.path.join(prefix, options["sysconfdir"])  # absolute stays absolute
    unit_dir = options.get("systemdsystemunitdir") or pkg_config_variable(
        "systemd", "systemdsystemunitdir", os.path.join(prefix, "lib/systemd/system"))
    sysusers_dir = options.get("sysusersdir") or pkg_config_variable(
        "systemd", "sysusersdir", os.path.join(prefix, "lib/sysusers.d"))
    udev_dir = pkg_config_variable("udev", "udevdir", "/usr/lib/udev")

    with tempfile.TemporaryDirectory() as destdir:
        if not meson_install(args.build_dir, destdir):
            return 1

        unit = under(destdir, os.path.join(unit_dir, "cmrd.service"))
        if check(os.path.isfile(unit), f"unit at {unit_dir}/cmrd.service"):
            with open(unit, encoding="utf-8") as f:
                exec_start = [line.strip() for line in f if line.startswith("ExecStart=")]
            program = exec_start[0].split("=", 1)[1].split()[0] if len(exec_start) == 1 else ""
            check(os.path.basename(program) == "cmrd" and os.path.isabs(program)
                  and os.access(under(destdir, program), os.X_OK),
                  f"unit runs the installed cmrd: {exec_start}")

        snippet = under(destdir, os.path.join(sysusers_dir, "cmrd.conf"))
        if check(os.path.isfile(snippet), f"sysusers snippet at {sysusers_dir}/cmrd.conf"):
            check_sysusers(snippet)

        policy = os.path.join(datadir, "dbus-1/system.d/org.cmrd.Monitor1.conf")
        check_policy(under(destdir, policy),
                     os.path.join(args.build_dir, "dbus/org.cmrd.Monitor1.conf"))
        config = os.path.join(sysconfdir, "cmrd/cmrd.toml")
        if prefix == "/usr":
            check(policy == DISTRIBUTION_PATHS["policy"] and config == DISTRIBUTION_PATHS["config"],
                  "prefix /usr: policy and configuration where dbus-daemon and cmrd read them",
                  f"{policy}, {config}")
        else:
            print(f"(prefix {prefix}: a distribution configures /usr, which puts the policy in "
                  f"{os.path.dirname(DISTRIBUTION_PATHS['policy'])} and the configuration in "
                  f"{os.path.dirname(DISTRIBUTION_PATHS['config'])})")

        for rules in sorted(glob.glob(os.path.join(args.source_dir, "udev/*.rules"))):
            name = os.path.basename(rules)
            installed = under(destdir, os.path.join(udev_dir, "rules.d", name))
            check(os.path.isfile(installed) and filecmp.cmp(installed, rules, shallow=False),
                  f"udev rules at {udev_dir}/rules.d/{name}")

        example = os.path.join(args.source_dir, "daemon/config/cmrd.toml")
        installed = under(destdir, config)
        check(os.path.isfile(installed) and filecmp.cmp(installed, example, shallow=False),
              f"example configuration at {config}")

        catalog_dir = pkg_config_variable("systemd", "catalogdir",
                                          os.path.join(prefix, "lib/systemd/catalog"))
        catalog = os.path.join(args.source_dir, "systemd/cmrd.catalog")
        installed = under(destdir, os.path.join(catalog_dir, "cmrd.catalog"))
        check(os.path.isfile(installed) and filecmp.cmp(installed, catalog, shallow=False),
              f"journal catalog at {catalog_dir}/cmrd.catalog")

        for binary in args.binary:
            dir_option, name = binary.split(":")
            directory = os.path.join(prefix, options[dir_option])
            path = under(destdir, os.path.join(directory, name))
            check(os.path.isfile(path) and os.access(path, os.X_OK),
                  f"{name} at {directory}/{name}")

    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
