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

# Configures a build directory once. Extra arguments go to `meson setup`.
cmrd_configure() {
    local dir=$1; shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$CMRD_ROOT" "$@" >/dev/null
}

# Runs ninja in a build directory (extra arguments: targets), quietly unless it fails, when it
# runs again to show what failed.
cmrd_ninja() {
    local dir=$1; shift
    ninja -C "$dir" "${NINJA_ARGS[@]}" "$@" >/dev/null || ninja -C "$dir" "$@"
}

# Configures (once) and builds a build directory. Extra arguments go to `meson setup`.
cmrd_build() {
    cmrd_configure "$@" && cmrd_ninja "$1"
}

# Builds only what the tests of the given suites need (their executables and the targets they
# depend on), for a sanitizer run of part of the suite: a whole TSan build of cmrctl and the
# notifier would cost CI minutes and test nothing the chosen suites run. Run the tests after it
# with `meson test --no-rebuild`.
cmrd_build_suites() {
    local dir=$1; shift
    local targets
    # Reconfigure first if meson.build changed, so that the introspection is current.
    ninja -C "$dir" build.ninja >/dev/null || return 1
    mapfile -t targets < <(meson introspect --tests --targets "$dir" | python3 -c '
import json, os, sys
info = json.load(sys.stdin)
builddir, suites = sys.argv[1], {"cmrd:" + s for s in sys.argv[2:]}
by_id = {t["id"]: t for t in info["targets"]}
wanted = set()
for test in info["tests"]:
    if suites & set(test["suite"]):
        wanted.update(test["depends"])
for target_id in sorted(wanted):
    for name in by_id[target_id]["filename"]:
        print(os.path.relpath(name, builddir))
' "$dir" "$@") || return 1
    [ ${#targets[@]} -gt 0 ] || { echo "cmrd_build_suites: no tests in suites: $*" >&2; return 1; }
    cmrd_ninja "$dir" "${targets[@]}"
}
