"""HTTP load for one request at a fixed concurrency for a fixed time: wrk, or a small keep-alive client.

Both answer a ``Measurement``: requests per second, p50 and p99 latency, and
how many requests failed (connection errors, or an HTTP status other than
2xx/3xx). Only loopback addresses are accepted.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
MAX_REQUESTS_PER_CONNECTION = 1_000_000


@dataclass(frozen=True)
class Target:
    """What to send: one request with the run's session cookie and CSRF token."""

    port: int
    method: str
    path: str
    body: bytes | None
    cookie: str
    csrf: str

    def headers(self) -> dict[str, str]:
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf}
        if self.body:
            headers["Content-Type"] = "application/json"
        return headers


@dataclass(frozen=True)
class Measurement:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def measure(target: Target, concurrency: int, seconds: int, *, use_wrk: bool) -> Measurement:
    """Load ``target`` with ``concurrency`` connections for ``seconds``."""
    return (_wrk if use_wrk else _python)(target, concurrency, seconds)


def _wrk(target: Target, concurrency: int, seconds: int) -> Measurement:
    env = {**os.environ, "BENCH_METHOD": target.method, "BENCH_BODY": (target.body or b"").decode(),
           "BENCH_COOKIE": target.cookie, "BENCH_CSRF": target.csrf}
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA_SCRIPT),
               f"http://127.0.0.1:{target.port}{target.path}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 30, check=True)
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    return Measurement(rps=result["requests"] / (result["duration_us"] / 1e6), p50_ms=result["p50_us"] / 1000,
                       p99_ms=result["p99_us"] / 1000, requests=result["requests"],
                       errors=result["errors"] + result["status_errors"])


def _python(target: Target, concurrency: int, seconds: int) -> Measurement:
    """The fallback: one thread per connection, HTTP/1.1 keep-alive, reconnecting when the server closes."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start_gate = threading.Event()
    deadline_box: list[float] = []

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=10)
        start_gate.wait()
        deadline = deadline_box[0]
        for _ in range(MAX_REQUESTS_PER_CONNECTION):
            sent = time.perf_counter()
            if sent >= deadline:
                break
            try:
                connection.request(target.method, target.path, body=target.body, headers=target.headers())
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[index] += 1
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                continue
            latencies[index].append(time.perf_counter() - sent)
        connection.close()

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline_box.append(started + seconds)
    start_gate.set()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - started
    samples = sorted(latency for per_thread in latencies for latency in per_thread)
    if not samples:
        return Measurement(0.0, 0.0, 0.0, 0, sum(errors))
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 99
    return Measurement(rps=len(samples) / elapsed, p50_ms=cuts[49] * 1000, p99_ms=cuts[98] * 1000,
                       requests=len(samples), errors=sum(errors))
