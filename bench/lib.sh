# Sourced by the bench scripts (not run): where the release binaries are
# (built when missing), a scratch folder removed on exit together with the
# server a script started, the arguments and folders of a real
# collection's checkout, and the timing figures the scripts print.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
runbook="$target/release/runbook"
bench="$target/release/runbook-bench"

# release_binaries [runbook-bench]: builds what is missing, once.
release_binaries() {
    local packages=(-p runbook) need=0
    [[ -x "$runbook" ]] || need=1
    if [[ "${1:-}" == runbook-bench ]]; then
        packages+=(-p runbook-bench)
        [[ -x "$bench" ]] || need=1
    fi
    if ((need)); then
        echo "building release binaries…" >&2
        (cd "$root" && cargo build --release "${packages[@]}" >&2)
    fi
}

# scratch NAME: sets `work` to a new folder, removed on exit with the
# process in `server_pid`, if the script set one.
server_pid=""
scratch() {
    work="$(mktemp -d "${TMPDIR:-/tmp}/runbook-$1-bench.XXXXXX")"
    trap cleanup EXIT
}
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}

# checkout_and_runs SCRIPT ARGS...: sets `checkout` and `runs` (default 3)
# from a script's `CHECKOUT [RUNS]`, or prints its usage and exits 2.
# shellcheck disable=SC2034 # both are read by the script that sources this
checkout_and_runs() {
    local script="$1"
    shift
    if [[ $# -lt 1 ]]; then
        echo "usage: bench/$script CHECKOUT [RUNS]" >&2
        exit 2
    fi
    checkout="$1"
    runs="${2:-3}"
}

# collection_content CHECKOUT: the Markdown folder of a checkout
# (content/runbooks in the srerun collection's shape, else the checkout).
collection_content() {
    local content="$1"
    [[ -d "$1/content/runbooks" ]] && content="$1/content/runbooks"
    if [[ ! -d "$content" ]]; then
        echo "$content: no such folder" >&2
        exit 1
    fi
    echo "$content"
}

# elapsed START END: the seconds between two `date +%s.%N`, to the ms.
elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

# middle VALUES...: the value halfway up VALUES sorted as numbers (the
# median of an odd count, the upper of the two middle ones of an even).
middle() {
    local sorted
    mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
    echo "${sorted[$(($# / 2))]}"
}

# times_line LABEL SECONDS...: `LABEL median M s of N runs (each run)`.
times_line() {
    local label="$1"
    shift
    printf '%s median %.2f s of %d runs (%s)\n' "$label" "$(middle "$@")" "$#" \
        "$(printf '%.2f s ' "$@" | sed 's/ $//')"
}

# stage_ms STAGE LOG: the milliseconds a build's debug log
# (RUNBOOK_LOG=runbook::build=debug) gives for STAGE, the first if it
# ran more than once. The log is coloured even into a file: the escapes
# are taken out first.
stage_ms() {
    sed 's/\x1b\[[0-9;]*m//g' "$2" | grep -a "stage=\"$1\"" \
        | grep -o 'elapsed_ms=[0-9.]*' | cut -d= -f2 | head -n 1
}
