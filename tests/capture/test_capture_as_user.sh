#!/bin/sh
# Runs a capture test binary with or without real-time privileges and tells it which outcome to
# expect through CMR_EXPECT_REALTIME (see tests/capture/test_capture_realtime.cpp).
#
#   test_capture_as_user.sh privileged   BINARY [ARGS...]
#       As root: SCHED_FIFO and mlockall succeed; expects real-time. Not root: skipped (77).
#   test_capture_as_user.sh unprivileged BINARY [ARGS...]
#       As root: drops to nobody/nogroup (no capabilities, RLIMIT_RTPRIO 0, as an ordinary
#       user has) and expects real-time to be refused. As an ordinary user: runs as is, with
#       RLIMIT_RTPRIO 0; expects a refusal unless a system bus is there (rtkit might grant).
set -eu
mode=$1
shift
system_bus=/run/dbus/system_bus_socket
case "$mode" in
privileged)
    if [ "$(id -u)" -ne 0 ]; then
        echo "not root: the privileged run is skipped"
        exit 77
    fi
    CMR_EXPECT_REALTIME=1 exec "$@"
    ;;
unprivileged)
    ulimit -r 0
    if [ "$(id -u)" -eq 0 ]; then
        # nobody cannot read root's home; alsa-lib looks for ~/.asoundrc.
        CMR_EXPECT_REALTIME=0 HOME=/tmp exec setpriv --reuid=nobody --regid=nogroup \
            --clear-groups --inh-caps=-all -- "$@"
    fi
    if [ -S "$system_bus" ]; then
        CMR_EXPECT_REALTIME= exec "$@"
    fi
    CMR_EXPECT_REALTIME=0 exec "$@"
    ;;
*)
    echo "usage: $0 privileged|unprivileged BINARY [ARGS...]" >&2
    exit 2
    ;;
esac
