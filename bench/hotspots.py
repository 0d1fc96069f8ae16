"""Where a request's time goes, in-process, on the data ``make bench`` seeded (run it after a bench run).

    python bench/hotspots.py --database postgres cpu                 # CPU ms per request, every contender
    python bench/hotspots.py --database postgres tree list_20 c_v1   # pyinstrument call tree of one contender

``cpu`` measures the Django process's CPU time per request (``time.process_time``,
median of 5 rounds) for every request and contender, through the whole
middleware stack with Django's test client: steadier than wall time on a busy
machine. ``tree`` prints pyinstrument's call tree for one request of one
contender. Rows a create adds are removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROUNDS = 5


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
    parser.add_argument("--requests", type=int, default=100, help="requests per round (cpu) or profiled (tree)")
    parser.add_argument("mode", choices=("cpu", "tree"))
    parser.add_argument("scenario", nargs="?", help="tree: the request, e.g. list_20")
    parser.add_argument("contender", nargs="?", help="tree: a, b, c_v1 or c_v2")
    args = parser.parse_args(argv)

    os.environ["BENCH_DB"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproject.settings")
    import django

    django.setup()
    from benchapp.models import ToDo
    from scenarios import CONTENDERS, CREATE_MARKER, scenarios

    state = json.loads((BENCH / ".work" / f"state-{args.database}.json").read_text())
    client = _client(state)
    by_key = {scenario.key: scenario
              for scenario in scenarios(state["document"], state["project"], state["rows"])}

    def send(call: object) -> None:
        response = client.generic(call.method, call.path, call.body or b"", content_type="application/json")
        if response.status_code not in (200, 201):
            raise SystemExit(f"{call.path}: HTTP {response.status_code}")

    try:
        if args.mode == "tree":
            from pyinstrument import Profiler

            call = by_key[args.scenario].calls[args.contender]
            for _ in range(10):
                send(call)
            profiler = Profiler(interval=0.0002)
            with profiler:
                for _ in range(args.requests):
                    send(call)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
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


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
