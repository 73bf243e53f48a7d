#!/usr/bin/env python3
"""Each man page renders without a single warning, and fits an 80-column terminal.

  check_man_render.py PAGE...

man-db formats each page as `man -l` would for a reader, with groff's warnings on
(`man --warnings`, which turns on groff's macro and syntax warnings). Any text on standard error
is a failure: an unknown macro, a bad escape, a font that does not exist. Then the page is
rendered again into plain text at MANWIDTH=80 and no line may be wider (the examples are in
no-fill mode, where an over-long line runs past the right margin rather than wrapping).
Last, lexgrog (what mandb runs to fill the whatis database behind `whatis` and `apropos`)
must read the NAME line and find the page's own name in it.
"""

import os
import re
import subprocess
import sys

# tests/ holds the shared helpers (check_report.py, install/install_checks.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_report import check, exit_status  # noqa: E402

WIDTH = 80


def environment():
    env = dict(os.environ)
    # MANROFFSEQ='': no preprocessors from the page's first line; no pager, no colours.
    env.update({"LC_ALL": "C.UTF-8", "MANROFFSEQ": "", "MANWIDTH": str(WIDTH),
                "MAN_KEEP_FORMATTING": "", "PAGER": "cat", "MANPAGER": "cat"})
    return env


def render_warnings(page):
    result = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", page],
                            capture_output=True, env=environment(), check=False)
    stderr = result.stderr.decode("utf-8", "replace").strip()
    check(result.returncode == 0 and not stderr and len(result.stdout) > 0,
          f"{os.path.basename(page)} renders without warnings",
          f"status {result.returncode}: {stderr}")


def render_text(page):
    result = subprocess.run(["man", "-E", "UTF-8", "-l", page], capture_output=True,
                            env=environment(), check=False)
    # Overstrike (bold, underline) and any SGR escapes out: only the visible characters count.
    text = result.stdout.decode("utf-8", "replace")
    text = re.sub(r".\x08", "", text)
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text


def check_width(page):
    text = render_text(page)
    wide = [line for line in text.splitlines() if len(line) > WIDTH]
    check(text.strip() != "" and not wide,
          f"{os.path.basename(page)} fits {WIDTH} columns",
          "\n".join(f"{len(line)}: {line}" for line in wide))


def check_whatis(page):
    name = os.path.basename(page).rsplit(".", 1)[0]
    result = subprocess.run(["lexgrog", page], capture_output=True, text=True,
                            env=environment(), check=False)
    # lexgrog prints: PAGE: "NAME - description"
    entry = result.stdout.split(": ", 1)[-1].strip().strip('"')
    check(result.returncode == 0 and entry.startswith(name + " - ") and
          len(entry) > len(name) + 3,
          f"{os.path.basename(page)}: whatis entry \"{entry}\"", result.stdout + result.stderr)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    for page in sys.argv[1:]:
        render_warnings(page)
        check_width(page)
        check_whatis(page)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
