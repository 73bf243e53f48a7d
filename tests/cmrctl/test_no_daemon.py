#!/usr/bin/env python3
"""cmrctl's live commands when cmrd is not there: one clear line, the documented exit status
(3; for `check` an UNKNOWN status line), never a trace. Also --help, usage errors and --bus.
Runs against a real, private dbus-daemon on which nobody owns org.cmrd.Monitor1, and against a
bus address where nothing listens.
"""

import os
import subprocess
import tempfile
import unittest

from cmrd_fixture import PrivateBus, env_path, run_cmrctl

LIVE_COMMANDS = [["status"], ["status", "--json"], ["watch"], ["watch", "--json"], ["events"],
                 ["events", "--json"], ["metrics"], ["reload"]]


class NoDaemon(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="cmrctl-nodaemon-")
        cls.bus = PrivateBus(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.bus.close()
        cls.tmp.cleanup()

    def assert_one_line(self, text, expected):
        self.assertEqual(text, expected + "\n", f"expected exactly one line: {text!r}")

    def test_every_command_says_cmrd_is_not_running(self):
        expected = f"cmrctl: cmrd is not running on the bus at {self.bus.address}"
        for command in LIVE_COMMANDS:
            with self.subTest(command=command):
                result = run_cmrctl(command, self.bus.address)
                self.assertEqual(result.returncode, 3, result.stderr)
                self.assert_one_line(result.stderr, expected)
                if command[0] != "metrics":
                    self.assertEqual(result.stdout, "")

    def test_system_bus_named_as_such(self):
        # createSystemBusConnection honours DBUS_SYSTEM_BUS_ADDRESS: the private bus stands in.
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address)
        result = run_cmrctl(["status"], env=env)
        self.assertEqual(result.returncode, 3)
        self.assert_one_line(result.stderr, "cmrctl: cmrd is not running on the system bus")
        result = run_cmrctl(["check"], env=env)
        self.assertEqual(result.returncode, 3)
        self.assert_one_line(result.stdout,
                             "CMRD UNKNOWN - cmrd is not running on the system bus")

    def test_bus_that_cannot_be_reached(self):
        address = "unix:path=" + os.path.join(self.tmp.name, "nothing-listens-here")
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
        for command in LIVE_COMMANDS:
            with self.subTest(command=command):
                result = run_cmrctl(command, env=env)
                self.assertEqual(result.returncode, 3, result.stderr)
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertTrue(lines[0].startswith(
                    "cmrctl: cmrd is not running on the system bus (cannot connect to it: "),
                    lines[0])

    def test_check_is_unknown(self):
        result = run_cmrctl(["check", "desk/1/2"], self.bus.address)
        self.assertEqual(result.returncode, 3)
        self.assert_one_line(result.stdout, "CMRD UNKNOWN - cmrd is not running on the bus at "
                             + self.bus.address)

    def test_metrics_still_a_valid_exposition(self):
        result = run_cmrctl(["metrics"], self.bus.address)
        self.assertEqual(result.returncode, 3)
        self.assertEqual(result.stdout, "# HELP cmrd_up Whether cmrd answered on the bus (1) or "
                         "is not running (0).\n# TYPE cmrd_up gauge\ncmrd_up 0\n")
        promtool = os.environ.get("PROMTOOL")
        if promtool:
            check = subprocess.run([promtool, "check", "metrics"], input=result.stdout,
                                   capture_output=True, text=True, timeout=30)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_bus_from_environment(self):
        env = dict(os.environ, CMRCTL_BUS=self.bus.address)
        result = run_cmrctl(["status"], env=env)
        self.assertEqual(result.returncode, 3)
        self.assert_one_line(result.stderr,
                             f"cmrctl: cmrd is not running on the bus at {self.bus.address}")

    def test_help_of_every_command(self):
        for command in ["status", "watch", "check", "events", "metrics", "reload"]:
            with self.subTest(command=command):
                result = run_cmrctl([command, "--help"])
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("--bus", result.stdout)
                self.assertIn("Exit status", result.stdout)
        watch_help = run_cmrctl(["watch", "--help"]).stdout
        for name in ["CMRD_DEVICE", "CMRD_CHANNEL", "CMRD_ALARM", "CMRD_HUM_DBFS",
                     "CMRD_CM_HUM_DBFS", "CMRD_CMRR_DB", "CMRD_TIME", '"type"']:
            self.assertIn(name, watch_help)

    def test_usage_errors(self):
        # check: a monitoring system reads 2 as CRITICAL, so a bad command line is UNKNOWN.
        self.assertEqual(run_cmrctl(["check", "--no-such-option"]).returncode, 3)
        self.assertEqual(run_cmrctl(["check", "--warn-hum", "loud"]).returncode, 3)
        self.assertEqual(run_cmrctl(["status", "--no-such-option"]).returncode, 2)
        # A malformed time is reported before cmrd is asked (status 2, not 3).
        result = run_cmrctl(["events", "--since", "yesterday-ish"], self.bus.address)
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith("cmrctl events: cannot read the time "
                                                 "'yesterday-ish'"), result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1)


if __name__ == "__main__":
    env_path("CMRCTL")
    unittest.main(verbosity=2)
