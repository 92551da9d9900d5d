#!/usr/bin/env python3
"""Latency of `runbook api` while its cache refreshes from a slow upstream.

Starts a stand-in Prometheus on loopback that answers every query after
DELAY seconds (default 1), `runbook api` on it with a 2 s TTL, and wrk with
50 connections for SECONDS (default 20) on one SLO, so the answer expires
about ten times during the run. Prints wrk's latency distribution and how
many upstream queries the run cost.

Usage: bench/refresh.py [RUNBOOK_BINARY] [DELAY] [SECONDS]
Needs: wrk (apt-get install -y wrk).
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "release", "runbook")
delay = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
queries = 0


class SlowPrometheus(http.server.BaseHTTPRequestHandler):
    """Enough of /api/v1/query and /api/v1/query_range: 1 bad event in 1000."""

    def do_GET(self):
        global queries
        queries += 1
        time.sleep(delay)
        url = urllib.parse.urlparse(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path == "/api/v1/query":
            result = []
            for window in ["window", "5m", "30m", "1h", "6h", "3d"]:
                result.append({"metric": {"runbook_series": f"{window}:num"}, "value": [1, "1"]})
                result.append({"metric": {"runbook_series": f"{window}:total"}, "value": [1, "1000"]})
            data = {"resultType": "vector", "result": result}
        else:
            end = int(float(params.get("end", ["0"])[0]))
            values = [[end - 1800 * (47 - k), "0.999"] for k in range(48)]
            data = {"resultType": "matrix", "result": [{"metric": {}, "values": values}]}
        body = json.dumps({"status": "success", "data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowPrometheus)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    work = tempfile.mkdtemp(prefix="runbook-refresh.")
    config = os.path.join(work, "api.yaml")
    # JSON is YAML too: the config as data, with no braces to escape.
    settings = {
        "backend": "live",
        "prometheus": {"url": f"http://127.0.0.1:{upstream.server_address[1]}"},
        "cache": {"ttl_seconds": 2, "upstream_timeout_seconds": 5},
        "slos": {"availability": {
            "title": "Availability",
            "objective": 0.999,
            "indicator": {"bad": 'http_requests_total{code=~"5.."}',
                          "total": "http_requests_total"},
        }},
    }
    with open(config, "w") as f:
        json.dump(settings, f)
    server = subprocess.Popen(
        [binary, "api", "--config", config, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/slos/availability"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=10).read()
                break
            except OSError:
                time.sleep(0.1)
        before = queries
        print(f"{binary}: upstream answers in {delay} s, TTL 2 s, {seconds} s of wrk")
        subprocess.run(["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", url], check=True)
        print(f"upstream queries during the run: {queries - before}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        upstream.shutdown()


if __name__ == "__main__":
    main()
