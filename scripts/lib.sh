# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/demo and scripts/bench. Source, don't run.

CMRD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Installs the Debian packages in scripts/packages.txt that are missing. Idempotent: does
# nothing when all are present. As root it runs apt-get; otherwise it prints the exact
# command to run and fails.
cmrd_install_deps() {
    local want missing=()
    mapfile -t want < <(grep -v '^\s*#' "$CMRD_ROOT/scripts/packages.txt" | grep -v '^\s*$')
    for pkg in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages. Install them with:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    echo "Installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures (once) and builds a build directory. Extra arguments go to `meson setup`.
cmrd_build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$CMRD_ROOT" "$@" >/dev/null || return 1
    fi
    ninja -C "$dir" "${NINJA_ARGS[@]}" >/dev/null || ninja -C "$dir"
}
