"""Where a request's time goes, in-process, on the data ``make bench`` seeded (run it after a bench run).

    python bench/hotspots.py --database postgres cpu                 # CPU ms per request, every contender
    python bench/hotspots.py --database postgres tree list_20 c_v1   # pyinstrument call tree of one contender
    python bench/hotspots.py --database postgres series              # CPU per series insert, server and database
    python bench/hotspots.py --database postgres tree series c_v1    # where a series insert's time goes
    python bench/hotspots.py --database sqlite instructions create   # instructions per request (valgrind)

``cpu`` measures the Django process's CPU time per request (``time.process_time``,
median of 5 rounds) for every request and contender, through the whole
middleware stack with Django's test client: steadier than wall time on a busy
machine. ``tree`` prints pyinstrument's call tree for one request of one
contender. ``series`` measures a series insert (the concurrent-insert scenario's
request) from one client: the server's CPU, the database's CPU (the PostgreSQL
backend process of the connection; MariaDB's busiest thread, its connection's)
and how long the series counter's row stays locked (its UPDATE to COMMIT),
medians of 5 rounds. Rows a create adds are removed afterwards (the series
counter is set back).

``instructions`` counts the CPU instructions one request executes, with valgrind's callgrind: the same count
for the same code and data whatever else the machine runs, so a change of a few microseconds shows where
wall or CPU time cannot tell it from noise. For each contender it runs this script under callgrind twice,
sending 10 + ``--requests`` requests (default 200) and 10 requests, and divides the difference by
``--requests`` (start-up and warm-up cancel out); on SQLite that process checkpoints no WAL (whichever run crossed
the threshold would count it). About 30 s per contender; it needs ``valgrind``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROUNDS = 5
CLOCK_TICK = 1 / os.sysconf("SC_CLK_TCK")


def _task_cpu(stat: Path) -> float:
    """User + system CPU seconds of one process or thread, from its ``/proc/.../stat``."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * CLOCK_TICK


def database_cpu() -> Callable[[], float]:
    """A clock of the database's CPU seconds spent for this process's connection (local servers only).

    PostgreSQL: the connection's backend process. MariaDB (one thread per connection, ``performance_schema`` off by
    default): every thread of the server is read, and the clock answers the CPU of the thread that used the most
    since the clock was made, which is the connection's own while this process is the only client."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            return lambda: _task_cpu(stat)
        if connection.vendor == "mysql":
            cursor.execute("SELECT 1")
            server = next(path for path in Path("/proc").glob("[0-9]*")
                          if (path / "comm").exists() and (path / "comm").read_text().strip() in ("mariadbd", "mysqld"))
            start = {task.name: _task_cpu(task / "stat") for task in (server / "task").iterdir()}

            def busiest() -> float:
                spent = {task.name: _task_cpu(task / "stat") for task in (server / "task").iterdir()}
                return max(spent[name] - start.get(name, 0.0) for name in spent)
            return busiest
    raise SystemExit(f"series: database CPU is read for PostgreSQL and MariaDB, not {connection.vendor}")


def series_costs(send: Callable[[object], None], call: object, requests: int) -> dict[str, float]:
    """Server CPU, database CPU and counter lock hold, in ms per series insert (medians of ``ROUNDS`` rounds)."""
    from django.db import connection, transaction

    from frappe_api.models import Series

    table = Series._meta.db_table
    holds: list[float] = []

    def time_the_lock(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("UPDATE") and table in sql:
            taken = time.perf_counter()
            transaction.on_commit(lambda: holds.append(time.perf_counter() - taken))
        return result

    for _ in range(10):
        send(call)
    db_clock = database_cpu()
    samples: dict[str, list[float]] = {"server": [], "database": [], "lock_hold": []}
    with connection.execute_wrapper(time_the_lock):
        for _ in range(ROUNDS):
            holds.clear()
            server, database = time.process_time(), db_clock()
            for _ in range(requests):
                send(call)
            samples["server"].append((time.process_time() - server) / requests * 1000)
            samples["database"].append((db_clock() - database) / requests * 1000)
            samples["lock_hold"].append(statistics.median(holds) * 1000)
    return {key: round(statistics.median(values), 3) for key, values in samples.items()}


def instructions(database: str, scenario: str, contender: str, requests: int) -> int:
    """Instructions per request of ``contender`` in ``scenario`` (see the module's docstring)."""

    def collected(count: int) -> int:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
                   "--database", database, "--requests", str(count), "send", scenario, contender]
        run = subprocess.run(command, capture_output=True, text=True, check=True)
        return int(re.search(r"Collected : (\d+)", run.stderr).group(1))

    return (collected(requests) - collected(0)) // requests


def _client(state: dict) -> object:
    from django.test import Client

    client = Client(headers={"X-CSRFToken": state["csrf"]})
    client.cookies["sid"], client.cookies["csrftoken"] = state["session"], state["csrf"]
    return client


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres", choices=("sqlite", "postgres", "mariadb"))
    parser.add_argument("--json", action="store_true", help="cpu: print one JSON object (request -> contender -> ms)")
    parser.add_argument("--only", default="", help="cpu: comma-separated request keys (default: every one)")
    parser.add_argument("--requests", type=int, default=None,
                        help="requests per round (cpu, default 100), profiled (tree, 100) or counted (instructions, 200)")
    parser.add_argument("mode", choices=("cpu", "tree", "series", "instructions", "send"))
    parser.add_argument("scenario", nargs="?", help="tree: the request, e.g. list_20 (series: a series insert)")
    parser.add_argument("contender", nargs="?", help="tree: a, b, c_v1 or c_v2")
    args = parser.parse_args(argv)
    if args.mode == "instructions":
        contenders = [args.contender] if args.contender else ["a", "b", "c_v1", "c_v2"]
        for contender in contenders:
            count = instructions(args.database, args.scenario, contender, args.requests or 200)
            print(f"{args.scenario} {contender} ({args.database}): {count:,} instructions per request", flush=True)
        return
    if args.requests is None:
        args.requests = 0 if args.mode == "send" else 100

    os.environ["BENCH_DB"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproject.settings")
    import django

    django.setup()
    from benchapp.models import SalesOrder, ToDo
    from frappe_api.models import Series
    from scenarios import CONTENDERS, CREATE_MARKER, scenarios, series_insert

    state = json.loads((BENCH / ".work" / f"state-{args.database}.json").read_text())
    client = _client(state)
    by_key = {scenario.key: scenario
              for scenario in scenarios(state["document"], state["project"], state["rows"])}

    counter = Series.objects.filter(name="SO-").values_list("current", flat=True).first()

    def send(call: object) -> None:
        response = client.generic(call.method, call.path, call.body or b"", content_type="application/json")
        if response.status_code not in (200, 201):
            raise SystemExit(f"{call.path}: HTTP {response.status_code}")

    try:
        if args.mode == "send":  # what ``instructions`` counts: 10 requests to warm up, then --requests more
            from django.db import connection

            if connection.vendor == "sqlite":  # a WAL checkpoint would be counted in whichever run crosses it
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_autocheckpoint=0")
            call = by_key[args.scenario].calls[args.contender]
            for _ in range(10 + args.requests):
                send(call)
            return
        if args.mode == "tree":
            from pyinstrument import Profiler

            call = series_insert(state["project"]) if args.scenario == "series" \
                else by_key[args.scenario].calls[args.contender]
            for _ in range(10):
                send(call)
            profiler = Profiler(interval=0.0002)
            with profiler:
                for _ in range(args.requests):
                    send(call)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            return
        if args.mode == "series":
            costs = series_costs(send, series_insert(state["project"]), args.requests)
            print(json.dumps(costs) if args.json else
                  f"series insert ({args.database}, median of {ROUNDS} rounds of {args.requests}): server CPU "
                  f"{costs['server']:.2f} ms, database CPU {costs['database']:.2f} ms, counter lock held "
                  f"{costs['lock_hold']:.2f} ms")
            return
        only = [key for key in args.only.split(",") if key]
        figures: dict[str, dict[str, float]] = {}
        if not args.json:
            print(f"CPU ms per request ({args.database}, median of {ROUNDS} rounds of {args.requests})")
            print("request      " + "".join(f"{contender:>8}" for contender in CONTENDERS))
        for scenario in by_key.values():
            if only and scenario.key not in only:
                continue
            samples: dict[str, list[float]] = {contender: [] for contender in CONTENDERS}
            for contender in CONTENDERS:
                for _ in range(10):
                    send(scenario.calls[contender])
            for _ in range(ROUNDS):
                for contender in CONTENDERS:
                    started = time.process_time()
                    for _ in range(args.requests):
                        send(scenario.calls[contender])
                    samples[contender].append((time.process_time() - started) / args.requests * 1000)
            figures[scenario.key] = {c: round(statistics.median(samples[c]), 3) for c in CONTENDERS}
            if not args.json:
                print(f"{scenario.key:<13}" + "".join(f"{figures[scenario.key][c]:8.2f}" for c in CONTENDERS))
        if args.json:
            print(json.dumps(figures))
    finally:
        ToDo.objects.filter(description__startswith=CREATE_MARKER).delete()
        SalesOrder.objects.filter(remarks__startswith=CREATE_MARKER).delete()
        if counter is None:
            Series.objects.filter(name="SO-").delete()
        else:
            Series.objects.filter(name="SO-").update(current=counter)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
