#!/usr/bin/env python3
"""`meson install --destdir`, then the man pages and the bash completion where they are read.

  check_docs_install.py BUILD_DIR SOURCE_DIR

Where each file must land is worked out here, independently of the meson.build files, as a
packager would: the man pages from the build's prefix and mandir (`meson introspect
--buildoptions`), the completion from bash-completion's pkg-config file (completionsdir), or
datadir/bash-completion/completions without one. Then:
- each page of man/ is mandir/manN/PAGE for its section N, identical to the source, and
  `man -M MANDIR -w NAME` finds it there by name and section (cmrd.toml(5) included);
- the completion is COMPLETIONSDIR/cmrctl (bash-completion loads completions by the command's
  name), identical to tools/cmrctl/cmrctl.bash-completion, and sourcing the installed file
  registers its function for cmrctl.
"""

import filecmp
import glob
import os
import subprocess
import sys
import tempfile

# tests/ holds the shared helpers (check_report.py, install/install_checks.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_report import check, exit_status  # noqa: E402
from install.install_checks import (build_options, meson_install,  # noqa: E402
                                    pkg_config_variable, under)


def check_pages(destdir, mandir, source_dir):
    pages = sorted(glob.glob(os.path.join(source_dir, "man", "*.[1-9]")))
    check(len(pages) == 5, f"five man pages in man/: {[os.path.basename(p) for p in pages]}")
    for page in pages:
        name, section = os.path.basename(page).rsplit(".", 1)
        relative = os.path.join(mandir, f"man{section}", f"{name}.{section}")
        installed = under(destdir, relative)
        check(os.path.isfile(installed) and filecmp.cmp(installed, page, shallow=False),
              f"{name}({section}) at {relative}")
        # What `man 5 cmrd.toml` does once MANPATH includes mandir.
        found = subprocess.run(["man", "-M", under(destdir, mandir), "-w", section, name],
                               capture_output=True, text=True, check=False)
        where = found.stdout.strip()
        check(found.returncode == 0 and os.path.isfile(where) and os.path.samefile(where, installed),
              f"man -w {section} {name} finds it", found.stdout + found.stderr)


def check_completion(destdir, completions_dir, source_dir):
    source = os.path.join(source_dir, "tools", "cmrctl", "cmrctl.bash-completion")
    relative = os.path.join(completions_dir, "cmrctl")
    installed = under(destdir, relative)
    if not check(os.path.isfile(installed) and filecmp.cmp(installed, source, shallow=False),
                 f"bash completion at {relative}"):
        return
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                             'source "$1" && complete -p cmrctl', "bash", installed],
                            capture_output=True, text=True, check=False)
    check(result.returncode == 0 and "-F _cmrctl cmrctl" in result.stdout,
          "the installed completion registers _cmrctl for cmrctl",
          result.stdout + result.stderr)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    build_dir, source_dir = sys.argv[1:]
    options = build_options(build_dir)
    prefix = options["prefix"]
    mandir = os.path.join(prefix, options["mandir"])  # an absolute mandir stays absolute
    completions_dir = pkg_config_variable(
        "bash-completion", "completionsdir",
        os.path.join(prefix, options["datadir"], "bash-completion", "completions"))

    with tempfile.TemporaryDirectory() as destdir:
        if not meson_install(build_dir, destdir):
            return 1
        check_pages(destdir, mandir, source_dir)
        check_completion(destdir, completions_dir, source_dir)

    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
