"""``make bench-realtime``: 1,000 socket.io clients across two realtime processes, subscribed to one DocType,
while ToDos are inserted through the HTTP API at a steady rate.

Starts, on free 127.0.0.1 ports and a temporary SQLite database: one web
process (``manage.py runasgi``, publishing through Redis) and two realtime
processes (``uvicorn frappe_api.realtime.asgi:application``) sharing Redis
(``REDIS_URL``, default ``redis://127.0.0.1:6379/13``, on a channel of its
own). ``bench/realtime_clients.mjs`` (socket.io-client 4.7.1 from
``tests/js``) connects the clients over WebSocket with an API key, measures
each realtime process's resident memory before and after they connect, then
writes and records every ``list_update``. Latency runs from the document's
``modified`` stamp (taken inside the write, just before its commit) to the
receipt, so it is an upper bound of commit-to-receipt. Writes
``bench/realtime.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the process exited ({process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=2, help="writes per second")
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="frappe-rt-bench-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "DJANGO_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "example_project.settings", "PYTHONPATH": str(ROOT),
           "REALTIME_REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
           "FRAPPE_SITE_NAME": "bench.local", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env["FRAPPE_REALTIME_CHANNEL"] = f"frappe_api_rt_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True).stdout
    auth = re.search(r"Authorization: (token \S+)", seeded).group(1)
    web_port, realtime_ports = free_port(), [free_port(), free_port()]
    processes = [subprocess.Popen([PYTHON, "manage.py", "runasgi", f"127.0.0.1:{web_port}", "--log-level", "warning"],
                                  cwd=ROOT, env=env)]
    for port in realtime_ports:
        processes.append(subprocess.Popen([str(Path(PYTHON).parent / "uvicorn"), "frappe_api.realtime.asgi:application",
                                           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                          cwd=ROOT, env=env))
    try:
        wait_for(f"http://127.0.0.1:{web_port}/api/method/ping", processes[0])
        for port, process in zip(realtime_ports, processes[1:]):
            wait_for(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", process)
        config = {"servers": [f"http://127.0.0.1:{port}" for port in realtime_ports],
                  "pids": [process.pid for process in processes[1:]], "web": f"http://127.0.0.1:{web_port}",
                  "site": "bench.local", "auth": auth, "clients": args.clients, "rate": args.rate,
                  "seconds": args.seconds}
        done = subprocess.run(["node", str(BENCH / "realtime_clients.mjs"), json.dumps(config)], check=True,
                              capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
    report(result)


def report(result: dict) -> None:
    lines = [
        "# Realtime benchmark (`make bench-realtime`)",
        "",
        f"{result['clients']} socket.io-client 4.7.1 clients (WebSocket, API key) across {result['servers']} realtime "
        f"processes (uvicorn, python-socketio, Redis), all subscribed to ToDo; {result['writes']} inserts through "
        f"the HTTP API at {result['rate']:g}/s (one web process, publishing through Redis after commit).",
        f"Measured on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the end, the Node clients "
        f"included), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; latency from the document's `modified` "
        "stamp (just before the commit) to the client's receipt; deliveries still missing 30 s after the last "
        "write count as missing.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| `list_update` deliveries | {result['deliveries']} (missing: {result['missing']}) |",
        f"| latency p50 | {result['p50_ms']} ms |",
        f"| latency p90 | {result['p90_ms']} ms |",
        f"| latency p99 | {result['p99_ms']} ms |",
        f"| latency max | {result['max_ms']} ms |",
        f"| resident memory per idle connection | {result['kib_per_idle_connection']:.1f} KiB |",
        f"| realtime processes' CPU time per delivery | {result['cpu_us_per_delivery']:.0f} µs |",
        f"| realtime processes' RSS before / with the clients idle | {result['rss_before_kib']} / "
        f"{result['rss_idle_kib']} KiB |",
        "",
        "Targets (issue 18): p99 <= 100 ms at 1,000 subscribers, <= 50 KB per idle connection.",
        "",
    ]
    (BENCH / "realtime.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
