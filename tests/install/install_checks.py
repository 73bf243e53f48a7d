"""What the install checks share: the build's options, pkg-config variables,
paths under a DESTDIR, and `meson install --destdir` itself.

Used by tests/install/check_destdir_install.py and tests/docs/check_docs_install.py. Install
locations are worked out from these, independently of the meson.build files, as a packager
would.
"""

import json
import os
import subprocess


def build_options(build_dir):
    """The configured build's options, name -> value (`meson introspect --buildoptions`)."""
    out = subprocess.run(["meson", "introspect", build_dir, "--buildoptions"],
                         capture_output=True, text=True, check=True).stdout
    return {option["name"]: option["value"] for option in json.loads(out)}


def pkg_config_variable(package, variable, fallback):
    """A variable of the distribution's PACKAGE.pc, or @fallback without one."""
    result = subprocess.run(["pkg-config", f"--variable={variable}", package],
                            capture_output=True, text=True, check=False)
    value = result.stdout.strip()
    return value if result.returncode == 0 and value else fallback


def under(destdir, path):
    """An absolute install path as it lands inside @destdir."""
    return os.path.join(destdir, path.lstrip("/"))


def meson_install(build_dir, destdir):
    """`meson install --destdir DESTDIR` without rebuilding; prints its output if it fails."""
    result = subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild",
                             "--destdir", destdir], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        print("FAIL meson install --destdir")
        return False
    print(f"meson install --destdir {destdir}: ok")
    return True
