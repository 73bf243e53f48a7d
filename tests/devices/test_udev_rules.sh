#!/bin/sh
# Checks that cmrd's udev rules give umockdev-faked sound cards the expected properties, with
# the real udev rule engine (`udevadm test`, which runs every rule without udevd).
#
#   test_udev_rules.sh RULES SOUND_CARDS EXTRA_RULES [README]
#     RULES        udev/80-cmrd.rules
#     SOUND_CARDS  tests/devices/sound-cards.umockdev (umockdev-record format; lines starting
#                  with '#' are comments, dropped here because umockdev does not accept them)
#     EXTRA_RULES  a rule of the test's own (installed as 79-cmrd-test.rules)
#     README       udev/README.md: its example rules must be the ones in RULES
#   Environment: UDEVADM, UMOCKDEV_RUN (paths; default: found in PATH).
#
# The rules that run are exactly: the system's 78-sound-card.rules (it sets SOUND_INITIALIZED,
# ID_SERIAL and ID_PATH, which rules after it may match), 79-cmrd-local.rules made from the
# examples documented in RULES (their '#' removed, so the documentation is what is tested),
# EXTRA_RULES, and RULES itself. In a private mount namespace (unshare -m, hence root) every
# rules directory is covered by a bind mount and /run by a tmpfs: the machine's own rules do not
# interfere and nothing udevadm writes (its database under /run/udev) reaches the machine.
# Exit 77 (skipped) when not root.
set -eu

if [ "${1:-}" = "--inside-namespace" ]; then
    # Second stage, inside the namespace: hide every rules directory, show ours, run udevadm.
    shift
    rules_dir=$1 empty_dir=$2 cards=$3 out_dir=$4
    mount -t tmpfs -o mode=0755 cmrd-test-run /run
    for dir in /etc/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d \
        /usr/local/lib/udev/rules.d; do
        if [ -d "$dir" ]; then
            mount --bind "$empty_dir" "$dir"
        fi
    done
    mount --bind "$rules_dir" /etc/udev/rules.d
    # One umockdev testbed for every run: udevadm reads the fake sysfs through umockdev's
    # preload library. Properties go to stdout, the rule log to stderr (kept for failures).
    # The variables are meant for the inner shell, not this one.
    # shellcheck disable=SC2016
    "$UMOCKDEV_RUN" -d "$cards" -- sh -c '
        set -eu
        out_dir=$1 udevadm=$2
        base=/sys/devices/pci0000:00
        usb=$base/0000:00:14.0/usb1
        run() { # NAME ACTION SYSPATH
            "$udevadm" test --action="$2" "$3" >"$out_dir/$1" 2>"$out_dir/$1.log"
        }
        # First, while udev has no database entry for card1: on `remove` udevd runs the rules
        # on the properties of the device'"'"'s last event, from its database, so a later
        # `remove` would show what the `change` set, not what the rules do on `remove`.
        run card1-remove remove "$usb/1-1/1-1:1.0/sound/card1"
        run card1 change "$usb/1-1/1-1:1.0/sound/card1"
        run card2 change "$usb/1-4/1-4:1.0/sound/card2"
        run card3 change "$usb/1-2/1-2:1.0/sound/card3"
        run card4 change "$usb/1-3/1-3:1.2/sound/card4"
        run card0 change "$base/0000:00:1f.3/sound/card0"
        run controlC1 change "$usb/1-1/1-1:1.0/sound/card1/controlC1"
        run card1-add add "$usb/1-1/1-1:1.0/sound/card1"
    ' udevadm-runs "$out_dir" "$UDEVADM"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: needs root for a private mount namespace (unshare -m) to hide the" \
        "machine's udev rules"
    exit 77
fi
rules=$1 cards=$2 extra_rules=$3 readme=${4:-}
UDEVADM=${UDEVADM:-$(command -v udevadm)}
UMOCKDEV_RUN=${UMOCKDEV_RUN:-$(command -v umockdev-run)}
export UDEVADM UMOCKDEV_RUN

system_sound_rules=
for dir in /usr/lib/udev/rules.d /lib/udev/rules.d; do
    if [ -f "$dir/78-sound-card.rules" ]; then
        system_sound_rules=$dir/78-sound-card.rules
        break
    fi
done
if [ -z "$system_sound_rules" ]; then
    echo "FAIL: 78-sound-card.rules not found (Debian package: udev)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cmrd-udev-rules.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/rules" "$work/empty" "$work/out"
cp "$system_sound_rules" "$work/rules/78-sound-card.rules"
sed -n 's/^#\(SUBSYSTEM==.*\)$/\1/p' "$rules" >"$work/rules/79-cmrd-local.rules"
cp "$extra_rules" "$work/rules/79-cmrd-test.rules"
cp "$rules" "$work/rules/80-cmrd.rules"
grep -v '^#' "$cards" >"$work/cards.umockdev"
examples=$(wc -l <"$work/rules/79-cmrd-local.rules")
if [ "$examples" -ne 4 ]; then
    echo "FAIL: expected 4 documented example rules in $rules, found $examples" >&2
    exit 1
fi

if [ -n "$readme" ]; then
    grep '^SUBSYSTEM==' "$readme" >"$work/readme-examples.rules" || true
    if ! cmp -s "$work/readme-examples.rules" "$work/rules/79-cmrd-local.rules"; then
        echo "FAIL: the example rules in $readme differ from those in $rules:" >&2
        diff "$work/rules/79-cmrd-local.rules" "$work/readme-examples.rules" >&2 || true
        exit 1
    fi
fi

if ! unshare --mount --propagation private -- sh "$0" --inside-namespace "$work/rules" \
    "$work/empty" "$work/cards.umockdev" "$work/out"; then
    echo "FAIL: running udevadm test in a private mount namespace failed" >&2
    for log in "$work"/out/*.log; do
        [ -f "$log" ] && { echo "--- $log"; tail -n 20 "$log"; }
    done
    exit 1
fi

failures=0
# expect NAME KEY VALUE: udevadm printed KEY=VALUE for NAME. VALUE "-" means KEY is absent.
expect() {
    file=$work/out/$1
    actual=$(sed -n "s/^$2=//p" "$file")
    present=$(grep -c "^$2=" "$file" || true)
    if [ "$3" = "-" ]; then
        if [ "$present" -ne 0 ]; then
            echo "FAIL: $1: $2 should be unset, is '$actual'"
            failures=$((failures + 1))
        fi
    elif [ "$present" -ne 1 ] || [ "$actual" != "$3" ]; then
        echo "FAIL: $1: $2 should be '$3', is '$actual'"
        failures=$((failures + 1))
    fi
}
# expect_tag NAME yes|no: whether the systemd tag is set (systemd then watches the device).
expect_tag() {
    if grep -q '^TAGS=.*:systemd:' "$work/out/$1"; then has=yes; else has=no; fi
    if [ "$has" != "$2" ]; then
        echo "FAIL: $1: systemd tag should be $2, is $has"
        failures=$((failures + 1))
    fi
}

# 78-sound-card.rules ran (what the serial and path examples depend on).
expect card2 SOUND_INITIALIZED 1
expect card2 ID_SERIAL BEHRINGER_UMC1820_A1B2C3
expect card3 ID_PATH pci-0000:00:14.0-usb-0:2:1.0
# By vendor and product: every UMC1820.
expect card1 CMRD_MONITOR 1
expect card1 CMRD_CHANNELS "1/2 3/4 5/6 7/8"
expect card1 CMRD_PCM -
expect card1 CMRD_IGNORE -
expect card1 SYSTEMD_WANTS cmrd.service
expect_tag card1 yes
# By serial: this unit, on top of the vendor rule.
expect card2 CMRD_MONITOR 1
expect card2 CMRD_CHANNELS "1/2 3/4 7"
expect card2 CMRD_PCM "dsnoop:CARD=UMC1820,DEV=0"
expect card2 SYSTEMD_WANTS cmrd.service
expect_tag card2 yes
# By USB socket.
expect card3 CMRD_MONITOR 1
expect card3 CMRD_CHANNELS 1/2
expect card3 SYSTEMD_WANTS cmrd.service
expect_tag card3 yes
# Ignored wins over a rule asking to monitor it (EXTRA_RULES): cmrd is not pulled in.
expect card4 CMRD_MONITOR 1
expect card4 CMRD_IGNORE 1
expect card4 SYSTEMD_WANTS -
expect_tag card4 no
# A card no rule is about.
expect card0 SOUND_INITIALIZED 1
expect card0 CMRD_MONITOR -
expect card0 CMRD_CHANNELS -
expect card0 SYSTEMD_WANTS -
expect_tag card0 no
# The card's children are not cards.
expect controlC1 CMRD_MONITOR -
expect controlC1 CMRD_CHANNELS -
# On `add` (before 78-sound-card.rules has anything to say) the vendor rule already matches;
# cmrd still waits for SOUND_INITIALIZED, which comes with the `change`.
expect card1-add SOUND_INITIALIZED -
expect card1-add CMRD_MONITOR 1
expect card1-add SYSTEMD_WANTS cmrd.service
# The rules set nothing on `remove`.
expect card1-remove CMRD_MONITOR -
expect card1-remove SYSTEMD_WANTS -

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed; udevadm's output for card1:"
    cat "$work/out/card1"
    exit 1
fi
echo "udev rules: all checks passed (8 udevadm runs, $examples documented examples)"
