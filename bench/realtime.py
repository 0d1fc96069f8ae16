"""``make bench-realtime``: 1,000 socket.io clients across two realtime processes, subscribed to one DocType,
while ToDos are inserted through the HTTP API at a steady rate.

Starts, on free 127.0.0.1 ports and a temporary SQLite database: one web
process (``manage.py runasgi``, publishing through Redis) and two realtime
processes (``uvicorn frappe_api.realtime.asgi:application``, without
per-message deflate, as ``make serve-prod`` runs them) sharing Redis
(``REDIS_URL``, default ``redis://127.0.0.1:6379/13``, on a channel of its
own), each through ``bench/realtime_timing.py``, which times the publish,
the arrival from Redis, the fan-out and the garbage collections from outside
the product code. ``bench/realtime_clients.mjs`` (socket.io-client 4.7.1
from ``tests/js``) connects the clients over WebSocket with an API key, in
worker threads, measures each realtime process's resident memory before and
after they connect, then writes and records every ``list_update``. Latency
runs from the document's ``modified`` stamp (taken inside the write, just
before its commit) to the receipt, so it is an upper bound of
commit-to-receipt. Writes ``bench/realtime.md``.
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
from datetime import datetime, timezone
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
    parser.add_argument("--threads", type=int, default=2, help="Node worker threads running the clients")
    parser.add_argument("--rate", type=float, default=2, help="writes per second")
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="frappe-rt-bench-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "DJANGO_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "example_project.settings", "PYTHONPATH": str(ROOT), "DJANGO_TIME_ZONE": "UTC",
           "REALTIME_REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"),
           "FRAPPE_SITE_NAME": "bench.local", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env["FRAPPE_REALTIME_CHANNEL"] = f"frappe_api_rt_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True).stdout
    auth = re.search(r"Authorization: (token \S+)", seeded).group(1)
    web_port, realtime_ports = free_port(), [free_port(), free_port()]
    timing = BENCH / "realtime_timing.py"
    timings = [work / "web.json", *(work / f"realtime-{port}.json" for port in realtime_ports)]
    processes = [subprocess.Popen([PYTHON, str(timing), str(timings[0]), "web", "runasgi", f"127.0.0.1:{web_port}",
                                   "--log-level", "warning"], cwd=ROOT, env=env)]
    for port, output in zip(realtime_ports, timings[1:]):
        processes.append(subprocess.Popen([PYTHON, str(timing), str(output), "realtime",
                                           "frappe_api.realtime.asgi:application", "--host", "127.0.0.1", "--port",
                                           str(port), "--log-level", "warning", "--ws-per-message-deflate", "false"],
                                          cwd=ROOT, env=env))
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    try:
        wait_for(f"http://127.0.0.1:{web_port}/api/method/ping", processes[0])
        for port, process in zip(realtime_ports, processes[1:]):
            wait_for(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling", process)
        config = {"servers": [f"http://127.0.0.1:{port}" for port in realtime_ports],
                  "pids": [process.pid for process in processes[1:]], "webPid": processes[0].pid,
                  "web": f"http://127.0.0.1:{web_port}", "site": "bench.local", "auth": auth,
                  "clients": args.clients, "threads": args.threads, "rate": args.rate, "seconds": args.seconds,
                  "output": str(work / "clients.json")}
        subprocess.run(["node", str(BENCH / "realtime_clients.mjs"), json.dumps(config)], check=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    result = json.loads((work / "clients.json").read_text())
    servers = [json.loads(path.read_text()) for path in timings]
    report(summarize(result, servers[0], servers[1:]), load_before, load_after)


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p90, p99 and max of ``values`` (milliseconds), and how many there were."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0, "p50": float("nan"), "p90": float("nan"), "p99": float("nan"), "max": float("nan")}
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50": pick(0.5), "p90": pick(0.9), "p99": pick(0.99), "max": ordered[-1]}


def modified_seconds(stamp: str) -> float:
    """The ``modified`` stamp (UTC, microseconds) as seconds since the epoch."""
    return datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc).timestamp()


def summarize(result: dict, web: dict, realtime: list[dict]) -> dict:
    """The figures of one run, from the clients' receipts and the server processes' timers."""
    written = {name: modified_seconds(stamp) for name, stamp in result["written"]}
    clients = result["clients"]
    deliveries = [(name, server, at / 1000) for name, server, at in result["receipts"] if name in written]
    published = web["records"]
    arrived = [process["records"] for process in realtime]
    segments = {
        "total": [(at - written[name]) * 1000 for name, _, at in deliveries],
        "commit": [(published[name]["published"] - modified) * 1000 for name, modified in written.items()
                   if name in published],
        "publish": [published[name]["publish_s"] * 1000 for name in written if name in published],
        "redis": [(records[name]["received"] - published[name]["published"]) * 1000 for records in arrived
                  for name in written if name in records and name in published],
        "fan_out": [records[name]["fan_out_s"] * 1000 for records in arrived for name in written if name in records],
        "emit": [(at - arrived[server][name]["received"]) * 1000 for name, server, at in deliveries
                 if name in arrived[server]],
    }
    began, ended = (stamp / 1000 for stamp in result["window"])
    collections = [(generation, pause * 1000, cpu * 1000) for process in realtime
                   for generation, at, pause, cpu in process["collections"] if began <= at <= ended]
    cpu = result["cpu_s"]
    return {
        "clients": clients, "servers": result["servers"], "threads": result["threads"], "rate": result["rate"],
        "writes": len(written), "deliveries": len(deliveries), "missing": len(written) * clients - len(deliveries),
        "seconds": ended - began,
        "latency": {key: percentiles(values) for key, values in segments.items()},
        "rss_before_kib": result["rss_before_kib"], "rss_idle_kib": result["rss_idle_kib"],
        "kib_per_idle_connection": (sum(result["rss_idle_kib"]) - sum(result["rss_before_kib"])) / clients,
        "cpu_s": {"realtime": sum(cpu["realtime"]), "web": cpu["web"], "clients": cpu["clients"]},
        "collections": {generation: [(pause, cpu) for gen, pause, cpu in collections if gen == generation]
                        for generation in (0, 1, 2)},
    }


def report(figures: dict, load_before: list[str], load_after: list[str]) -> None:
    """Print the figures and write them to ``bench/realtime.md``."""
    latency, cpu, deliveries = figures["latency"], figures["cpu_s"], max(1, figures["deliveries"])
    segments = [
        ("total", "`modified` stamp → client's receipt", "wall clock, both ends", "delivery"),
        ("commit", "`modified` stamp → publish starts (the INSERT, its commit, the commit hooks)", "wall clock",
         "write"),
        ("publish", "publish call (Redis PUBLISH, in the web process)", "monotonic, one process", "write"),
        ("redis", "publish starts → the realtime process handles the message (Redis, then waiting for the "
                  "event loop)", "wall clock", "write × process"),
        ("fan_out", "fan-out: the packet queued for each of the process's sockets", "monotonic, one process",
         "write × process"),
        ("emit", "the realtime process handles the message → client's receipt (fan-out, writing to each "
                 "socket, Node reading it)", "wall clock", "delivery"),
    ]
    def row(pauses: list[tuple[float, float]], generation: int) -> str:
        if not pauses:
            return f"| {generation} | 0 | | | |"
        longest = max(pauses)
        return (f"| {generation} | {len(pauses)} | {longest[0]:.1f} ms ({longest[1]:.1f} ms CPU) | "
                f"{max(cpu for _, cpu in pauses):.1f} ms | {sum(pause for pause, _ in pauses):.0f} ms |")

    lines = [
        "# Realtime benchmark (`make bench-realtime`)",
        "",
        f"{figures['clients']} socket.io-client 4.7.1 clients (WebSocket, API key; {figures['threads']} Node "
        f"worker threads in one process) across {figures['servers']} realtime processes (uvicorn without "
        f"per-message deflate, python-socketio, Redis), all subscribed to ToDo; {figures['writes']} inserts "
        f"through the HTTP API at {figures['rate']:g}/s (one web process, publishing through Redis after commit).",
        f"Measured on {os.cpu_count()} cores (load average {' '.join(load_before)} before the servers started, "
        f"{' '.join(load_after)} at the end, the Node clients included), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Deliveries still missing 30 s after the last "
        "write count as missing.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| `list_update` deliveries | {figures['deliveries']} (missing: {figures['missing']}) |",
        f"| latency p50 | {latency['total']['p50']:.1f} ms |",
        f"| latency p90 | {latency['total']['p90']:.1f} ms |",
        f"| latency p99 | {latency['total']['p99']:.1f} ms |",
        f"| latency max | {latency['total']['max']:.1f} ms |",
        f"| resident memory per idle connection | {figures['kib_per_idle_connection']:.1f} KiB |",
        f"| realtime processes' RSS before / with the clients idle | {figures['rss_before_kib']} / "
        f"{figures['rss_idle_kib']} KiB |",
        "",
        "Latency runs from the document's `modified` stamp (taken inside the write, just before its commit, "
        "microseconds) to the receipt (`Date.now()` in the client thread, milliseconds), both on the machine's "
        "wall clock, so it is an upper bound of commit-to-receipt. Where it goes, from timers that "
        "`bench/realtime_timing.py` wraps around the product code (points in time on the wall clock, durations "
        "on one process's monotonic clock); each row has its own percentiles, so the rows do not add up:",
        "",
        "| segment | clock | per | count | p50 | p99 | max |",
        "|---|---|---|---|---|---|---|",
        *(f"| {label} | {clock} | {per} | {latency[key]['n']} | {latency[key]['p50']:.1f} ms | "
          f"{latency[key]['p99']:.1f} ms | {latency[key]['max']:.1f} ms |" for key, label, clock, per in segments),
        "",
        f"CPU time (user + system, `/proc/<pid>/stat`, 10 ms ticks) from the first write until the last delivery "
        f"({figures['seconds']:.1f} s):",
        "",
        "| process | CPU time | per delivery |",
        "|---|---|---|",
        f"| realtime processes (both) | {cpu['realtime']:.2f} s | {cpu['realtime'] * 1e6 / deliveries:.0f} µs |",
        f"| web process (the inserts, the publish) | {cpu['web']:.2f} s | "
        f"{cpu['web'] * 1e3 / max(1, figures['writes']):.1f} ms per write |",
        f"| Node clients (one process) | {cpu['clients']:.2f} s | {cpu['clients'] * 1e6 / deliveries:.0f} µs |",
        "",
        "Garbage collections in the realtime processes over the same span (both processes, timed with "
        "`gc.callbacks`: pauses on the monotonic clock, CPU time on the process's CPU clock; a pause longer than "
        "its CPU time waited for a core):",
        "",
        "| generation | collections | longest pause | most CPU in one | total pause |",
        "|---|---|---|---|---|",
        *(row(figures["collections"][generation], generation) for generation in (0, 1, 2)),
        "",
        "Targets (issue 18): p99 <= 100 ms at 1,000 subscribers, <= 50 KB per idle connection.",
        "",
    ]
    (BENCH / "realtime.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
