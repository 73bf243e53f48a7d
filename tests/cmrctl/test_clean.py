#!/usr/bin/env python3
"""`cmrctl check` and `status` on a cmrd whose lines are fine (tests/cmrctl/clean.toml: a good
balanced pair on 1/2 and a single input 3 with -95 dBFS of hum, below cmrd's alarm), on a
private dbus-daemon: OK once everything is measured, and the thresholds move the verdict.
"""

import json
import os
import re
import tempfile
import time
import unittest

from cmrd_fixture import Cmrd, PrivateBus, channel_shape_problems, env_path, run_cmrctl

# The analyzer's first figures come after about 5 s of audio (cmd_analyze.hpp).
MEASURED_WITHIN_S = 15
# The single input's hum, as the scenario sets it, and the tolerance of its measurement.
SINGLE_HUM_DBFS = -95.0
SINGLE_HUM_TOLERANCE_DB = 1.0


class Clean(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cmrctl-clean-")
        cls.addClassCleanup(cls.tmp.cleanup)
        cls.bus = PrivateBus(cls.tmp.name)
        cls.addClassCleanup(cls.bus.close)
        scenario = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clean.toml")
        cls.cmrd = Cmrd(cls.tmp.name, cls.bus, scenario, 3, "1/2 3")
        cls.cmrd.start()
        cls.addClassCleanup(cls.cmrd.stop)

    def cmrctl(self, *args):
        return run_cmrctl(list(args), self.bus.address)

    def channels(self):
        result = self.cmrctl("status", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        return {c["id"]: c for c in json.loads(result.stdout)["devices"][0]["channels"]}

    def test_ok_then_thresholds(self):
        deadline = time.monotonic() + MEASURED_WITHIN_S
        channels = self.channels()
        while channels["3"]["hum_dbfs"] is None or channels["1/2"]["cm_hum_dbfs"] is None:
            self.assertLess(time.monotonic(), deadline, f"not measured: {channels}")
            time.sleep(0.5)
            channels = self.channels()

        # A single input: pair-only fields null, its id is its input.
        single = channels["3"]
        self.assertEqual(channel_shape_problems(single), [])
        self.assertEqual((single["kind"], single["channel"], single["cmrr_kind"]),
                         ("single", 3, None))
        self.assertLess(abs(single["hum_dbfs"] - SINGLE_HUM_DBFS), SINGLE_HUM_TOLERANCE_DB)
        self.assertEqual(channel_shape_problems(channels["1/2"]), [])
        self.assertEqual(channels["1/2"]["alarm"], "none")

        ok = self.cmrctl("check")
        self.assertEqual(ok.returncode, 0, ok.stdout)
        self.assertTrue(ok.stdout.startswith("CMRD OK - no alarm, hum below -80.0 dBFS "
                                             "(2 channels on 1 device) | "), ok.stdout)
        perf = dict(re.findall(r"'([^']+)'=(\S+)", ok.stdout.split("|")[1]))
        self.assertLess(abs(float(perf["desk_3_hum_dbfs"].split(";")[0]) - SINGLE_HUM_DBFS),
                        SINGLE_HUM_TOLERANCE_DB)
        self.assertNotIn("desk_3_cm_hum_dbfs", perf)  # no common mode on a single input

        # The same figures judged by stricter thresholds.
        warning = self.cmrctl("check", "--warn-hum", "-100", "desk/3")
        self.assertEqual(warning.returncode, 1, warning.stdout)
        self.assertTrue(warning.stdout.startswith("CMRD WARNING - desk 3 hum "), warning.stdout)
        critical = self.cmrctl("check", "--warn-hum", "-110", "--crit-hum", "-100", "desk/3")
        self.assertEqual(critical.returncode, 2, critical.stdout)
        self.assertEqual(self.cmrctl("check", "--warn-hum", "-100", "desk/1/2").returncode, 0)

        table = self.cmrctl("status", "desk/3").stdout.splitlines()
        self.assertEqual(len(table), 3)
        # A single has no common mode, CMRR or symmetry: "-" in those columns.
        self.assertEqual(table[2].split()[4:7], ["-", "-", "-"])


if __name__ == "__main__":
    env_path("CMRCTL")
    unittest.main(verbosity=2)
