#!/usr/bin/env python3
"""Checks cmr-notify's session files with the desktop's and systemd's own tools.

  check_session_files.py unit UNIT CMR_NOTIFY_BINARY
      `systemd-analyze --user verify` must print nothing (it exits 0 on warnings). systemd
      checks that ExecStart= names an executable, and the configured path (bindir) does not
      exist before `meson install`: a copy whose ExecStart= points at the built binary is
      verified, the one line that differs. A user manager needs a runtime directory: a
      temporary one is given.
  check_session_files.py desktop DESKTOP_FILE
      desktop-file-validate must accept it (skipped, status 77, when desktop-file-utils is
      not installed); it must start cmr-notify, autostart in GNOME and be skipped by
      systemd's autostart generator (the user unit runs cmr-notify in sessions that systemd
      manages).
"""

import os
import shutil
import subprocess
import sys
import tempfile


def check_unit(unit, binary):
    with open(unit, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    exec_lines = [i for i, line in enumerate(lines) if line.startswith("ExecStart=")]
    if len(exec_lines) != 1:
        print(f"{unit}: expected one ExecStart= line, found {len(exec_lines)}")
        return 1
    original = lines[exec_lines[0]].strip()
    if os.path.basename(original[len("ExecStart="):].split()[0]) != "cmr-notify":
        print(f"{unit}: ExecStart= does not run cmr-notify: {original}")
        return 1
    for wanted in ("Restart=on-failure\n", "WantedBy=graphical-session.target\n",
                   "PartOf=graphical-session.target\n"):
        if wanted not in lines:
            print(f"{unit}: no {wanted.strip()}")
            return 1
    lines[exec_lines[0]] = f"ExecStart={os.path.abspath(binary)}\n"
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, os.path.basename(unit))  # the file name is the unit's name
        with open(copy, "w", encoding="utf-8") as f:
            f.writelines(lines)
        runtime = os.path.join(tmp, "runtime")
        os.mkdir(runtime, 0o700)
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
        result = subprocess.run(["systemd-analyze", "--user", "verify", "--man=no", copy],
                                capture_output=True, text=True, check=False, env=env)
    output = (result.stdout + result.stderr).strip()
    print(f"verified a copy with ExecStart={os.path.abspath(binary)} (unit: {original})")
    if result.returncode != 0 or output:
        print(f"systemd-analyze --user verify (exit {result.returncode}) printed:\n{output}")
        return 1
    print("systemd-analyze --user verify: no output")
    return 0


def check_desktop(desktop):
    with open(desktop, encoding="utf-8") as f:
        keys = dict(line.strip().split("=", 1) for line in f
                    if "=" in line and not line.startswith("#"))
    for key, value in (("Exec", "cmr-notify"), ("X-GNOME-Autostart-enabled", "true"),
                       ("X-systemd-skip", "true")):
        if keys.get(key) != value:
            print(f"{desktop}: {key} is {keys.get(key)!r}, expected {value!r}")
            return 1
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        print("desktop-file-validate not installed (package desktop-file-utils): skipped")
        return 77
    result = subprocess.run([validator, desktop], capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or output:
        print(f"desktop-file-validate (exit {result.returncode}) printed:\n{output}")
        return 1
    print("desktop-file-validate: no output")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "unit":
        return check_unit(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "desktop":
        return check_desktop(argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
