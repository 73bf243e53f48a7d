#!/usr/bin/env python3
"""cmrctl's bash completion, in bash itself, against the built cmrctl and a real cmrd.

  check_completion.py COMPLETION_FILE CMRCTL CMRD

1. The completion function, called as bash calls it: the file is sourced in `bash --norc`,
   `complete -p cmrctl` names the function, COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT are set
   for a command line split the way readline splits it (blanks, and ':' '=' as separate words:
   COMP_WORDBREAKS), and COMPREPLY is compared with what is expected:
   - the subcommands and each subcommand's options equal what the BUILT cmrctl's --help lists
     (so the completion cannot drift from the program); options already given are not offered;
   - the values of --mains, --bus (also as --bus=VALUE), --since; commands for --on-alarm;
   - files for `analyze`, a value of an option skipped, a file name with ':' in it;
   - DEVICE[/CHANNEL] for `status` and `check` from a real cmrd (a static device on ALSA's
     `null` PCM, on a private dbus-daemon), with --bus ADDRESS (an address full of ':' and '='),
     --bus=ADDRESS and $CMRCTL_BUS; nothing, and quickly, when no cmrd answers: no bus at all,
     and a bus socket that accepts but never answers (`timeout 1` must cut it off).
2. The file loaded the way the bash-completion package loads it (on demand, from inside a
   function: its tables must be global), then used.
3. End to end in an interactive bash on a pseudo-terminal: typing TAB completes the line.
"""

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time

# tests/ holds the shared helpers (check_report.py, install/install_checks.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_report import check, exit_status  # noqa: E402

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
# `timeout 1` in the completion, plus bash's start and cmrctl's own: a hung cmrd must not cost
# more than this.
HUNG_LIMIT_S = 3.0


def comp_words(line):
    """COMP_WORDS and COMP_CWORD for @p line with the cursor at its end, as readline splits
    it: blanks separate words, a run of ':' or '=' is a word of its own, and a line that ends
    in a blank has an empty word to complete."""
    words = re.findall(r"[^\s:=]+|[:=]+", line)
    if not words or line[-1].isspace():
        words.append("")
    return words, len(words) - 1


def complete(completion, line, env=None, preamble=""):
    """COMPREPLY for @p line (the cursor at its end), and the seconds it took."""
    words, cword = comp_words(line)
    script = preamble + """
source "$COMPLETION_FILE"
spec=$(complete -p cmrctl) || exit 9
function=${spec#*-F }; function=${function%% *}
COMP_WORDS=("$@"); COMP_CWORD=$CWORD; COMP_LINE=$LINE; COMP_POINT=${#LINE}
"$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "${COMPREPLY[@]}"
"""
    run_env = dict(env or os.environ, COMPLETION_FILE=completion, CWORD=str(cword), LINE=line)
    start = time.monotonic()
    try:
        result = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash"] + words,
                                capture_output=True, text=True, env=run_env, check=False,
                                timeout=10)
    except subprocess.TimeoutExpired:
        return ["(bash still completing after 10 s)"], time.monotonic() - start
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        raise RuntimeError(f"bash failed ({result.returncode}) for {line!r}: {result.stderr}")
    return [w for w in result.stdout.split("\n") if w], elapsed


def expect(completion, line, expected, env=None, what=None):
    got, _ = complete(completion, line, env)
    check(sorted(got) == sorted(expected), what or f"{line!r} -> {sorted(expected)}",
          f"got {sorted(got)}")


def help_list(cmrctl, args, block):
    out = subprocess.run([cmrctl] + args + ["--help"], capture_output=True, text=True,
                         check=True, env=dict(os.environ, COLUMNS="200")).stdout
    names, inside = [], False
    for text in out.splitlines():
        if text.strip() == block:
            inside = True
        elif inside and not text.startswith(" "):
            break
        elif inside and text.strip():
            first = text.split()[0]
            names += first.split(",") if block == "Options:" else [first]
    return names


class PrivateCmrd:
    """A dbus-daemon of our own and cmrd on it, monitoring static devices on ALSA's `null`
    PCM (it opens, fails to start for want of a channel count, and is retried: its Device and
    Channel objects are there all along, which is all completion reads)."""

    CONFIG = """
[capture]
realtime = false
[[device]]
name = "desk"
pcm = "null"
channels = "1/2 3/4 7"
[[device]]
name = "stage-box"
pcm = "null"
channels = "1/2"
"""

    def __init__(self, work, cmrd, cmrctl):
        self.work, self.cmrd, self.cmrctl = work, cmrd, cmrctl
        self.bus = self.daemon = self.log = None
        self.address = ""

    def __enter__(self):
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                     "--print-address=1"], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
        self.address = self.bus.stdout.readline().strip()
        config = os.path.join(self.work, "cmrd.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(self.CONFIG)
        self.log = open(os.path.join(self.work, "cmrd.log"), "w", encoding="utf-8")
        self.daemon = subprocess.Popen([self.cmrd, "--bus", self.address, "--config", config,
                                        "--state-dir", os.path.join(self.work, "state")],
                                       stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if subprocess.run([self.cmrctl, "status", "--bus", self.address],
                              capture_output=True, check=False).returncode == 0:
                return self
            if self.daemon.poll() is not None:
                break
            time.sleep(0.1)
        self.__exit__(None, None, None)
        with open(os.path.join(self.work, "cmrd.log"), encoding="utf-8") as f:
            raise RuntimeError("cmrd did not come up on its bus:\n" + f.read())

    def __exit__(self, *exc):
        for process in (self.daemon, self.bus):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self.bus and self.bus.stdout:
            self.bus.stdout.close()
        if self.log:
            self.log.close()


def check_static(completion, cmrctl, work):
    subcommands = help_list(cmrctl, [], "Subcommands:")
    expect(completion, "cmrctl ", subcommands, what=f"subcommands: {subcommands}")
    expect(completion, "cmrctl st", ["status"])
    expect(completion, "cmrctl -", ["-h", "--help", "--version"])
    for subcommand in subcommands:
        options = help_list(cmrctl, [subcommand], "Options:")
        expect(completion, f"cmrctl {subcommand} -", options,
               what=f"options of {subcommand} are its --help's: {options}")
    expect(completion, "cmrctl status --json --", ["--help", "--bus"])
    expect(completion, "cmrctl events --since 1h --", ["--help", "--json", "--bus"])
    expect(completion, "cmrctl analyze --mains ", ["auto", "50", "60"])
    expect(completion, "cmrctl analyze --mains=6", ["60"])
    expect(completion, "cmrctl status --bus ", ["system", "session"])
    expect(completion, "cmrctl check --bus=", ["system", "session"])
    expect(completion, "cmrctl check --bus=se", ["session"])
    expect(completion, "cmrctl events --since ", ["10m", "1h", "1d", "1w"])
    expect(completion, "cmrctl check --warn-hum ", [])

    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    hook = os.path.join(bin_dir, "cmrd-test-hook")
    with open(hook, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\n")
    os.chmod(hook, 0o755)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    expect(completion, "cmrctl watch --on-alarm cmrd-test-h", ["cmrd-test-hook"], env=env)
    expect(completion, "cmrctl watch --on-clear=cmrd-test-h", ["cmrd-test-hook"], env=env)

    recordings = os.path.join(work, "rec")
    os.makedirs(os.path.join(recordings, "sessions"))
    for name in ["mix.flac", "take1.wav", "a:b.wav"]:
        open(os.path.join(recordings, name), "w", encoding="utf-8").close()
    expect(completion, f"cmrctl analyze {recordings}/m", [f"{recordings}/mix.flac"])
    expect(completion, f"cmrctl analyze --mains 50 {recordings}/t", [f"{recordings}/take1.wav"])
    expect(completion, f"cmrctl analyze --json {recordings}/s", [f"{recordings}/sessions"])
    # Readline replaces only what follows the ':': the candidate must be that part.
    expect(completion, f"cmrctl analyze {recordings}/a:", ["b.wav"])


def check_live(completion, cmrctl, cmrd, work):
    with PrivateCmrd(work, cmrd, cmrctl) as daemon:
        address = daemon.address
        check(":" in address and "=" in address, f"the bus address {address} has ':' and '='")
        everything = ["desk", "desk/1/2", "desk/3/4", "desk/7", "stage-box", "stage-box/1/2"]
        expect(completion, f"{cmrctl} status --bus {address} ", everything,
               what="status --bus ADDRESS: every device and channel of the running cmrd")
        expect(completion, f"{cmrctl} check --bus={address} desk/", everything[1:4],
               what="check --bus=ADDRESS desk/: its channels")
        expect(completion, f"{cmrctl} status --json --bus {address} desk/3", ["desk/3/4"])
        env = dict(os.environ, CMRCTL_BUS=address)
        expect(completion, f"{cmrctl} check st", everything[4:], env=env,
               what="check with $CMRCTL_BUS: the stage-box and its channel")
        expect(completion, f"{cmrctl} analyze --json --", ["--help", "--channels", "--mains",
                                                          "--harmonics"])
        check_pty(completion, cmrctl, address, work)

    got, elapsed = complete(completion, f"{cmrctl} status --bus unix:path={work}/no-bus ")
    check(got == [] and elapsed < HUNG_LIMIT_S,
          f"no bus: nothing offered, in {elapsed:.2f} s", got)
    # A socket that accepts connections (the kernel queues them) but never answers: cmrctl
    # would wait for the bus's authentication; `timeout 1` ends it.
    hung = os.path.join(work, "hung-bus")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(hung)
        listener.listen(16)
        got, elapsed = complete(completion, f"{cmrctl} check --bus unix:path={hung} ")
    check(got == [] and elapsed < HUNG_LIMIT_S,
          f"a bus that never answers: nothing offered, in {elapsed:.2f} s "
          f"(limit {HUNG_LIMIT_S} s)", got)


def check_loader(completion, cmrctl):
    """Loaded by bash-completion's on-demand loader (from inside a function)."""
    if not check(os.path.isfile(BASH_COMPLETION), f"bash-completion installed ({BASH_COMPLETION})"):
        return
    with tempfile.TemporaryDirectory() as user_dir:
        os.makedirs(os.path.join(user_dir, "completions"))
        shutil.copy(completion, os.path.join(user_dir, "completions", "cmrctl"))
        env = dict(os.environ, BASH_COMPLETION_USER_DIR=user_dir)
        # The loader needs a completion for something; __load_completion is what bash-completion
        # runs for a command without one.
        preamble = (f'source {BASH_COMPLETION}\n'
                    '__load_completion cmrctl || exit 8\n'
                    'COMPLETION_FILE=/dev/null\n')
        got, _ = complete("/dev/null", "cmrctl reload -", env=env, preamble=preamble)
        check(sorted(got) == sorted(help_list(cmrctl, ["reload"], "Options:")),
              "loaded on demand by bash-completion: options of reload", got)


def check_pty(completion, cmrctl, address, work):
    """Interactive bash on a pseudo-terminal: what TAB inserts on the line."""
    pid, fd = pty.fork()
    if pid == 0:
        # Wide enough for the longest line: readline scrolls a line longer than the terminal.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 25, 1000, 0, 0))
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"],
                   dict(os.environ, PS1="$ ", TERM="dumb", INPUTRC="/dev/null",
                        HISTFILE="/dev/null"))

    def read_for(seconds):
        out, end = b"", time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return out.decode("utf-8", "replace")

    try:
        read_for(0.5)
        os.write(fd, f"source '{completion}'\n".encode())
        read_for(0.5)
        cases = [("cmrctl sta", "cmrctl status "),
                 ("cmrctl status --bus=se", "cmrctl status --bus=session "),
                 (f"cmrctl analyze {work}/rec/a:", f"cmrctl analyze {work}/rec/a:b.wav "),
                 (f"{cmrctl} check --bus {address} stage-box/",
                  f"{cmrctl} check --bus {address} stage-box/1/2 ")]
        for typed, wanted in cases:
            os.write(fd, typed.encode() + b"\t")
            screen = read_for(2.5)
            check(screen.endswith(wanted), f"TAB in an interactive bash: {typed!r} -> {wanted!r}",
                  repr(screen))
            os.write(fd, b"\x15")  # Ctrl-U: clear the line
            read_for(0.2)
        os.write(fd, b"exit\n")
        read_for(0.3)
    finally:
        os.close(fd)
        os.waitpid(pid, 0)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    completion, cmrctl, cmrd = (os.path.abspath(arg) for arg in sys.argv[1:])
    with tempfile.TemporaryDirectory() as work:
        check_static(completion, cmrctl, work)
        check_live(completion, cmrctl, cmrd, work)
        check_loader(completion, cmrctl)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
