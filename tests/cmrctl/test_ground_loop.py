#!/usr/bin/env python3
"""cmrctl's live commands against one cmrd playing examples/ground-loop.toml on a simulated
8-input interface (layout 1/2 3/4 5/6 7/8), on a private dbus-daemon:
  1/2  a ground loop from 5 s to 15 s (cmrd raises ground_loop at about 9 s, clears it at
       about 18 s), rejected by a 50 dB link
  3/4  a 30 dB link (cmrr_low), 5/6 legs in phase (wiring), 7/8 differential hum (hum).

The test methods are phases of that one run, in order (their names are numbered): the state
they look at depends on the scenario's time. One cmrd and two watches (human and --json with
hooks) serve them all; the last phase restarts cmrd under the watches.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from cmrd_fixture import (Cmrd, LineReader, PrivateBus, channel_shape_problems,
                          device_shape_problems, env_path, event_shape_problems, run_cmrctl)

CHANNELS = ["1/2", "3/4", "5/6", "7/8"]
# Hook: the CMRD_* environment into a file named after the action and sequence number,
# written under a temporary name and renamed (the test never reads half a file), then a sleep
# that would hold up a watch that waited for its hooks.
HOOK = ('env | grep "^CMRD_" | sort > "$HOOK_DIR/$CMRD_ACTION.$CMRD_SEQUENCE.tmp" && '
        'mv "$HOOK_DIR/$CMRD_ACTION.$CMRD_SEQUENCE.tmp" "$HOOK_DIR/$CMRD_ACTION.$CMRD_SEQUENCE"'
        '; sleep 4')
HOOK_SLEEP_S = 4.0
# How late a watch line may arrive after cmrd decided the alarm: far less than a hook's sleep.
ALARM_LINE_LATENESS_S = 2.0


def iso_to_epoch(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def is_alarm(obj, action, alarm=None, channel=None):
    return (obj.get("type") == "alarm" and obj["action"] == action
            and (alarm is None or obj["alarm"] == alarm)
            and (channel is None or obj["channel"] == channel))


class GroundLoop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cmrctl-groundloop-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.bus = PrivateBus(cls.tmp.name)
        cls.addClassCleanup(cls.bus.close)
        scenario = os.path.join(env_path("CMR_SOURCE_ROOT"), "examples", "ground-loop.toml")
        cls.cmrd = Cmrd(cls.tmp.name, cls.bus, scenario, 8, " ".join(CHANNELS))
        cls.cmrd.start()
        cls.addClassCleanup(cls.cmrd.stop)
        cls.hook_dir = os.path.join(cls.tmp.name, "hooks")
        os.makedirs(cls.hook_dir)
        cmrctl = env_path("CMRCTL")
        # Stale values that a hook must never see for a figure cmrd did not know.
        env = dict(os.environ, HOOK_DIR=cls.hook_dir, CMRD_HUM_DBFS="stale",
                   CMRD_CMRR_DB="stale", CMRD_CM_HUM_DBFS="stale")
        cls.json_watch = LineReader([cmrctl, "watch", "--json", "--bus", cls.bus.address,
                                     "--on-alarm", HOOK, "--on-clear", HOOK], env=env)
        cls.addClassCleanup(cls.json_watch.stop, timeout_s=10)
        cls.watch = LineReader([cmrctl, "watch", "--bus", cls.bus.address])
        cls.addClassCleanup(cls.watch.stop, timeout_s=10)

    def cmrctl(self, *args, **kwargs):
        return run_cmrctl(list(args), self.bus.address, **kwargs)

    def status_json(self, *names):
        result = self.cmrctl("status", "--json", *names)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def wait_json(self, predicate, timeout_s, start=0):
        return self.json_watch.wait_for(lambda line: predicate(json.loads(line)), timeout_s, start)

    def busctl_property(self, path, interface, name):
        out = subprocess.run(
            ["busctl", f"--address={self.bus.address}", "get-property", "org.cmrd.Monitor1",
             path, interface, name], capture_output=True, text=True, timeout=10, check=True)
        return out.stdout.split(maxsplit=1)[1].strip()

    # --- before the ground loop is detected -----------------------------------------------

    def test_1_status(self):
        # cmrd owns its name once its devices are open; capture starts a moment later.
        deadline = time.monotonic() + 10
        status = self.status_json()
        while status["devices"][0]["state"] != "running":
            self.assertLess(time.monotonic(), deadline, f"desk never ran: {status}")
            time.sleep(0.2)
            status = self.status_json()
        self.assertEqual(list(status), ["devices"])
        self.assertEqual(len(status["devices"]), 1)
        desk = status["devices"][0]
        self.assertEqual(device_shape_problems(desk), [])
        self.assertEqual((desk["name"], desk["pcm"]), ("desk", "sim"))
        self.assertEqual([c["id"] for c in desk["channels"]], CHANNELS)
        # Unchanging properties, read independently with busctl.
        self.assertEqual(desk["sample_rate"], 48000)
        self.assertEqual(self.busctl_property("/org/cmrd/Monitor1/devices/desk",
                                              "org.cmrd.Monitor1.Device", "SampleRate"), "48000")

        # The 3/4 line's common-mode buzz is steady (-57 dBFS): the JSON figure equals what
        # the bus carries, to its 0.1 dB rounding (0.5 dB allows for an update between reads).
        path = "/org/cmrd/Monitor1/devices/desk/pair_3_4"
        deadline = time.monotonic() + 15
        line = self.status_json("desk/3/4")["devices"][0]["channels"][0]
        while line["cm_hum_dbfs"] is None:
            self.assertLess(time.monotonic(), deadline, "3/4's CM hum never measured")
            time.sleep(0.5)
            line = self.status_json("desk/3/4")["devices"][0]["channels"][0]
        bus_value = float(self.busctl_property(path, "org.cmrd.Monitor1.Channel", "CmHumDbfs"))
        self.assertAlmostEqual(line["cm_hum_dbfs"], bus_value, delta=0.5)

        table = self.cmrctl("status")
        self.assertEqual(table.returncode, 0, table.stderr)
        lines = table.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["DEVICE", "CHANNEL", "MAINS", "HUM", "CM", "HUM",
                                            "CMRR", "SYMMETRY", "ALARM", "STATE", "OVERRUNS"])
        self.assertEqual([l.split()[1] for l in lines[2:]], CHANNELS)

        one = self.status_json("desk/5/6")["devices"][0]
        self.assertEqual([c["id"] for c in one["channels"]], ["5/6"])
        for name, message in [("nosuch", "no device 'nosuch'"),
                              ("desk/9/10", "no channel '9/10' on device desk")]:
            result = self.cmrctl("status", name)
            self.assertEqual(result.returncode, 1)
            self.assertTrue(result.stderr.startswith(f"cmrctl status: {message}: cmrd monitors "
                                                     "desk (1/2 3/4 5/6 7/8)"), result.stderr)

    # --- while the ground loop is on -------------------------------------------------------

    def test_2_alarms_raised(self):
        self.wait_json(lambda o: is_alarm(o, "raised", "ground_loop", "1/2"), 25)
        self.wait_json(lambda o: is_alarm(o, "raised", "wiring", "5/6"), 10)
        self.wait_json(lambda o: is_alarm(o, "raised", "hum", "7/8"), 10)
        self.watch.wait_for(lambda l: " ALARM desk 1/2 ground_loop raised: " in l, 5)

        result = self.cmrctl("check", "desk/1/2")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertTrue(result.stdout.startswith("CMRD WARNING - desk 1/2 ground_loop ("),
                        result.stdout)
        result = self.cmrctl("check")
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertTrue(result.stdout.startswith("CMRD CRITICAL - desk 5/6 wiring"), result.stdout)
        self.assertEqual(len(result.stdout.splitlines()), 1)

        # 7/8: about -71.5 dBFS of hum on D (the scenario's -72 dBFS fundamental and harmonics).
        hum = self.status_json("desk/7/8")["devices"][0]["channels"][0]["hum_dbfs"]
        self.assertLess(abs(hum - -71.5), 1.5, hum)
        self.assertEqual(self.cmrctl("check", "desk/7/8").returncode, 1)
        critical = self.cmrctl("check", "--crit-hum", "-75", "desk/7/8")
        self.assertEqual(critical.returncode, 2, critical.stdout)
        self.assertIn("desk 7/8 hum ", critical.stdout)
        # Above both thresholds, cmrd's own hum alarm still makes it a WARNING.
        quiet = self.cmrctl("check", "--warn-hum", "-60", "--crit-hum", "-50", "desk/7/8")
        self.assertEqual(quiet.returncode, 1, quiet.stdout)
        self.assertIn("desk 7/8 hum alarm", quiet.stdout)

        for name in ["desk/9/10", "nosuch"]:
            unknown = self.cmrctl("check", name)
            self.assertEqual(unknown.returncode, 3)
            self.assertTrue(unknown.stdout.startswith("CMRD UNKNOWN - no "), unknown.stdout)

        # Perfdata: one entry per figure, the CMRR of 3/4 measured near the scenario's 30 dB,
        # with the --min-cmrr threshold as a range that alerts below it.
        perf = dict(re.findall(r"'([^']+)'=(\S+)", self.cmrctl("check").stdout.split("|")[1]))
        self.assertEqual(set(perf), {f"desk_{c.replace('/', '_')}_{f}" for c in CHANNELS
                                     for f in ("hum_dbfs", "cm_hum_dbfs")} | {"desk_3_4_cmrr_db"})
        value, threshold = perf["desk_3_4_cmrr_db"].split(";")
        self.assertLess(abs(float(value) - 30.0), 1.0)
        self.assertEqual(threshold, "40.0:")
        self.assertEqual(perf["desk_7_8_hum_dbfs"].split(";")[1:], ["~:-80.0", "~:-60.0"])

        self.check_metrics()

    def check_metrics(self):
        result = self.cmrctl("metrics")
        self.assertEqual(result.returncode, 0, result.stderr)
        text = result.stdout
        promtool = os.environ.get("PROMTOOL")
        if promtool:
            lint = subprocess.run([promtool, "check", "metrics"], input=text,
                                  capture_output=True, text=True, timeout=30)
            self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        else:
            print("promtool not found (Debian package prometheus): exposition not linted")
        self.assertNotIn("NaN", text)
        samples = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                series, value = line.rsplit(" ", 1)
                samples[series] = float(value)
        self.assertEqual(samples["cmrd_up"], 1)
        self.assertEqual(samples['cmrd_alarm_active{device="desk",channel="1/2",'
                                 'alarm="ground_loop"}'], 1)
        self.assertEqual(samples['cmrd_alarm_active{device="desk",channel="1/2",'
                                 'alarm="wiring"}'], 0)
        self.assertEqual(samples['cmrd_device_state{device="desk",state="running"}'], 1)
        self.assertEqual(samples['cmrd_device_overruns_total{device="desk"}'], 0)
        self.assertLess(abs(samples['cmrd_cmrr_db{device="desk",channel="3/4",'
                                    'kind="measured"}'] - 30.0), 1.0)
        # Exactly the hum figures JSON has as numbers are exported (5/6's is null: no hum on D
        # at all when the legs carry the programme in phase).
        status = {c["id"]: c for c in self.status_json()["devices"][0]["channels"]}
        for channel in CHANNELS:
            series = f'cmrd_hum_dbfs{{device="desk",channel="{channel}"}}'
            self.assertEqual(series in samples, status[channel]["hum_dbfs"] is not None, series)
        for family in ["cmrd_up", "cmrd_device_overruns_total", "cmrd_hum_dbfs",
                       "cmrd_cm_hum_dbfs", "cmrd_cmrr_db", "cmrd_mains_hz", "cmrd_alarm_active"]:
            self.assertIn(f"# HELP {family} ", text)
        self.assertIn("# TYPE cmrd_device_overruns_total counter\n", text)
        self.assertIn("# TYPE cmrd_hum_dbfs gauge\n", text)

    # --- after the ground loop has gone ---------------------------------------------------

    def test_3_cleared_events_and_hooks(self):
        self.wait_json(lambda o: is_alarm(o, "cleared", "ground_loop", "1/2"), 30)
        self.assertEqual(self.cmrctl("check", "desk/1/2").returncode, 0)

        result = self.cmrctl("events", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        events = json.loads(result.stdout)
        for event in events:
            self.assertEqual(event_shape_problems(event), [])
        self.assertEqual([e["seq"] for e in events], sorted(e["seq"] for e in events))
        kinds = [(e["channel"], e["alarm"], e["action"]) for e in events]
        for expected in [("1/2", "ground_loop", "raised"), ("1/2", "ground_loop", "cleared"),
                         ("5/6", "wiring", "raised"), ("7/8", "hum", "raised")]:
            self.assertIn(expected, kinds)
        table = self.cmrctl("events").stdout.splitlines()
        self.assertEqual(len(table), 2 + len(events))

        # --since in its three forms.
        cleared = next(e for e in events if e["alarm"] == "ground_loop" and
                       e["action"] == "cleared")
        since = f"{iso_to_epoch(cleared['time']):.3f}"
        later = json.loads(self.cmrctl("events", "--json", "--since", since).stdout)
        self.assertEqual(later, [e for e in events if e["seq"] >= cleared["seq"]])
        self.assertEqual(json.loads(self.cmrctl("events", "--json", "--since", "1h").stdout),
                         events)
        future = (datetime.datetime.now(datetime.timezone.utc) +
                  datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(json.loads(self.cmrctl("events", "--json", "--since", future).stdout),
                         [])
        self.assertEqual(self.cmrctl("events", "--since", future).stdout,
                         f"no alarm events since {future}\n")

        # Every alarm change ran its hook with the event's figures; unknown ones unset.
        for event in events:
            self.check_hook(event)

        # The hooks sleep, the watch does not wait for them: every alarm line came out soon
        # after cmrd's decision.
        alarms = [(t, o) for t, o in self.json_watch.json_objects() if o["type"] == "alarm"]
        self.assertGreaterEqual(len(alarms), 5)
        for arrival, alarm in alarms:
            self.assertLess(arrival - iso_to_epoch(alarm["time"]), ALARM_LINE_LATENESS_S, alarm)

        # Every line of the JSON watch is one of the documented objects.
        for _, obj in self.json_watch.json_objects():
            self.assertIn(obj["type"], ("daemon", "device", "channel", "alarm"))
            if obj["type"] == "channel":
                self.assertEqual(channel_shape_problems(obj["channel"]), [])
                self.assertEqual(obj["channel"]["id"], obj["id"])
            if obj["type"] == "device":
                self.assertEqual(device_shape_problems(dict(obj["device"], channels=[])), [])

    def check_hook(self, event):
        path = os.path.join(self.hook_dir, f"{event['action']}.{event['seq']}")
        deadline = time.monotonic() + 5
        while not os.path.exists(path):
            self.assertLess(time.monotonic(), deadline, f"no hook ran for {event}")
            time.sleep(0.1)
        with open(path, encoding="utf-8") as f:
            env = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        self.assertEqual(env["CMRD_DEVICE"], event["device"])
        self.assertEqual(env["CMRD_CHANNEL"], event["channel"])
        self.assertEqual(env["CMRD_ALARM"], event["alarm"])
        self.assertEqual(env["CMRD_ACTION"], event["action"])
        self.assertEqual(env["CMRD_SEQUENCE"], str(event["seq"]))
        self.assertEqual(env["CMRD_TIME"], event["time"])
        for variable, key in [("CMRD_HUM_DBFS", "hum_dbfs"), ("CMRD_CM_HUM_DBFS", "cm_hum_dbfs"),
                              ("CMRD_CMRR_DB", "cmrr_db"), ("CMRD_MAINS_HZ", "mains_hz")]:
            if event[key] is None:
                self.assertNotIn(variable, env, event)
            else:
                self.assertEqual(float(env[variable]), event[key], event)
        self.assertEqual(env.get("CMRD_CMRR_KIND"), event["cmrr_kind"])

    # --- reload -----------------------------------------------------------------------------

    def test_4_reload(self):
        ok = self.cmrctl("reload")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(ok.stdout, f"cmrd reloaded its configuration from {self.cmrd.config}\n")

        if os.geteuid() == 0:
            denied = self.cmrctl("reload", user=65534)
            self.assertEqual(denied.returncode, 4, denied.stderr)
            self.assertEqual(denied.stderr, "cmrctl: permission denied: reloading cmrd's "
                             "configuration is for administrators (root)\n")
            # Reading is for everyone.
            self.assertEqual(self.cmrctl("status", user=65534).returncode, 0)
        else:
            print("not root: the reload refused to nobody is not tested")

        shutil.copy(self.cmrd.config, self.cmrd.config + ".good")
        with open(self.cmrd.config, "a", encoding="utf-8") as config:
            config.write("[alarms]\nhum_dbfs = \"loud\"\n")
        try:
            broken = self.cmrctl("reload")
        finally:
            shutil.copy(self.cmrd.config + ".good", self.cmrd.config)
        self.assertEqual(broken.returncode, 1, broken.stderr)
        self.assertEqual(len(broken.stderr.splitlines()), 1, broken.stderr)
        self.assertTrue(broken.stderr.startswith("cmrctl reload: cmrd rejected the new "
                                                 "configuration, the running one stays: "),
                        broken.stderr)
        self.assertIn(self.cmrd.config, broken.stderr)
        self.assertIn("hum_dbfs", broken.stderr)
        self.assertEqual(self.cmrctl("reload").returncode, 0)

    # --- cmrd restarts under the watches --------------------------------------------------

    def test_5_watch_survives_restart(self):
        json_mark = len(self.json_watch.lines)
        human_mark = len(self.watch.lines)
        self.cmrd.stop()
        self.wait_json(lambda o: o["type"] == "daemon" and o["action"] == "stopped", 10,
                       json_mark)
        self.watch.wait_for(lambda l: l.endswith(" cmrd went away; waiting for it to come back"),
                            10, human_mark)
        # A status while cmrd is away: the one-line answer.
        self.assertEqual(self.cmrctl("status").returncode, 3)

        self.cmrd.start()
        started = self.wait_json(lambda o: o["type"] == "daemon" and o["action"] == "started",
                                 10, json_mark)
        self.wait_json(lambda o: o["type"] == "channel" and o["action"] == "added" and
                       o["id"] == "7/8", 5, started)
        self.watch.wait_for(lambda l: re.search(r" cmrd \S+ is back: 1 device, 4 channels$", l),
                            10, human_mark)
        # The new cmrd's signals reach the old subscriptions: figures, then an alarm.
        self.wait_json(lambda o: o["type"] == "channel" and o["action"] == "changed", 10,
                       started)
        self.wait_json(lambda o: o["type"] == "alarm" and o["action"] == "raised", 25, started)

        # Ctrl-C and SIGTERM both end a watch cleanly.
        self.assertEqual(self.json_watch.stop(), 0, self.json_watch.stderr)
        self.assertEqual(self.watch.stop(sig=15), 0, self.watch.stderr)
        self.assertEqual(self.watch.stderr, "")


if __name__ == "__main__":
    env_path("CMRCTL")
    unittest.main(verbosity=2)
