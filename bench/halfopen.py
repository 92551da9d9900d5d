#!/usr/bin/env python3
"""Half-open connections against `runbook api` (demo backend), on loopback.

Opens N connections (default 3,000), each sending a partial request line
and then nothing, ROUNDS times in a row (default 2), and prints once a
second, from /proc, how many sockets the server holds and its resident
memory, until it holds none of them again or SECONDS (default 60) pass.
Every socket is closed and the server stopped at the end.

Usage: bench/halfopen.py [RUNBOOK_BINARY] [N] [ROUNDS] [SECONDS]
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "release", "runbook")
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def held(pid):
    """Sockets the process has open, and its resident memory in MB."""
    sockets = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                sockets += 1
        except OSError:
            pass
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
    return sockets, rss / 1024


def flood(port, pid, baseline):
    started = time.time()
    clients = []
    try:
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=60)
            s.sendall(b"GET /api/v1/sl")
            clients.append(s)
        print(f"  {count} opened in {time.time() - started:.1f} s")
        peak = 0.0
        while True:
            sockets, rss = held(pid)
            peak = max(peak, rss)
            elapsed = time.time() - started
            print(f"  {elapsed:5.1f} s: {sockets:5d} sockets, {rss:6.1f} MB")
            if sockets <= baseline or elapsed > seconds:
                break
            time.sleep(1)
        print(f"  peak {peak:.1f} MB")
    finally:
        for s in clients:
            s.close()


def main():
    port = free_port()
    work = tempfile.mkdtemp(prefix="runbook-halfopen.")
    config = os.path.join(work, "api.yaml")
    with open(config, "w") as f:
        f.write(f"backend: demo\nsite: {root}/content/runbook.yaml\n")
    server = subprocess.Popen(
        [binary, "api", "--config", config, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/slos", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        baseline, rss = held(server.pid)
        print(f"{binary}: idle, {baseline} sockets, {rss:.1f} MB")
        for n in range(rounds):
            print(f"round {n + 1}:")
            flood(port, server.pid, baseline)
        time.sleep(1)
        sockets, rss = held(server.pid)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/healthz", timeout=5) as r:
            print(f"after: {sockets} sockets, {rss:.1f} MB; /api/healthz {r.status}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
