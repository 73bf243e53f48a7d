#!/usr/bin/env python3
"""cmrd's D-Bus policy, enforced by a real dbus-daemon.

  check_dbus_policy.py --peer PEER --sysusers SNIPPET --policy FILE ADMIN_GROUP [--policy ...]

For each policy FILE (configured with ADMIN_GROUP, '' for none), a private bus with the
system bus's own rules (system_bus.py) includes it, and processes running as different users
try what the policy should allow and refuse:
- root and nobody cannot own org.cmrd.Monitor1; the cmrd user can (PEER own);
- nobody, with busctl and gdbus, can introspect, ping, read properties, list objects and call
  GetEvents, and the answers come from the owner;
- nobody gets org.freedesktop.DBus.Error.AccessDenied from the bus for Reload, Properties.Set,
  a method the policy does not name, and Reload without an interface field (PEER);
- root's Reload reaches the owner; so does that of a member of the test administrators' group
  exactly when FILE was configured with that group;
- the owner saw exactly the Reloads that were allowed (the refused ones never reached it).

Runs as root (it has to switch users); otherwise skipped (77). Creates the cmrd user from
SNIPPET with systemd-sysusers when missing, and the group cmrd-test-admins (the group the
test copy of the policy names), on the machine itself: meant for a disposable CI machine.
"""

import argparse
import grp
import os
import pwd
import select
import subprocess
import sys
import tempfile
import time

from system_bus import PrivateSystemBus

# tests/ holds the shared helpers (check_report.py, install/install_checks.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_report import check, exit_status  # noqa: E402

BUS_NAME = "org.cmrd.Monitor1"
ROOT_PATH = "/org/cmrd/Monitor1"
MANAGER = "org.cmrd.Monitor1.Manager"
ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"
TEST_ADMIN_GROUP = "cmrd-test-admins"
CALL_TIMEOUT_S = 20


def ensure_identities(sysusers_snippet):
    """The cmrd user (from the project's own snippet) and the test administrators' group."""
    try:
        pwd.getpwnam("cmrd")
    except KeyError:
        subprocess.run(["systemd-sysusers", os.path.abspath(sysusers_snippet)], check=True)
    try:
        grp.getgrnam(TEST_ADMIN_GROUP)
    except KeyError:
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as snippet:
            snippet.write(f"g {TEST_ADMIN_GROUP} -\n")
            snippet.flush()
            subprocess.run(["systemd-sysusers", snippet.name], check=True)


def as_user(user, group, groups=None):
    """A command prefix running as user:group with exactly the given supplementary groups
    (None: the user's own from /etc/group)."""
    prefix = ["setpriv", f"--reuid={user}", f"--regid={group}"]
    if groups is None:
        prefix.append("--init-groups")
    elif groups:
        prefix.append("--groups=" + ",".join(str(grp.getgrnam(g).gr_gid) for g in groups))
    else:
        prefix.append("--clear-groups")
    return prefix + ["--"]


ROOT = []
NOBODY = as_user("nobody", "nogroup", [])


class Clients:
    """busctl and gdbus (and the peer program) on one bus address, as a given user."""

    def __init__(self, address, peer):
        self.address = address
        self.peer = peer
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)

    def run(self, user, command):
        result = subprocess.run(user + command, env=self.env, capture_output=True, text=True,
                                timeout=CALL_TIMEOUT_S, check=False)
        return result.returncode, (result.stdout + result.stderr).strip()

    def busctl(self, user, *args):
        return self.run(user, ["busctl", f"--address={self.address}", *args])

    def gdbus(self, user, method, *args):
        return self.run(user, ["gdbus", "call", "--address", self.address, "--dest", BUS_NAME,
                               "--object-path", ROOT_PATH, "--method", method, *args])


def wait_for_line(process, expected, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = process.stdout.readline()
        if not line:
            return f"exited ({process.wait()})"
        if line.strip() == expected:
            return None
        return line.strip()
    return f"no '{expected}' within {timeout_s} s"


def check_ownership(clients):
    for name, user in (("root", ROOT), ("nobody", NOBODY)):
        code, out = clients.run(user, [clients.peer, "own"])
        check(code == 3 and out == f"refused {ACCESS_DENIED}",
              f"{name} cannot own {BUS_NAME}", f"exit {code}: {out}")
    owner = subprocess.Popen(as_user("cmrd", "cmrd") + [clients.peer, "own"], env=clients.env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problem = wait_for_line(owner, "owned")
    if not check(problem is None, f"cmrd owns {BUS_NAME}", problem or ""):
        owner.kill()
        owner.wait()
        return None
    return owner


def check_reads(clients, who, user):
    """Everything read-only that anyone may do."""
    reads = [
        ("busctl introspect", clients.busctl(user, "introspect", BUS_NAME, ROOT_PATH),
         MANAGER + " "),
        ("busctl Peer.Ping", clients.busctl(user, "call", BUS_NAME, ROOT_PATH,
                                            "org.freedesktop.DBus.Peer", "Ping"), ""),
        ("busctl get-property Version", clients.busctl(user, "get-property", BUS_NAME, ROOT_PATH,
                                                       MANAGER, "Version"), '"policy-test"'),
        ("gdbus Properties.Get Version",
         clients.gdbus(user, "org.freedesktop.DBus.Properties.Get", MANAGER, "Version"),
         "'policy-test'"),
        ("gdbus Properties.GetAll", clients.gdbus(user, "org.freedesktop.DBus.Properties.GetAll",
                                                  MANAGER), "'ConfigError'"),
        ("gdbus Introspectable.Introspect",
         clients.gdbus(user, "org.freedesktop.DBus.Introspectable.Introspect"), MANAGER),
        ("gdbus ObjectManager.GetManagedObjects",
         clients.gdbus(user, "org.freedesktop.DBus.ObjectManager.GetManagedObjects"),
         "@a{oa{sa{sv}}}"),
        ("busctl GetEvents", clients.busctl(user, "call", BUS_NAME, ROOT_PATH, MANAGER,
                                            "GetEvents", "x", "0"), '"policy-test"'),
        ("gdbus GetEvents", clients.gdbus(user, MANAGER + ".GetEvents", "0"), "'policy-test'"),
        ("busctl ListEvents", clients.busctl(user, "call", BUS_NAME, ROOT_PATH, MANAGER,
                                             "ListEvents", "xtu", "0", "0", "10"),
         '"policy-test"'),
    ]
    for what, (code, out), expected in reads:
        check(code == 0 and expected in out, f"{who}: {what} answered by the owner",
              f"exit {code}: {out}")


def check_refusals(clients, who, user):
    """What nobody may do: the bus itself refuses, so the owner never sees the call."""
    denied_by_busctl = "Access denied"  # busctl's text for AccessDenied
    refusals = [
        ("busctl Reload", clients.busctl(user, "call", BUS_NAME, ROOT_PATH, MANAGER, "Reload"),
         denied_by_busctl),
        ("gdbus Reload", clients.gdbus(user, MANAGER + ".Reload"), ACCESS_DENIED),
        ("gdbus Properties.Set Version",
         clients.gdbus(user, "org.freedesktop.DBus.Properties.Set", MANAGER, "Version",
                       "<'x'>"), ACCESS_DENIED),
        ("busctl Manager.NoSuchMethod", clients.busctl(user, "call", BUS_NAME, ROOT_PATH,
                                                       MANAGER, "NoSuchMethod"),
         denied_by_busctl),
        ("Reload without an interface", clients.run(user, [clients.peer, "call-without-interface",
                                                           "Reload"]), "error " + ACCESS_DENIED),
        ("GetEvents without an interface",
         clients.run(user, [clients.peer, "call-without-interface", "GetEvents"]),
         "error " + ACCESS_DENIED),
    ]
    for what, (code, out), expected in refusals:
        check(code != 0 and expected in out, f"{who}: {what} refused by the bus",
              f"exit {code}: {out}")


def check_policy(policy, admin_group, peer):
    print(f"== {os.path.basename(policy)} (admin group: {admin_group or 'none'})")
    with tempfile.TemporaryDirectory() as work, PrivateSystemBus(work, [policy]) as bus:
        clients = Clients(bus.address, peer)
        owner = check_ownership(clients)
        if owner is None:
            return
        try:
            check_reads(clients, "nobody", NOBODY)
            check_refusals(clients, "nobody", NOBODY)
            expected_reloads = []

            code, out = clients.busctl(ROOT, "call", BUS_NAME, ROOT_PATH, MANAGER, "Reload")
            check(code == 0, "root: busctl Reload passes", f"exit {code}: {out}")
            code, out = clients.gdbus(ROOT, MANAGER + ".Reload")
            check(code == 0 and out == "()", "root: gdbus Reload passes", f"exit {code}: {out}")
            expected_reloads += ["Reload uid=0"] * 2

            # nobody with the test administrators' group as its only supplementary group:
            # dbus-daemon takes the groups from the socket (SO_PEERGROUPS).
            member = as_user("nobody", "nogroup", [TEST_ADMIN_GROUP])
            code, out = clients.gdbus(member, MANAGER + ".Reload")
            if admin_group == TEST_ADMIN_GROUP:
                check(code == 0, f"{TEST_ADMIN_GROUP} member: Reload passes",
                      f"exit {code}: {out}")
                expected_reloads.append(f"Reload uid={pwd.getpwnam('nobody').pw_uid}")
            else:
                check(code != 0 and ACCESS_DENIED in out,
                      f"{TEST_ADMIN_GROUP} member: Reload refused (not this policy's group)",
                      f"exit {code}: {out}")
            check_reads(clients, f"{TEST_ADMIN_GROUP} member", member)
        finally:
            owner.terminate()
            seen, _ = owner.communicate(timeout=10)
        reloads = [line for line in seen.splitlines() if line.startswith("Reload")]
        check(reloads == expected_reloads, "the owner saw exactly the allowed Reloads",
              f"saw {reloads}, expected {expected_reloads}")
        print(f"(dbus-daemon said: {bus.stderr_text()})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", required=True)
    parser.add_argument("--sysusers", required=True)
    parser.add_argument("--policy", nargs=2, action="append", metavar=("FILE", "ADMIN_GROUP"),
                        required=True)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("not root: cannot run clients as other users; skipped")
        return 77
    ensure_identities(args.sysusers)
    peer = os.path.abspath(args.peer)
    for policy, admin_group in args.policy:
        check_policy(os.path.abspath(policy), admin_group, peer)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
