"""Real parts for testing cmrctl's live commands: a private dbus-daemon, cmrd on the simulated
audio interface (sim/cmrsim), cmrctl run as a subprocess, and line readers for `watch`.

Paths come from the environment set by tests/cmrctl/meson.build: CMRCTL, CMRD, CMR_SIM_PLUGIN,
CMR_SOURCE_ROOT, DBUS_DAEMON, DBUS_SEND and (optional) PROMTOOL.
"""

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

# tests/schema_check.py, next to this directory (meson puts only tests/cmrctl on PYTHONPATH).
TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)
import schema_check  # noqa: E402  (needs the path above)

BUS_NAME = "org.cmrd.Monitor1"

# Any user may connect (the reload test runs cmrctl as nobody) and do anything: the bus's
# policy is not under test here, cmrd's own administrator check is.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def env_path(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"${name} is not set (run through meson test)")
    return value


class PrivateBus:
    """A dbus-daemon of our own, listening in workdir, until close()."""

    def __init__(self, workdir, start_timeout_s=10.0):
        os.chmod(workdir, 0o755)  # searchable by other users (nobody)
        self.socket_path = os.path.join(workdir, "bus_socket")
        config = os.path.join(workdir, "bus.conf")
        with open(config, "w", encoding="utf-8") as out:
            out.write(BUS_CONFIG.format(socket=self.socket_path))
        self.process = subprocess.Popen(
            [env_path("DBUS_DAEMON"), "--nofork", "--nopidfile", "--print-address=1",
             f"--config-file={config}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        ready, _, _ = select.select([self.process.stdout], [], [], start_timeout_s)
        if not ready:
            self.close()
            raise RuntimeError("dbus-daemon printed no address")
        self.address = self.process.stdout.readline().decode().strip()
        if not self.address:
            self.close()
            raise RuntimeError("dbus-daemon exited before listening")

    def name_has_owner(self, name=BUS_NAME):
        out = subprocess.run(
            [env_path("DBUS_SEND"), f"--bus={self.address}", "--print-reply", "--type=method_call",
             "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
             "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
            capture_output=True, text=True, timeout=10, check=True).stdout
        return "boolean true" in out

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Cmrd:
    """cmrd monitoring one static device, `desk`, on a simulated interface playing a scenario.

    The interface offers S32_LE at 48 kHz with as many inputs as the scenario has; the
    scenario's clock starts when cmrd opens the device (each start of cmrd replays it).
    """

    def __init__(self, workdir, bus, scenario, inputs, layout):
        self.workdir = workdir
        self.bus = bus
        self.alsa_config = os.path.join(workdir, "asound.conf")
        with open(self.alsa_config, "w", encoding="utf-8") as out:
            out.write("</usr/share/alsa/alsa.conf>\n"
                      f'pcm_type.cmrsim {{ lib "{env_path("CMR_SIM_PLUGIN")}" }}\n'
                      f"pcm.sim {{ type cmrsim channels {inputs} formats [\"S32_LE\"] "
                      f'rates [48000] scenario "{scenario}" }}\n')
        self.config = os.path.join(workdir, "cmrd.toml")
        self.write_config(f'[[device]]\nname = "desk"\npcm = "sim"\nchannels = "{layout}"\n')
        self.state_dir = os.path.join(workdir, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.log_path = os.path.join(workdir, "cmrd.log")
        self.process = None
        self.started_at = None

    def write_config(self, text):
        with open(self.config, "w", encoding="utf-8") as out:
            out.write(text)

    def start(self, timeout_s=15.0):
        """Starts cmrd and waits until it owns its name (its devices are open by then)."""
        env = dict(os.environ, ALSA_CONFIG_PATH=self.alsa_config)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [env_path("CMRD"), "--config", self.config, "--state-dir", self.state_dir,
                 "--bus", self.bus.address],
                stdout=log, stderr=subprocess.STDOUT, env=env)
        self.started_at = time.time()
        deadline = time.monotonic() + timeout_s
        while not self.bus.name_has_owner():
            if self.process.poll() is not None:
                raise RuntimeError(f"cmrd exited ({self.process.returncode}): {self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"cmrd did not own {BUS_NAME} within {timeout_s} s")
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)
        self.process = None

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


def run_cmrctl(args, bus_address=None, user=None, env=None, timeout=30):
    """Runs cmrctl ARGS (with --bus when given); returns the CompletedProcess (text)."""
    command = [env_path("CMRCTL")] + list(args)
    if bus_address is not None:
        command += ["--bus", bus_address]
    if user is not None:  # as root only: switch to that uid/gid with no supplementary groups
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] + command
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else os.environ.copy())


class LineReader:
    """A running process whose stdout lines are collected, each with its arrival time."""

    def __init__(self, command, env=None):
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        self.lines = []  # (time.time(), line without newline)
        self._condition = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr = ""

    def _read(self):
        for line in self.process.stdout:
            with self._condition:
                self.lines.append((time.time(), line.rstrip("\n")))
                self._condition.notify_all()
        with self._condition:
            self._condition.notify_all()

    def wait_for(self, predicate, timeout_s, start=0):
        """The index of the first line from `start` on for which predicate(line) holds."""
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while True:
                for i in range(start, len(self.lines)):
                    if predicate(self.lines[i][1]):
                        return i
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    text = "\n".join(line for _, line in self.lines[-20:])
                    raise AssertionError(f"no such line within {timeout_s} s; last lines:\n{text}")
                self._condition.wait(min(left, 0.5))

    def json_objects(self):
        with self._condition:
            return [(t, json.loads(line)) for t, line in self.lines]

    def stop(self, sig=signal.SIGINT, timeout_s=10):
        """Sends sig and returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        status = self.process.wait(timeout=timeout_s)
        self._reader.join(timeout=timeout_s)
        self.stderr = self.process.stderr.read()
        return status


# Shape checks: docs/schema is the one definition of cmrctl's JSON (tests/schema_check.py);
# each returns every problem found, empty when the object fits.


def _id_problems(channel, where="$"):
    """What a schema cannot say: a channel's id names its own inputs, "hot/cold" for a pair and
    the input for a single."""
    if not isinstance(channel, dict):
        return []
    kind, hot, cold, single = (channel.get(key) for key in ("kind", "hot", "cold", "channel"))
    if kind == "pair" and type(hot) is int and type(cold) is int:
        expected = f"{hot}/{cold}"
    elif kind == "single" and type(single) is int:
        expected = str(single)
    else:
        return []  # the schema has complained already
    if channel.get("id") == expected:
        return []
    return [f"{where}.id: {channel.get('id')!r} is not {expected!r} (the id names the "
            f"{kind}'s inputs)"]


def channel_shape_problems(channel):
    """Every way `channel` departs from the channel object, channel.schema.json."""
    return schema_check.problems(channel, "channel.schema.json") + _id_problems(channel)


def device_shape_problems(device):
    """Every way `device` departs from a device of `status --json`,
    status.schema.json#/$defs/device_with_channels."""
    problems = schema_check.problems(device, "status.schema.json#/$defs/device_with_channels")
    channels = device.get("channels") if isinstance(device, dict) else None
    for i, channel in enumerate(channels if isinstance(channels, list) else []):
        problems += _id_problems(channel, f"$.channels[{i}]")
    return problems


def event_shape_problems(event):
    """Every way `event` departs from an element of `events --json`,
    watch.schema.json#/$defs/logged_alarm_change."""
    return schema_check.problems(event, "watch.schema.json#/$defs/logged_alarm_change")
