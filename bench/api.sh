#!/usr/bin/env bash
# Load on `runbook api` (demo backend) over loopback with wrk: requests/s
# and p99 for a cached endpoint with 100 connections, and how many
# upstream reads the run caused (at most run length / TTL + 1 per id).
#
# Usage: bench/api.sh [SECONDS] [PATH]   (defaults: 30, /api/v1/slos)
# Needs: wrk (apt-get install -y wrk), a release build (built if missing).
set -euo pipefail

seconds="${1:-30}"
path="${2:-/api/v1/slos}"
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
release_binaries
scratch api

ttl=15
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/api.yaml" <<YAML
backend: demo
site: $root/content/runbook.yaml
cache:
  ttl_seconds: $ttl
YAML
RUNBOOK_LOG=runbook::api=debug "$runbook" api --config "$work/api.yaml" --bind "127.0.0.1:$port" \
    > "$work/api.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/api/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

echo "runbook api (demo), GET $path, 100 connections, 2 threads, ${seconds}s, TTL ${ttl}s, $(nproc) cores"
wrk -t2 -c100 -d"${seconds}s" --latency "http://127.0.0.1:$port$path" | tee "$work/wrk.txt"
echo "upstream reads during the run, per id (bound: ${seconds}/${ttl} + 1 = $((seconds / ttl + 1))):"
sed 's/\x1b\[[0-9;]*m//g' "$work/api.log" | grep "upstream read" | grep -o 'id=[^ ]*' | sort | uniq -c
