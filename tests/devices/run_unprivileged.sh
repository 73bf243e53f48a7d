#!/bin/sh
# Runs a test command as an ordinary user: as root, drops to nobody/nogroup (no capabilities,
# no supplementary groups), so that file permissions apply; otherwise runs it as it is.
#   run_unprivileged.sh COMMAND [ARGS...]
set -eu
if [ "$(id -u)" -eq 0 ]; then
    # nobody cannot write root's home; nothing here needs one.
    HOME=/tmp exec setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- "$@"
fi
exec "$@"
