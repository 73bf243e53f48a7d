#!/usr/bin/env python3
"""Checks the configured units (cmrd.service, the user unit cmrd-agent.service) with systemd's
own tools.

  check_unit.py verify UNIT [BINARY]
      `systemd-analyze verify` must print nothing at all (it exits 0 on warnings, so its output
      is the verdict). systemd 252 also checks that ExecStart= names an executable; before
      `meson install` the configured path (bindir/cmrd) does not exist, and --root= would need
      a whole unit tree (sysinit.target, ...) inside the root. So the unit is verified as a copy
      that differs in exactly one line: ExecStart= points at the built program (BINARY: cmrd
      for cmrd.service, cmrd-agent for cmrd-agent.service), or at /bin/true while it is not
      part of the build yet. Unknown users (User=cmrd) are not
      reported by verify, so no user needs to exist.
  check_unit.py security UNIT [MAX_SCORE]
      `systemd-analyze security --offline=yes` must rate the unit's exposure at most
      MAX_SCORE (default 2.0, on systemd's 0-10 scale); prints the full table either way.
"""

import os
import re
import subprocess
import sys
import tempfile


def verify(unit, binary):
    if not binary:
        binary = "/bin/true"
        print("the program is not built yet: ExecStart= checked against /bin/true")
    with open(unit, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    exec_lines = [i for i, line in enumerate(lines) if line.startswith("ExecStart=")]
    if len(exec_lines) != 1:
        print(f"{unit}: expected one ExecStart= line, found {len(exec_lines)}")
        return 1
    original = lines[exec_lines[0]]
    command = original[len("ExecStart="):].split()
    program = os.path.basename(unit).removesuffix(".service")
    if os.path.basename(command[0]) != program:
        print(f"{unit}: ExecStart= does not run {program}: {original.strip()}")
        return 1
    lines[exec_lines[0]] = "ExecStart=" + " ".join([os.path.abspath(binary)] + command[1:]) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        # verify wants the unit's real name: the file name is its identity.
        copy = os.path.join(tmp, os.path.basename(unit))
        with open(copy, "w", encoding="utf-8") as f:
            f.writelines(lines)
        result = subprocess.run(["systemd-analyze", "verify", "--man=no", copy],
                                capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    print(f"verified a copy with {lines[exec_lines[0]].strip()} (unit: {original.strip()})")
    if result.returncode != 0 or output:
        print(f"systemd-analyze verify (exit {result.returncode}) printed:\n{output}")
        return 1
    print("systemd-analyze verify: no output")
    return 0


def security(unit, max_score):
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit],
                            capture_output=True, text=True, check=False)
    print(result.stdout)
    if result.stderr.strip():
        print(f"stderr:\n{result.stderr.strip()}")
    match = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", result.stdout)
    if not match:
        print(f"no 'Overall exposure level' line (exit {result.returncode})")
        return 1
    score = float(match.group(1))
    if score > max_score:
        print(f"FAIL: exposure {score} > {max_score}")
        return 1
    print(f"exposure {score} <= {max_score}")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "verify":
        return verify(argv[2], argv[3] if len(argv) > 3 else "")
    if len(argv) >= 3 and argv[1] == "security":
        return security(argv[2], float(argv[3]) if len(argv) > 3 else 2.0)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
