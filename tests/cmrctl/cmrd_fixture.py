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
import threading
import time

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


# design.md's channel object and cmrctl's device object, for shape checks.
CHANNEL_KEYS = ["id", "kind", "hot", "cold", "channel", "mains_hz", "level_dbfs", "hum_dbfs",
                "harmonics", "cm_hum_dbfs", "cm_harmonics", "cmrr_db", "cmrr_kind", "symmetry",
                "leg_gain_db", "alarm"]
PAIR_ONLY_KEYS = ["cm_hum_dbfs", "cm_harmonics", "cmrr_db", "cmrr_kind", "symmetry",
                  "leg_gain_db"]
ALARMS = {"none", "hum", "ground_loop", "cmrr_low", "wiring"}
SYMMETRIES = {"symmetric", "cold_silent", "hot_silent", "in_phase", "uncorrelated", "no_signal"}
DEVICE_KEYS = ["name", "pcm", "state", "sample_rate", "overruns", "realtime", "channels"]
EVENT_KEYS = ["seq", "time", "device", "channel", "alarm", "action", "mains_hz", "hum_dbfs",
              "cm_hum_dbfs", "cmrr_db", "cmrr_kind", "symmetry", "value"]


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_or_null(value):
    return value is None or is_number(value)


def channel_shape_problems(channel):
    """Every way `channel` departs from design.md's channel object (empty when it fits)."""
    problems = []
    missing = [k for k in CHANNEL_KEYS if k not in channel]
    if missing:
        return [f"missing keys {missing}"]
    extra = [k for k in channel if k not in CHANNEL_KEYS]
    if extra:
        problems.append(f"unexpected keys {extra}")

    def expect(condition, what):
        if not condition:
            problems.append(f"{what}: {channel}")

    expect(isinstance(channel["id"], str), "id is a string")
    expect(channel["kind"] in ("pair", "single"), "kind is pair or single")
    for key in ("mains_hz", "level_dbfs", "hum_dbfs"):
        expect(number_or_null(channel[key]), f"{key} is a number or null")
    expect(channel["alarm"] in ALARMS, "alarm is a known kind")

    def harmonics_ok(harmonics):
        return isinstance(harmonics, list) and all(
            set(h) == {"k", "hz", "dbfs"} and isinstance(h["k"], int) and is_number(h["hz"])
            and number_or_null(h["dbfs"]) for h in harmonics)

    expect(harmonics_ok(channel["harmonics"]), "harmonics are {k, hz, dbfs}")
    if channel["kind"] == "pair":
        expect(isinstance(channel["hot"], int) and isinstance(channel["cold"], int),
               "a pair has integer hot and cold")
        expect(channel["channel"] is None, "a pair has channel null")
        expect(channel["id"] == f"{channel['hot']}/{channel['cold']}", "id is hot/cold")
        expect(number_or_null(channel["cm_hum_dbfs"]), "cm_hum_dbfs is a number or null")
        expect(harmonics_ok(channel["cm_harmonics"]), "cm_harmonics are {k, hz, dbfs}")
        expect(channel["cmrr_kind"] in ("measured", "lower_bound", "none"), "cmrr_kind known")
        expect((channel["cmrr_db"] is None) == (channel["cmrr_kind"] == "none"),
               "cmrr_db is null exactly when cmrr_kind is none")
        expect(number_or_null(channel["cmrr_db"]), "cmrr_db is a number or null")
        expect(channel["symmetry"] is None or channel["symmetry"] in SYMMETRIES,
               "symmetry is known or null")
        expect(number_or_null(channel["leg_gain_db"]), "leg_gain_db is a number or null")
    else:
        expect(channel["hot"] is None and channel["cold"] is None, "a single has hot/cold null")
        expect(isinstance(channel["channel"], int), "a single has an integer channel")
        expect(channel["id"] == str(channel["channel"]), "a single's id is its input")
        for key in PAIR_ONLY_KEYS:
            expect(channel[key] is None, f"a single has {key} null")
    return problems


def device_shape_problems(device):
    problems = [f"missing key {k}" for k in DEVICE_KEYS if k not in device]
    if problems:
        return problems
    if not (isinstance(device["name"], str) and isinstance(device["pcm"], str)
            and isinstance(device["state"], str)):
        problems.append(f"name, pcm, state are strings: {device}")
    if not (device["sample_rate"] is None or isinstance(device["sample_rate"], int)):
        problems.append(f"sample_rate is an integer or null: {device['sample_rate']}")
    if not isinstance(device["overruns"], int) or isinstance(device["overruns"], bool):
        problems.append(f"overruns is an integer: {device['overruns']}")
    if not isinstance(device["realtime"], bool):
        problems.append(f"realtime is a boolean: {device['realtime']}")
    if not isinstance(device["channels"], list):
        problems.append("channels is a list")
    else:
        for channel in device["channels"]:
            problems += channel_shape_problems(channel)
    return problems


def event_shape_problems(event):
    problems = [f"missing key {k}" for k in EVENT_KEYS if k not in event]
    if problems:
        return problems
    if not isinstance(event["seq"], int):
        problems.append(f"seq is an integer: {event}")
    if not (isinstance(event["time"], str) and event["time"].endswith("Z")):
        problems.append(f"time is ISO 8601 UTC: {event}")
    if event["alarm"] not in ALARMS - {"none"} or event["action"] not in ("raised", "cleared"):
        problems.append(f"alarm and action are known: {event}")
    for key in ("mains_hz", "hum_dbfs", "cm_hum_dbfs", "cmrr_db", "value"):
        if not number_or_null(event[key]):
            problems.append(f"{key} is a number or null: {event}")
    if event["cmrr_db"] is not None and event["cmrr_kind"] not in ("measured", "lower_bound"):
        problems.append(f"cmrr_db only with a kind that gives it meaning: {event}")
    return problems
