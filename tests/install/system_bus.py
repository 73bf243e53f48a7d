"""A private dbus-daemon that enforces the system bus's rules, for tests.

Its configuration is the machine's own /usr/share/dbus-1/system.conf (type system, EXTERNAL
authentication, default deny for names and method calls, root's extra rights) with the parts
that belong to the real system bus taken out: the listen address, running as messagebus,
forking, the pid file, syslog, activation and every other include. The policy files under test
are added with <include>, which (unlike <includedir>) makes a file that does not parse a fatal
error, so a bus that starts has accepted them.
"""

import os
import select
import subprocess
import time
import xml.etree.ElementTree as ET

SYSTEM_CONF = "/usr/share/dbus-1/system.conf"
DOCTYPE = ('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
           ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n')
# Elements of system.conf that concern the real system bus, not its policy.
DROPPED = {"user", "fork", "pidfile", "syslog", "listen", "standard_system_servicedirs",
           "servicehelper", "servicedir", "include", "includedir"}


def write_config(path, socket_path, policy_files):
    """Writes a system-like bus configuration listening on socket_path, including policy_files."""
    tree = ET.parse(SYSTEM_CONF)
    root = tree.getroot()
    if root.findtext("type") != "system":
        raise RuntimeError(f"{SYSTEM_CONF} does not describe a system bus")
    for element in list(root):
        if element.tag in DROPPED:
            root.remove(element)
    listen = ET.SubElement(root, "listen")
    listen.text = f"unix:path={socket_path}"
    for policy in policy_files:
        ET.SubElement(root, "include").text = os.path.abspath(policy)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n' + DOCTYPE)
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")


class PrivateSystemBus:
    """Runs dbus-daemon on a configuration from write_config() until closed.

    The socket's directory is made world-searchable so that other users can connect.
    """

    def __init__(self, workdir, policy_files, start_timeout_s=10.0):
        os.chmod(workdir, 0o755)
        self.socket_path = os.path.join(workdir, "system_bus_socket")
        self.config_path = os.path.join(workdir, "bus.conf")
        write_config(self.config_path, self.socket_path, policy_files)
        self.stderr_path = os.path.join(workdir, "dbus-daemon.stderr")
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                ["dbus-daemon", "--nofork", "--nopidfile", "--print-address=1",
                 f"--config-file={self.config_path}"],
                stdout=subprocess.PIPE, stderr=stderr)
        self.address = self._read_address(start_timeout_s)

    def _read_address(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
            if not ready:
                self.close()
                raise RuntimeError(f"dbus-daemon printed no address within {timeout_s} s")
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                self.process.wait()
                raise RuntimeError(
                    f"dbus-daemon exited ({self.process.returncode}) before listening: "
                    f"{self.stderr_text()}")
            line += chunk
        return line.decode().strip()

    def stderr_text(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as err:
            return err.read().strip()

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
