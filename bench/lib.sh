# Sourced by the bench scripts (not run): where the release binaries are
# (built when missing), a scratch folder removed on exit together with the
# server a script started, and the folders of a real collection's checkout.

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
