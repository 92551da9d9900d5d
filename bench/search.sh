#!/usr/bin/env bash
# Search side by side with Pagefind, on the same generated corpus and on
# runbook's own output: index size on disk, bytes downloaded before the
# first result, index build time, and query latency in Chromium.
#
# For each size: generate the corpus, build it with runbook (median of RUNS
# builds; the search stage's own time, writing its files included, from
# RUNBOOK_LOG=runbook::search=debug; and, in
# turn with those, builds of the same corpus with `search: false`), then run
# Pagefind on that output (--root-selector article.markdown: the page body,
# the same text runbook indexes, without the sidebar every page repeats).
#
# The browser part serves the site from a small Python server that gzips
# every response gzip makes smaller (what a static host does; Pagefind's
# files are gzipped already and pass through) and counts the bytes sent.
# Headless Chromium (playwright-core driving /usr/bin/chromium; no browser
# is downloaded) opens an empty page of the site, then per query, in a
# fresh context (cold cache): loads the search code and asks for the first
# result (runbook: window.runbook.search(q, {limit: 1}); Pagefind:
# init, search(q), results[0].data()). Bytes = everything the server sent
# meanwhile. Latency: one warm page per tool (code and manifest loaded),
# each query's first run (its chunks fetched from localhost) and a repeat;
# medians.
#
# Usage: bench/search.sh [PAGES...]    (defaults: content 1000 10000;
#   `content` is the bundled content/ folder, the others generated corpora)
#   RUNS=3 builds per size; PAGEFIND=path to the pagefind binary.
# Needs: python3, node and npm (playwright-core is installed into
# ~/.cache/runbook-bench), /usr/bin/chromium, pagefind
# (`cargo install pagefind --locked --features extended`), a release build
# (built here if missing).
set -euo pipefail

if [[ $# -gt 0 ]]; then
    sizes=("$@")
else
    sizes=(content 1000 10000)
fi
runs="${RUNS:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
runbook="$target/release/runbook"
bench="$target/release/runbook-bench"
chromium="/usr/bin/chromium"
pagefind="${PAGEFIND:-$(command -v pagefind || echo "$HOME/.cargo/bin/pagefind")}"
node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/runbook-bench/node"

if [[ ! -x "$pagefind" ]]; then
    echo "pagefind not found: cargo install pagefind --locked --features extended" >&2
    exit 1
fi
if [[ ! -x "$chromium" ]]; then
    echo "$chromium not found: apt-get install -y chromium" >&2
    exit 1
fi
if [[ ! -x "$runbook" || ! -x "$bench" ]]; then
    echo "building release binaries…" >&2
    (cd "$root" && cargo build --release -p runbook -p runbook-bench >&2)
fi
if [[ ! -d "$node_dir/node_modules/playwright-core" ]]; then
    echo "installing playwright-core into $node_dir…" >&2
    mkdir -p "$node_dir"
    (cd "$node_dir" && npm install --silent --no-audit --no-fund playwright-core@1 >&2)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/runbook-search-bench.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Queries a reader of the corpus types: Japanese words inside compounds,
# katakana, commands and identifiers, mixed.
queries='["ロールバック","接続","再起動","OOMKilled","pg_stat_activity",
"エラーバジェット","証明書","キュー滞留","ディスク逼迫","kubectl rollout undo",
"p95 レイテンシ","フェイルオーバー","billing","healthz","スケールアウト",
"gcloud logging","エスカレーション","インデックス再構築","ロードバランサ","severity ERROR"]'

now() { date +%s.%N; }
seconds_since() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$1" "$(now)"; }
median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.3f}")' "$@"; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Size on disk of a folder: files, bytes, and bytes if every file were
# served gzipped where that helps.
disk_size() {
    python3 - "$1" <<'PY'
import gzip, os, sys
files = raw = served = 0
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        data = open(os.path.join(folder, name), "rb").read()
        files += 1
        raw += len(data)
        served += min(len(data), len(gzip.compress(data, 6)))
print(files, raw, served)
PY
}

# A static server with gzip and a byte count: GET /__reset clears the log,
# GET /__log returns [[path, bytes sent], …] since the reset.
start_server() {
    port="$(free_port)"
    python3 - "$1" "$port" <<'PY' &
import functools, gzip, http.server, json, os, sys, threading

root, port = sys.argv[1], int(sys.argv[2])
log, lock, cache = [], threading.Lock(), {}
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
         ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml"}

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without this, Nagle's
    # algorithm and delayed ACKs add ~40 ms to every request.
    disable_nagle_algorithm = True
    def log_message(self, *args):
        pass
    def send(self, status, body, ctype, path=None):
        encoding = None
        if "gzip" in self.headers.get("Accept-Encoding", "") and body:
            key = path or id(body)
            if key not in cache:
                cache[key] = gzip.compress(body, 6)
            if len(cache[key]) < len(body):
                body, encoding = cache[key], "gzip"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        self.wfile.write(body)
        return len(body)
    def do_GET(self):
        path = self.path.split("?")[0].split("#")[0]
        if path == "/__reset":
            with lock:
                log.clear()
            return self.send(200, b"{}", "application/json")
        if path == "/__log":
            with lock:
                body = json.dumps(log).encode()
            return self.send(200, body, "application/json")
        if path == "/__blank.html":
            return self.send(200, b"<!doctype html><html lang=ja><title>bench</title>", "text/html")
        from urllib.parse import unquote
        file = os.path.join(root, unquote(path).lstrip("/"))
        if os.path.isdir(file):
            file = os.path.join(file, "index.html")
        try:
            body = open(file, "rb").read()
        except OSError:
            return self.send(404, b"", "text/plain")
        ctype = TYPES.get(os.path.splitext(file)[1], "application/octet-stream")
        sent = self.send(200, body, ctype, file)
        with lock:
            log.append([path, sent])

http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
    server_pid=$!
    local deadline=$((SECONDS + 20))
    until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$port/__reset" 2>/dev/null; do
        if ((SECONDS > deadline)); then
            echo "the static server did not start" >&2
            exit 1
        fi
        sleep 0.1
    done
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# browser TOOL: prints one JSON line {bytes: [...], files: [...], bytes8:
# [...], cold_ms: [...], first_ms: [...], repeat_ms: [...], empty: n}.
browser() {
    NODE_PATH="$node_dir/node_modules" node - "$1" "http://127.0.0.1:$port" "$queries" "$chromium" <<'JS'
const { chromium } = require("playwright-core");
const [tool, base, queriesJson, executablePath] = process.argv.slice(2);
const queries = JSON.parse(queriesJson);

// In the page: load the search code if needed, return the first result,
// then (optionally) the first eight.
const first = {
  runbook: async ([q, n]) => {
    const t0 = performance.now();
    await import("/assets/search.js");
    const results = await window.runbook.search(q, { limit: n });
    return { ms: performance.now() - t0, count: results.length, url: results.length ? results[0].url : null };
  },
  pagefind: async ([q, n]) => {
    const t0 = performance.now();
    const pf = await import("/pagefind_bench/pagefind.js");
    window.pagefindReady = window.pagefindReady || pf.init();
    await window.pagefindReady;
    const search = await pf.search(q);
    const data = await Promise.all(search.results.slice(0, n).map((r) => r.data()));
    return { ms: performance.now() - t0, count: search.results.length, url: data.length ? data[0].url : null };
  },
}[tool];

const log = async () => (await fetch(`${base}/__log`)).json();
const sum = (entries) => entries.reduce((total, [, sent]) => total + sent, 0);
// Code (JS, wasm) rather than index: cached across pages and visits.
const isCode = ([path]) => /\.(js|wasm)$|\/wasm\.[^/]*$/.test(path);

(async () => {
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
  const out = { bytes: [], index_bytes: [], files: [], bytes8: [], cold_ms: [], first_ms: [], repeat_ms: [], empty: 0 };
  // Cold: a fresh context (empty cache) per query.
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/__blank.html`);
    await fetch(`${base}/__reset`);
    const result = await page.evaluate(first, [q, 1]);
    const fetched = await log();
    out.bytes.push(sum(fetched));
    out.index_bytes.push(sum(fetched.filter((entry) => !isCode(entry))));
    out.files.push(fetched.length);
    out.cold_ms.push(result.ms);
    if (result.count === 0) out.empty++;
    await page.evaluate(first, [q, 8]);
    out.bytes8.push(sum(await log()));
    await context.close();
  }
  // Warm: one page, code and manifest loaded by a first query.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/__blank.html`);
  await page.evaluate(first, ["warm up", 1]);
  for (const q of queries) out.first_ms.push((await page.evaluate(first, [q, 1])).ms);
  for (const q of queries) out.repeat_ms.push((await page.evaluate(first, [q, 1])).ms);
  await browser.close();
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
JS
}

declare -a rows
for pages in "${sizes[@]}"; do
    echo "== $pages pages" >&2
    corpus="$work/corpus-$pages"
    site="$work/site-$pages"
    if [[ "$pages" == content ]]; then
        # The bundled TekuToko runbook (12 pages): the real site.
        cp -r "$root/content" "$corpus"
    else
        "$bench" corpus --pages "$pages" --out "$corpus" >/dev/null
    fi

    # The same corpus with `search: false`, built in turn with the real
    # one: what the index adds to a build, wall clock against wall clock
    # (it runs beside the page layout, so its own time overstates it).
    plain="$work/corpus-$pages-nosearch"
    cp -r "$corpus" "$plain"
    printf '\nsearch: false\n' >>"$plain/runbook.yaml"
    walls=()
    plain_walls=()
    stages=()
    for ((run = 0; run < runs; run++)); do
        rm -rf "$site-nosearch"
        start="$(now)"
        "$runbook" build "$plain" --out "$site-nosearch" >/dev/null 2>&1
        plain_walls+=("$(seconds_since "$start")")
        rm -rf "$site"
        start="$(now)"
        RUNBOOK_LOG=runbook::search=debug "$runbook" build "$corpus" --out "$site" >/dev/null 2>"$work/build.log"
        walls+=("$(seconds_since "$start")")
        stage_ms="$(sed -e 's/\x1b\[[0-9;]*m//g' "$work/build.log" |
            sed -n 's/.*search index built.*elapsed_ms=\([0-9.]*\).*/\1/p' | tail -n 1)"
        if [[ -z "$stage_ms" ]]; then
            echo "no search stage timing in the build log (is $runbook current?)" >&2
            exit 1
        fi
        stages+=("$(python3 -c 'import sys; print(float(sys.argv[1]) / 1000)' "$stage_ms")")
    done
    wall="$(median "${walls[@]}")"
    plain_wall="$(median "${plain_walls[@]}")"
    rm -rf "$plain" "$site-nosearch"
    stage="$(median "${stages[@]}")"

    pf_walls=()
    for ((run = 0; run < runs; run++)); do
        rm -rf "$site/pagefind_bench"
        start="$(now)"
        "$pagefind" --site "$site" --output-subdir pagefind_bench --root-selector article.markdown >"$work/pagefind.log" 2>&1
        pf_walls+=("$(seconds_since "$start")")
    done
    pf_wall="$(median "${pf_walls[@]}")"

    read -r rb_files rb_raw rb_gz < <(disk_size "$site/search")
    read -r pf_files pf_raw pf_gz < <(disk_size "$site/pagefind_bench")

    start_server "$site"
    rb_json="$(browser runbook)"
    pf_json="$(browser pagefind)"
    stop_server

    rows+=("$(python3 - "$pages" "$wall" "$stage" "$pf_wall" "$plain_wall" \
        "$rb_files" "$rb_raw" "$rb_gz" "$pf_files" "$pf_raw" "$pf_gz" \
        "$rb_json" "$pf_json" <<'PY'
import json, statistics, sys
(pages, wall, stage, pf_wall, plain_wall, rb_files, rb_raw, rb_gz, pf_files, pf_raw, pf_gz) = sys.argv[1:12]
rb, pf = json.loads(sys.argv[12]), json.loads(sys.argv[13])
wall, stage, pf_wall, plain_wall = map(float, (wall, stage, pf_wall, plain_wall))
kb = lambda n: f"{n / 1024:,.1f} KB"
mb = lambda n: f"{int(n) / 1048576:,.1f} MB"
med = statistics.median
q = lambda side, key: med(side[key])
rows = [
    ("index on disk (files)", f"{mb(rb_raw)} ({int(rb_files):,})", f"{mb(pf_raw)} ({int(pf_files):,})"),
    ("index on disk, gzipped", mb(rb_gz), mb(pf_gz)),
    ("first result: bytes (median / max)", f"{kb(q(rb, 'bytes'))} / {kb(max(rb['bytes']))}", f"{kb(q(pf, 'bytes'))} / {kb(max(pf['bytes']))}"),
    ("first result: index bytes only, code cached (median)", kb(q(rb, "index_bytes")), kb(q(pf, "index_bytes"))),
    ("first result: requests (median)", f"{q(rb, 'files'):.0f}", f"{q(pf, 'files'):.0f}"),
    ("first 8 results: bytes (median)", kb(q(rb, "bytes8")), kb(q(pf, "bytes8"))),
    ("first result, cold cache (median)", f"{q(rb, 'cold_ms'):.0f} ms", f"{q(pf, 'cold_ms'):.0f} ms"),
    ("query latency, warm (median)", f"{q(rb, 'first_ms'):.1f} ms", f"{q(pf, 'first_ms'):.1f} ms"),
    ("query latency, repeated (median)", f"{q(rb, 'repeat_ms'):.1f} ms", f"{q(pf, 'repeat_ms'):.1f} ms"),
    ("queries with no result", f"{rb['empty']}/{len(rb['bytes'])}", f"{pf['empty']}/{len(pf['bytes'])}"),
    ("index build time", f"{stage:.2f} s, files written (beside the page layout)", f"{pf_wall:.2f} s (pagefind run on the built site)"),
    ("build with / without the index", f"{wall:.2f} s / {plain_wall:.2f} s: the index adds {100 * (wall - plain_wall) / plain_wall:.0f}%", ""),
]
title = "content/ (the TekuToko runbook)" if pages == "content" else f"{int(pages):,} pages"
out = [f"### {title}", "", "| | runbook | Pagefind |", "|---|---|---|"]
out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
print("\n".join(out))
PY
)")
done

echo "runbook:  $("$runbook" --version)"
echo "pagefind: $("$pagefind" --version)"
echo "chromium: $("$chromium" --version 2>/dev/null || true)"
echo "machine:  $(nproc) cores; $runs runs per build (median)"
echo
for row in "${rows[@]}"; do
    printf '%s\n\n' "$row"
done
