"""``make bench``: the same data in SQLite and PostgreSQL, every contender behind one gunicorn, timed with wrk.

For each database: migrate, seed (``bench_seed``), count each contender's SQL
queries in-process (``bench_queries``), start gunicorn (DEBUG off, persistent
connections), check that every contender answers the same rows, then load
each request at every concurrency for several interleaved rounds after a
warm-up (the contenders' order rotated each round, each run started once the
server and database are idle), and keep the medians. Writes ``bench/results.md`` and
``bench/results.png``, and the raw figures (every round's) to ``results.json`` beside them and to
``bench/.work/results.json``.
Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import loadgen
import report
from scenarios import CONTENDERS, DEEP_START, LABELS, Call, Scenario, deep_start, normalise, scenarios, series_insert

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
BIN = Path(sys.executable).parent
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "8100"))
PORTS = {"sqlite": PORT_BASE, "postgres": PORT_BASE + 1, "mariadb": PORT_BASE + 2}
PG_DATABASE = os.environ.get("BENCH_PG_NAME", "frappe_api_bench")
MYSQL_DATABASE = os.environ.get("BENCH_MYSQL_NAME", "frappe_api_bench")
SERVER_START_SECONDS = 60
SERIES_DATABASES = ("postgres", "mariadb")  # the concurrent series inserts (a row lock; SQLite locks the database)


def log(message: str) -> None:
    print(message, flush=True)


def django_env(database: str) -> dict[str, str]:
    extra = os.environ.get("BENCH_PYTHONPATH")  # e.g. another checkout's frappe_api, to measure it
    return {**os.environ, "BENCH_DB": database, "PYTHONPATH": os.pathsep.join(filter(None, (extra, str(BENCH)))),
            "DJANGO_SETTINGS_MODULE": "benchproject.settings"}


def manage(database: str, *args: str) -> str:
    """Run a management command of the bench project against ``database``; answer its standard output."""
    done = subprocess.run([sys.executable, str(BENCH / "manage.py"), *args], env=django_env(database),
                          capture_output=True, text=True, timeout=900)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({database}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def check_services(databases: list[str]) -> None:
    """PostgreSQL (when asked for) and Redis must answer on 127.0.0.1; the PostgreSQL database is created."""
    import redis

    try:
        redis.Redis.from_url(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis is not reachable on 127.0.0.1:6379 ({exc})") from None
    if "postgres" in databases:
        import psycopg

        try:
            with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone() is None:
                    conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
                    log(f"created PostgreSQL database {PG_DATABASE}")
        except psycopg.OperationalError as exc:
            raise SystemExit(f"PostgreSQL is not reachable on 127.0.0.1:5432 as postgres ({exc})") from None
    if "mariadb" in databases:
        try:
            import MySQLdb
        except ImportError:
            raise SystemExit('MariaDB needs mysqlclient: pip install "mysqlclient>=2.2.1"') from None
        try:
            conn = MySQLdb.connect(host="127.0.0.1", user="root")
            conn.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{MYSQL_DATABASE}` CHARACTER SET utf8mb4")
            conn.close()
        except MySQLdb.OperationalError as exc:
            raise SystemExit(f"MariaDB is not reachable on 127.0.0.1:3306 as root ({exc})") from None
    for database in databases:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORTS[database])) == 0:
                raise SystemExit(f"port {PORTS[database]} is already in use")


@contextlib.contextmanager
def gunicorn(database: str, state: dict[str, Any], workers: int, threads: int) -> Iterator[tuple[int, int]]:
    """Serve the bench project on 127.0.0.1; stop the server (and only it) on the way out.

    ``--reuse-port`` gives each worker its own listening socket, so the kernel spreads wrk's keep-alive
    connections over the workers; on one shared socket most of them land in the first worker to wake
    (all 8 in one process at times, which then serves them on one core)."""
    port = PORTS[database]
    errors = WORK / f"gunicorn-{database}.log"
    command = [str(BIN / "gunicorn"), "benchproject.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
               "--keep-alive", "5", "--reuse-port", "--error-logfile", str(errors), "--log-level", "warning"]
    server = subprocess.Popen(command, env=django_env(database), cwd=BENCH, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        probe = Call("GET", "/plain/todo/count")
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited ({server.returncode}); see {errors}")
            with contextlib.suppress(OSError):
                if fetch(port, probe, state)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer within {SERVER_START_SECONDS} s; see {errors}")
            time.sleep(0.25)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def cookie(state: dict[str, Any]) -> str:
    return f"sid={state['session']}; csrftoken={state['csrf']}"


def fetch(port: int, call: Call, state: dict[str, Any]) -> tuple[int, Any]:
    """One request through the real server; (status, decoded JSON body)."""
    headers = {"Cookie": cookie(state), "X-CSRFToken": state["csrf"], "Content-Type": "application/json"}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{call.path}", data=call.body, method=call.method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:500]


def verify(port: int, scenario: Scenario, state: dict[str, Any]) -> None:
    """Every contender must answer 2xx and, once envelopes and spellings are normalised, the same rows as (a)."""
    answers = {}
    for contender in CONTENDERS:
        call = scenario.calls[contender]
        status, body = fetch(port, call, state)
        if not 200 <= status < 300:
            raise SystemExit(f"{scenario.key}: {LABELS[contender]} answered HTTP {status}: {body!r}")
        answers[contender] = normalise(scenario, call, body)
    for contender in CONTENDERS[1:]:
        if answers[contender] != answers["a"]:
            mine, floor = answers[contender], answers["a"]
            if isinstance(mine, list) and isinstance(floor, list):
                index = next((i for i, (x, y) in enumerate(zip(mine, floor)) if x != y), min(len(mine), len(floor)))
                detail = (f"{len(mine)} vs {len(floor)} rows; first difference at row {index}: "
                          f"{mine[index] if index < len(mine) else None} vs {floor[index] if index < len(floor) else None}")
            else:
                detail = f"{mine!r} vs {floor!r}"
            raise SystemExit(f"{scenario.key}: {LABELS[contender]} differs from (a): {detail}")
    size = len(answers["a"]) if isinstance(answers["a"], list) else 1
    log(f"  {scenario.key}: all contenders answer the same {size} row(s)")


class Progress:
    """Counts load runs and prints where the benchmark is, with the load time still planned."""

    def __init__(self, total: int, planned_seconds: float) -> None:
        self.total, self.done, self.left = total, 0, planned_seconds
        self.started = time.monotonic()

    def step(self, text: str, seconds: float) -> None:
        self.done += 1
        self.left -= seconds
        elapsed = (time.monotonic() - self.started) / 60
        log(f"  [{self.done:>3}/{self.total}] {text}  ({elapsed:.1f} min, {self.left / 60:.1f} min of load left)")


def round_order(number: int) -> tuple[str, ...]:
    """The contenders in round ``number`` (from 1): rotated one place per round (a, b, c v1, c v2; then b, c v1,
    c v2, a; ...), so that no contender always follows the same one (DRF's 500-row page leaves work behind)."""
    shift = (number - 1) % len(CONTENDERS)
    return CONTENDERS[shift:] + CONTENDERS[:shift]


def settle(server: int, database: str, *, quiet_ms: float = 5.0, window: float = 0.1, limit: float = 5.0) -> None:
    """Wait until the server and the database are idle: requests the last run left in flight finish before the
    next contender's clock starts (at most ``limit`` seconds; idle is under ``quiet_ms`` of CPU per ``window``)."""
    deadline = time.monotonic() + limit

    def spent() -> float:
        used = busy_cpu(server, database)
        return used["server"] + used["database"]

    before = spent()
    while time.monotonic() < deadline:
        time.sleep(window)
        now = spent()
        if (now - before) * 1000 < quiet_ms:
            return
        before = now


def time_scenario(port: int, server: int, scenario: Scenario, state: dict[str, Any], args: argparse.Namespace,
                  progress: Progress, database: str) -> dict[str, dict[str, Any]]:
    """Warm every contender up, then interleave the rounds at each concurrency, the order rotated each round
    (``round_order``), each run started once the last one's requests are done (``settle``)."""
    targets = {contender: loadgen.Target(port, call.method, call.path, call.body, cookie(state), state["csrf"])
               for contender, call in scenario.calls.items()}
    for contender in CONTENDERS:
        loadgen.measure(targets[contender], max(args.concurrency), args.warmup, use_wrk=args.wrk)
        progress.step(f"{database} {scenario.key} {contender}: warm-up", args.warmup)
    timings: dict[str, dict[str, Any]] = {}
    for concurrency in args.concurrency:
        rounds: dict[str, list[loadgen.Measurement]] = {contender: [] for contender in CONTENDERS}
        for number in range(1, args.rounds + 1):
            for contender in round_order(number):
                settle(server, database)
                measured = loadgen.measure(targets[contender], concurrency, args.seconds, use_wrk=args.wrk)
                rounds[contender].append(measured)
                errors = f", {measured.errors} errors" if measured.errors else ""
                progress.step(f"{database} c={concurrency} round {number}/{args.rounds} {scenario.key} {contender}: "
                              f"{measured.rps:.0f} req/s, p50 {measured.p50_ms:.2f} ms, p99 {measured.p99_ms:.2f} ms"
                              f"{errors}", args.seconds)
        timings[str(concurrency)] = {contender: {
            "rps": statistics.median(m.rps for m in measured),
            "p50_ms": statistics.median(m.p50_ms for m in measured),
            "p99_ms": statistics.median(m.p99_ms for m in measured),
            "errors": sum(m.errors for m in measured),
            "rounds": [m.rps for m in measured],
        } for contender, measured in rounds.items()}
    return timings


def cpu_per_request(database: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """CPU ms per request of every contender (``bench/hotspots.py cpu``, in-process, median of its rounds)."""
    done = subprocess.run([sys.executable, str(BENCH / "hotspots.py"), "--database", database, "--json",
                           "--requests", str(args.cpu_requests), *(["--only", ",".join(args.only)] if args.only else []),
                           "cpu"], env=django_env(database), capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(f"hotspots.py cpu failed ({database}):\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


CLOCK_TICK = 1 / os.sysconf("SC_CLK_TCK")
DATABASE_PROCESSES = {"postgres": ("postgres",), "mariadb": ("mariadbd", "mysqld"), "sqlite": ()}


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * CLOCK_TICK


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def _named(names: tuple[str, ...]) -> list[int]:
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if (entry / "comm").read_text().strip() in names:
                pids.append(int(entry.name))
    return pids


def cpu_ticks() -> list[int]:
    """The machine's CPU time so far, in ticks, by kind (``/proc/stat``'s first line: user, nice, system, idle,
    iowait, irq, softirq, steal)."""
    return [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]


def stolen_share(before: list[int], after: list[int]) -> float:
    """Of the CPU time this virtual machine wanted between two ``cpu_ticks`` readings, the share its hypervisor
    gave to others (steal): the noise no interleaving can take out."""
    spent = [late - early for early, late in zip(before, after)]
    wanted = sum(spent) - spent[3] - spent[4]
    return spent[7] / wanted if wanted > 0 else 0.0


def busy_cpu(server: int, database: str) -> dict[str, float]:
    """CPU seconds so far of the gunicorn server (master and workers), of the database server's processes, and
    of the whole machine (every core's busy time, from ``/proc/stat``)."""
    ticks = cpu_ticks()
    return {"server": sum(_process_cpu(pid) for pid in (server, *_children(server))),
            "database": sum(_process_cpu(pid) for pid in _named(DATABASE_PROCESSES[database])),
            "machine": (sum(ticks) - ticks[3] - ticks[4]) * CLOCK_TICK}


def series_costs(database: str) -> dict[str, float]:
    """Server CPU, database CPU and counter lock hold per series insert from one client, in ms
    (``bench/hotspots.py series``, in-process)."""
    done = subprocess.run([sys.executable, str(BENCH / "hotspots.py"), "--database", database, "--json", "series"],
                          env=django_env(database), capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise SystemExit(f"hotspots.py series failed ({database}):\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_series(port: int, server: int, state: dict[str, Any], args: argparse.Namespace,
                database: str) -> dict[str, Any]:
    """Series-named inserts with three child rows (frappe_api v1) at each ``--series-concurrency``, then the
    stored names checked: distinct, and exactly SO-00001..SO-<n> with the counter at n (gap-free).

    Each round also records how many cores were busy on average: the server's processes, the database's
    (the whole database server, whoever it serves) and the machine's (the load generator and anything else
    running included)."""
    manage(database, "bench_series", "--reset")
    call = series_insert(state["project"])
    status, body = fetch(port, call, state)
    if status != 200 or not str(body.get("data", {}).get("name", "")).startswith("SO-"):
        raise SystemExit(f"series insert answered HTTP {status}: {body!r}")
    target = loadgen.Target(port, call.method, call.path, call.body, cookie(state), state["csrf"])
    loadgen.measure(target, max(args.series_concurrency), args.warmup, use_wrk=args.wrk)
    timings: dict[str, Any] = {}
    for concurrency in args.series_concurrency:
        measured, cores = [], []
        for _ in range(args.rounds):
            before, started = busy_cpu(server, database), time.monotonic()
            measured.append(loadgen.measure(target, concurrency, args.seconds, use_wrk=args.wrk))
            after, elapsed = busy_cpu(server, database), time.monotonic() - started
            cores.append({key: (after[key] - before[key]) / elapsed for key in before})
        timing = {"rps": statistics.median(m.rps for m in measured),
                  "p50_ms": statistics.median(m.p50_ms for m in measured),
                  "p99_ms": statistics.median(m.p99_ms for m in measured),
                  "errors": sum(m.errors for m in measured), "rounds": [m.rps for m in measured],
                  "busy_cores": {key: round(statistics.median(c[key] for c in cores), 2) for key in cores[0]}}
        timings[str(concurrency)] = timing
        log(f"  series c={concurrency}: {timing['rps']:.0f} req/s, p50 {timing['p50_ms']:.1f} ms, "
            f"{timing['errors']} errors; busy cores: server {timing['busy_cores']['server']:.2f}, database "
            f"{timing['busy_cores']['database']:.2f}, machine {timing['busy_cores']['machine']:.2f}")
    check = json.loads(manage(database, "bench_series", "--check").strip().splitlines()[-1])
    log(f"  series names: {check}")
    if not (check["distinct"] and check["gap_free"] and not check["orders_without_their_rows"]):
        raise SystemExit(f"series inserts broke the naming: {check}")
    manage(database, "bench_series", "--reset")
    return {"timings": timings, "check": check}


def bench_database(database: str, args: argparse.Namespace, progress: Progress) -> dict[str, Any]:
    log(f"\n== {database}: migrate and seed {args.rows} rows (seed {args.seed})")
    state_file = WORK / f"state-{database}.json"
    manage(database, "migrate", "--noinput", "-v0")
    log("  " + manage(database, "bench_seed", "--rows", str(args.rows), "--seed", str(args.seed),
                      "--state", str(state_file)).strip())
    state = json.loads(state_file.read_text())
    log(f"== {database}: SQL queries per request (in-process, CaptureQueriesContext)")
    queries = json.loads(manage(database, "bench_queries", "--state", str(state_file),
                                "--sql", str(WORK / f"sql-{database}.json")).strip().splitlines()[-1])
    for key, counts in queries.items():
        log(f"  {key}: " + ", ".join(f"{contender} {count}" for contender, count in counts.items()))
    log(f"== {database}: CPU ms per request (in-process, bench/hotspots.py cpu)")
    cpu = cpu_per_request(database, args)
    for key, counts in cpu.items():
        log(f"  {key}: " + ", ".join(f"{contender} {value:.2f}" for contender, value in counts.items()))
    all_scenarios = selected(scenarios(state["document"], state["project"], state["rows"]), args)
    timings: dict[str, Any] = {}
    series: dict[str, Any] | None = None
    if all_scenarios:
        log(f"== {database}: gunicorn on 127.0.0.1:{PORTS[database]} ({args.workers} workers x {args.threads} "
            "threads)")
        with gunicorn(database, state, args.workers, args.threads) as (port, server):
            for scenario in all_scenarios:
                verify(port, scenario, state)
                timings[scenario.key] = time_scenario(port, server, scenario, state, args, progress, database)
    if args.series_concurrency and database not in SERIES_DATABASES:
        log(f"== {database}: no concurrent series inserts (issue 19 measures them on PostgreSQL and MariaDB)")
    elif args.series_concurrency:
        costs = series_costs(database)
        log(f"== {database}: per series insert (in-process, one client): server CPU {costs['server']:.2f} ms, "
            f"database CPU {costs['database']:.2f} ms, counter lock held {costs['lock_hold']:.2f} ms")
        log(f"== {database}: concurrent series inserts, gunicorn of their own ({args.series_workers} workers x "
            f"{args.series_threads} threads)")
        with gunicorn(database, state, args.series_workers, args.series_threads) as (port, server):
            series = {**time_series(port, server, state, args, database), "costs": costs}
    return {"queries": queries, "cpu": cpu, "timings": timings, "series": series}


def selected(all_scenarios: list[Scenario], args: argparse.Namespace) -> list[Scenario]:
    """The scenarios ``--only`` names (every one without it)."""
    return [scenario for scenario in all_scenarios if not args.only or scenario.key in args.only]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres",
                        help="comma-separated: sqlite, postgres, mariadb (mariadb needs mysqlclient)")
    parser.add_argument("--only", default="",
                        help="comma-separated scenario keys to time (default: every one; 'series': only the series inserts)")
    parser.add_argument("--series-concurrency", default="1,16",
                        help="client counts of the concurrent series inserts (empty: skip them)")
    parser.add_argument("--series-workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers serving the series inserts (a server of their own)")
    parser.add_argument("--series-threads", type=int, default=1,
                        help="threads per worker serving the series inserts (one: no GIL shared by two requests)")
    parser.add_argument("--cpu-requests", type=int, default=50, help="requests per round of the CPU measurement")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=int, default=1, help="length of one timed round (whole seconds)")
    parser.add_argument("--rounds", type=int, default=9,
                        help="timed rounds per request and concurrency (many short rounds: each ratio is the median "
                             "of the rounds' own)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per contender and request")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated connection counts")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--output", type=Path, default=BENCH, help="where results.md and results.png go")
    parser.add_argument("--from-json", type=Path, metavar="RESULTS_JSON",
                        help="only write the report again from a results.json of an earlier run")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 10,000 rows, one 1 s round, results under bench/.work/")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.rounds, args.seconds, args.warmup, args.output = 10_000, 1, 1, 1, WORK
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - set(PORTS)
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    args.concurrency = [int(value) for value in args.concurrency.split(",")]
    args.series_concurrency = [int(value) for value in args.series_concurrency.split(",") if value.strip()]
    args.only = [key.strip() for key in args.only.split(",") if key.strip()]
    known = {"series", *(scenario.key for scenario in scenarios("x", "y", args.rows))}  # series: no other scenario
    if set(args.only) - known:
        parser.error(f"unknown scenario(s): {', '.join(sorted(set(args.only) - known))}")
    if min(args.seconds, args.warmup, args.rounds, *args.concurrency) < 1:
        parser.error("--seconds, --warmup, --rounds and every concurrency must be at least 1")
    if deep_start(args.rows) < DEEP_START:
        log(f"note: {args.rows:,} rows: the deep page starts at limit_start={deep_start(args.rows):,}, "
            f"not {DEEP_START:,}")
    args.wrk = loadgen.wrk_available()
    args.command = " ".join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    return args


def write_report(results: dict[str, Any], output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=1))  # every round's figures, to draw again
    markdown = report.markdown(results)
    (output / "results.md").write_text(markdown)
    report.chart(results, output / "results.png")
    log("\n" + markdown)
    log(f"wrote {output / 'results.md'}, {output / 'results.png'} and {output / 'results.json'}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.from_json:
        write_report(json.loads(args.from_json.read_text()), args.output)
        return
    WORK.mkdir(exist_ok=True)
    if not args.wrk:
        log("wrk not found: using the Python keep-alive client (its own CPU use lowers every figure)")
    check_services(args.databases)
    pairs = len(selected(scenarios("x", "y", args.rows), args)) * len(CONTENDERS) * len(args.databases)
    runs = pairs * (1 + len(args.concurrency) * args.rounds)
    estimate = pairs * (args.warmup + len(args.concurrency) * args.rounds * args.seconds) + runs * 0.2
    log(f"{runs} load runs ({args.rounds} rounds of {args.seconds:g} s per concurrency, {args.warmup:g} s warm-ups): "
        f"about {estimate / 60:.0f} min of load, plus seeding")
    progress = Progress(runs, pairs * (args.warmup + len(args.concurrency) * args.rounds * args.seconds))
    started = time.monotonic()
    results = {"settings": {key: value for key, value in vars(args).items() if key != "output"},
               "machine": report.machine(args.databases, args.wrk), "databases": {}}
    results["machine"]["load_before"] = "%.2f %.2f %.2f" % os.getloadavg()
    cpu_before = cpu_ticks()
    if os.getloadavg()[0] > 0.5:
        log(f"note: the machine is busy (load average {results['machine']['load_before']}): figures will be noisier")
    results["settings"]["output"] = str(args.output)
    for database in args.databases:
        results["databases"][database] = bench_database(database, args, progress)
    results["settings"]["minutes"] = round((time.monotonic() - started) / 60, 1)
    results["machine"]["load_after"] = "%.2f %.2f %.2f" % os.getloadavg()
    results["machine"]["stolen"] = stolen_share(cpu_before, cpu_ticks())
    results["machine"]["revision_after"] = report.revision()
    results["scenarios"] = [{"key": s.key, "title": s.title, "kind": s.kind}
                            for s in selected(scenarios("x", "y", args.rows), args)]
    (WORK / "results.json").write_text(json.dumps(results, indent=1))
    write_report(results, args.output)
    log(f"the benchmark took {results['settings']['minutes']} min")


if __name__ == "__main__":
    main()
