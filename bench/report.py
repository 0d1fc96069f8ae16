"""The benchmark's report: the machine's description, the results as Markdown, and a chart of the ratios."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import re
import sqlite3
import statistics
import subprocess
from pathlib import Path
from typing import Any

from scenarios import CONTENDERS, LABELS

DATABASE_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL", "mariadb": "MariaDB"}
FRAPPE = ("c_v1", "c_v2")
LIST_OVER_DRF, ONE_OVER_DRF = 3.0, 2.0
READ_FLOOR = 0.9
"""Issue 19 goal 1: every read (lists, one document, count) at >= 0.9 x plain Django, v1 and v2 alike."""
CREATE_FLOOR = 0.75
"""Issue 19 goal 2: a create at >= 0.75 x plain Django."""
READS = ("list", "read", "count")
RATIO_TICKS = (0.25, 0.5, 0.8, 0.9, 1, 2, 3, 5, 10)
PACKAGES = ("Django", "djangorestframework", "django-filter", "orjson", "gunicorn", "psycopg")


def _first(pattern: str, path: str, default: str = "unknown") -> str:
    try:
        match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
    except OSError:
        return default
    return match.group(1).strip() if match else default


def machine(databases: list[str], use_wrk: bool) -> dict[str, str]:
    """CPU, cores, RAM, OS and the versions of everything in the request path."""
    memory_kb = _first(r"^MemTotal:\s+(\d+)", "/proc/meminfo", "0")
    described = {
        "cpu": _first(r"^model name\s*:(.*)$", "/proc/cpuinfo", platform.processor() or "unknown"),
        "cores": str(os.cpu_count()),
        "ram": f"{int(memory_kb) / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        **{package: importlib.metadata.version(package) for package in PACKAGES},
    }
    if "postgres" in databases:
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres") as conn:
            described["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    if "mariadb" in databases:
        import MySQLdb

        conn = MySQLdb.connect(host="127.0.0.1", user="root")
        cursor = conn.cursor()
        cursor.execute("SELECT VERSION()")
        described["mariadb"] = cursor.fetchone()[0]
        conn.close()
    import redis

    described["redis"] = redis.Redis.from_url("redis://127.0.0.1:6379/9").info("server")["redis_version"]
    described["revision"] = revision()
    if use_wrk:
        done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
        described["loadgen"] = (done.stdout or done.stderr).splitlines()[0].split(" [")[0]
    else:
        described["loadgen"] = "bench/loadgen.py (Python keep-alive client)"
    return described


def revision() -> str:
    """The commit measured and the frappe_api files changed since (read-only git calls)."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "frappe_api"], cwd=root,
                                 capture_output=True, text=True, timeout=10).stdout.split("\n")
    except OSError:
        return "unknown"
    files = sorted(line[3:] for line in changed if line.strip())
    return f"{commit or 'unknown'}" + (f" + uncommitted changes to {', '.join(files)}" if files else "")


def _ratio(timings: dict[str, Any], contender: str, base: str) -> float:
    """Throughput of ``contender`` over ``base``: the median of the rounds' ratios (each round runs every contender
    back to back, so a slowdown of the machine lasting a round weighs on both sides of its ratio); the ratio of the
    medians for results without rounds."""
    ours, theirs = timings[contender].get("rounds") or [], timings[base].get("rounds") or []
    if ours and len(ours) == len(theirs) and all(theirs):
        return statistics.median(mine / other for mine, other in zip(ours, theirs))
    return timings[contender]["rps"] / timings[base]["rps"] if timings[base]["rps"] else 0.0


def verdict(kind: str, timings: dict[str, Any]) -> str:
    """Whether frappe_api (the slower of v1 and v2) meets the throughput target of this kind of request."""
    if kind not in ("list", "read", "create", "count"):
        return "no target"
    floor = min(_ratio(timings, c, "a") for c in FRAPPE)
    drf = min(_ratio(timings, c, "b") for c in FRAPPE)
    misses = []
    if kind in READS and floor < READ_FLOOR:
        misses.append(f"c/a {floor:.2f} < {READ_FLOOR}")
    if kind == "create" and floor < CREATE_FLOOR:
        misses.append(f"c/a {floor:.2f} < {CREATE_FLOOR}")
    over_drf = LIST_OVER_DRF if kind == "list" else ONE_OVER_DRF if kind in ("read", "create") else None
    if over_drf is not None and drf < over_drf:
        misses.append(f"c/b {drf:.2f} < {over_drf:g}")
    return "**missed**: " + ", ".join(misses) if misses else "met"


def _queries_verdict(queries: dict[str, int]) -> str:
    extra = [f"{LABELS[c].split()[-1]} {queries[c]}" for c in FRAPPE if queries[c] != queries["a"]]
    return "= (a)" if not extra else f"**{', '.join(extra)}** vs (a) {queries['a']}"


def _target_text(kind: str) -> str:
    return {"list": f"c/a >= {READ_FLOOR}, c/b >= {LIST_OVER_DRF:g}",
            "read": f"c/a >= {READ_FLOOR}, c/b >= {ONE_OVER_DRF:g}", "count": f"c/a >= {READ_FLOOR}",
            "create": f"c/a >= {CREATE_FLOOR}, c/b >= {ONE_OVER_DRF:g}"}.get(kind, "-")


def markdown(results: dict[str, Any]) -> str:
    """The whole report: how it was run, on what, the targets, and every figure."""
    settings, described = results["settings"], results["machine"]
    scenarios = results["scenarios"]
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(f"{package} {described[package]}" for package in PACKAGES)
    databases = ", ".join({"sqlite": f"SQLite {described['sqlite']} (WAL)",
                           "postgres": f"PostgreSQL {described.get('postgresql', '?')}",
                           "mariadb": f"MariaDB {described.get('mariadb', '?')}"}[db] for db in results["databases"])
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `make bench` (`{settings['command']}`) on {when}; the run took {settings['minutes']} min.",
        "Figures are medians of the rounds; ratios are throughput (requests/s) of frappe_api over the contender,",
        "the median of the rounds' ratios (each round runs every contender back to back, in an order rotated each",
        "round, each run started once the server and the database are idle).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {described['cpu']}, {described['cores']} cores |",
        f"| RAM | {described['ram']} |",
        f"| OS | {described['os']} |",
        f"| Python | {described['python']} |",
        f"| Packages | {versions} |",
        f"| Databases | {databases}; Redis {described['redis']} (cache and `cached_db` sessions) |",
        f"| Server | gunicorn, gthread, {settings['workers']} workers x {settings['threads']} threads, `--reuse-port`, "
        "DEBUG off, "
        "`CONN_MAX_AGE=600`, Django's default middleware, one process tree serving every contender |",
        f"| Load | {described['loadgen']}, keep-alive, 127.0.0.1; {settings['warmup']:g} s warm-up, then "
        f"{settings['rounds']} interleaved rounds of {settings['seconds']:g} s per concurrency |",
        f"| Data | {settings['rows']:,} ToDo rows (random seed {settings['seed']}) with a Link to 50 projects |",
        f"| Code | django-frappe-api {described['revision']} |",
        f"| Load average | {described['load_before']} before, {described.get('load_after', '?')} after |",
        *([f"| CPU steal | {described['stolen']:.1%} of the busy CPU time during the run went to other virtual "
           "machines (the hypervisor's; it varies from round to round) |"] if "stolen" in described else []),
        *([f"| **Warning** | the code changed during the run: {described['revision_after']} at the end |"]
          if described.get("revision_after", described["revision"]) != described["revision"] else []),
        "",
        "Contenders: **(a)** plain Django views, `values()` rendered with orjson; **(b)** DRF `ModelViewSet`, "
        "`ModelSerializer`, `DjangoFilterBackend`, `LimitOffsetPagination`; **(c)** frappe_api's "
        "`/api/resource` (v1; `frappe.client.get_count` for the count) and `/api/v2`. All use the same Django "
        "session cookie of a superuser (and the same CSRF token for the create).",
        "",
        "## Targets",
        "",
        "| database | conc. | request | v1/a | v2/a | v1/b | v2/b | target | throughput | CPU ms a / v1 / v2 | "
        "SQL queries |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for database, data in results["databases"].items():
        for concurrency in settings["concurrency"]:
            for scenario in scenarios:
                timings = data["timings"][scenario["key"]][str(concurrency)]
                ratios = [f"{_ratio(timings, c, base):.2f}" for base in ("a", "b") for c in FRAPPE]
                lines.append(f"| {DATABASE_LABELS[database]} | {concurrency} | {scenario['title']} | "
                             f"{' | '.join(ratios)} | {_target_text(scenario['kind'])} | "
                             f"{verdict(scenario['kind'], timings)} | "
                             f"{' / '.join(_cpu(data, scenario['key'], c) for c in ('a', *FRAPPE))} | "
                             f"{_queries_verdict(data['queries'][scenario['key']])} |")
    for database, data in results["databases"].items():
        for concurrency in settings["concurrency"]:
            lines += ["", f"## {DATABASE_LABELS[database]}, concurrency {concurrency}", "",
                      "| request | contender | req/s | p50 ms | p99 ms | SQL queries | CPU ms | c/a | c/b |",
                      "|---|---|---|---|---|---|---|---|---|"]
            for scenario in scenarios:
                timings = data["timings"][scenario["key"]][str(concurrency)]
                for contender in CONTENDERS:
                    row = timings[contender]
                    ratios = (f"{_ratio(timings, contender, 'a'):.2f} | {_ratio(timings, contender, 'b'):.2f}"
                              if contender in FRAPPE else " | ")
                    errors = f" ({row['errors']} errors)" if row["errors"] else ""
                    lines.append(f"| {scenario['title'] if contender == 'a' else ''} | {LABELS[contender]} | "
                                 f"{row['rps']:,.0f}{errors} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
                                 f"{data['queries'][scenario['key']][contender]} | "
                                 f"{_cpu(data, scenario['key'], contender)} | {ratios} |")
    lines += _series_lines(results)
    lines += ["", "SQL queries are counted once per request in-process (`CaptureQueriesContext`, after a warm-up "
              "request); they include the session's user lookup and, on SQLite, `BEGIN`/`SAVEPOINT` statements.",
              "Every statement is in `bench/.work/sql-<database>.json` after a run.",
              "CPU ms is the Django process's CPU time per request, in-process through the whole middleware stack "
              "with Django's test client (`bench/hotspots.py cpu`, median of 5 rounds), measured before the load "
              "runs: a regression shows there without wrk.", ""]
    return "\n".join(lines)


def _cpu(data: dict[str, Any], key: str, contender: str) -> str:
    value = data.get("cpu", {}).get(key, {}).get(contender)
    return f"{value:.2f}" if value is not None else "-"


def _series_lines(results: dict[str, Any]) -> list[str]:
    """The concurrent series inserts: throughput at each client count, the ratio to one client, the check."""
    measured = {database: data["series"] for database, data in results["databases"].items() if data.get("series")}
    if not measured:
        return []
    counts = results["settings"]["series_concurrency"]
    lines = ["", "## Concurrent series inserts", "",
             "frappe_api v1 `POST /api/resource/Sales Order`: a document named by the series `SO-.#####` with a "
             "Link and 3 child rows. After the runs every stored name is checked: distinct, and exactly "
             "SO-00001..SO-<n> with the counter at n (gap-free).", "",
             "| database | " + " | ".join(f"c={c} req/s (p50 ms)" for c in counts) + f" | c={counts[-1]} / c={counts[0]}"
             " | names |",
             "|---|" + "---|" * len(counts) + "---|---|"]
    for database, series in measured.items():
        timings = series["timings"]
        first, last = timings[str(counts[0])]["rps"], timings[str(counts[-1])]["rps"]
        cells = [f"{timings[str(c)]['rps']:,.0f} ({timings[str(c)]['p50_ms']:.1f})" for c in counts]
        check = series["check"]
        names = f"{check['rows']:,} stored, distinct, gap-free" if check["distinct"] and check["gap_free"] else \
            f"**broken**: {check}"
        lines.append(f"| {DATABASE_LABELS[database]} | {' | '.join(cells)} | {last / first if first else 0:.2f} | "
                     f"{names} |")
    lines += ["", f"Where the time goes (server: {results['settings'].get('series_workers', '?')} gunicorn workers x "
              f"{results['settings'].get('series_threads', '?')} threads on {os.cpu_count()} cores). CPU per insert "
              "from one client, in-process (`bench/hotspots.py series`); busy cores: CPU seconds per second during "
              "the rounds (the database's whole server; the machine's includes the load generator and anything "
              "else running); ceiling: cores / (server + database CPU per insert).", "",
              "| database | server CPU ms | database CPU ms | counter lock held ms | ceiling req/s | " +
              " | ".join(f"c={c} busy cores: server / database / machine" for c in counts) + " |",
              "|---|---|---|---|---|" + "---|" * len(counts)]
    for database, series in measured.items():
        costs = series.get("costs")
        if not costs:
            continue
        ceiling = (os.cpu_count() or 1) / ((costs["server"] + costs["database"]) / 1000)
        busy = [series["timings"][str(c)].get("busy_cores") for c in counts]
        cells = [f"{b['server']:.2f} / {b['database']:.2f} / {b['machine']:.2f}" if b else "-" for b in busy]
        lines.append(f"| {DATABASE_LABELS[database]} | {costs['server']:.2f} | {costs['database']:.2f} | "
                     f"{costs['lock_hold']:.2f} | {ceiling:,.0f} | {' | '.join(cells)} |")
    return lines


def chart(results: dict[str, Any], path: Path) -> None:
    """Bars of v1/a, v2/a, v1/b, v2/b per request, one panel per database and concurrency (log scale)."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    databases = list(results["databases"])
    concurrencies = results["settings"]["concurrency"]
    scenarios = results["scenarios"]
    figure, axes = plt.subplots(len(databases), len(concurrencies), figsize=(6.5 * len(concurrencies),
                                                                           4.2 * len(databases)),
                                squeeze=False, sharey=True)
    series = [("c_v1", "a", "v1 / (a) plain Django", "#4c72b0"), ("c_v2", "a", "v2 / (a) plain Django", "#8fb0e0"),
              ("c_v1", "b", "v1 / (b) DRF", "#dd8452"), ("c_v2", "b", "v2 / (b) DRF", "#f2b98a")]
    width = 0.2
    for row, database in enumerate(databases):
        for column, concurrency in enumerate(concurrencies):
            axis = axes[row][column]
            for index, (contender, base, label, colour) in enumerate(series):
                values = [_ratio(results["databases"][database]["timings"][s["key"]][str(concurrency)], contender,
                                 base) for s in scenarios]
                axis.bar([x + (index - 1.5) * width for x in range(len(scenarios))], values, width, label=label,
                         color=colour)
            for level, style in ((CREATE_FLOOR, (0, (1, 3))), (READ_FLOOR, ":"), (1.0, "-"), (ONE_OVER_DRF, "--"), (LIST_OVER_DRF, "-.")):
                axis.axhline(level, color="grey", linewidth=0.8, linestyle=style)
            axis.set_yscale("log")
            axis.set_yticks(RATIO_TICKS, [f"{tick:g}" for tick in RATIO_TICKS])
            axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            axis.set_xticks(range(len(scenarios)), [s["key"] for s in scenarios], rotation=30, ha="right")
            axis.set_title(f"{DATABASE_LABELS[database]}, concurrency {concurrency}")
            axis.grid(axis="y", which="both", alpha=0.3)
    axes[0][0].set_ylabel("throughput ratio (log)")
    axes[0][-1].legend(fontsize="small", loc="upper right")
    figure.suptitle("frappe_api throughput relative to plain Django (a) and DRF (b); "
                    f"lines at {CREATE_FLOOR:g}, {READ_FLOOR:g}, 1, 2, 3", fontsize="medium")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
