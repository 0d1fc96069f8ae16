"""Runs one server process of ``make bench-realtime`` with timers around the realtime path, and writes what
they saw to a JSON file when the process exits. The product code is not changed: the timers wrap it from
outside, and record only ``list_update`` messages to the benchmark's room.

    python bench/realtime_timing.py OUTPUT web ARGS...       manage.py ARGS (runasgi), timing each publish
    python bench/realtime_timing.py OUTPUT realtime ARGS...  uvicorn ARGS, timing each message from Redis,
                                                             its fan-out, and every garbage collection

Clocks: points in time are ``time.time()`` (the wall clock, as the document's ``modified`` stamp and
Node's ``Date.now()``), durations inside one process are ``time.perf_counter()`` (monotonic), and a
collection's CPU time is ``time.process_time()`` (this process's CPU clock: a pause longer than its CPU
time waited for a core).
"""

from __future__ import annotations

import atexit
import gc
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

ROOM = "doctype:ToDo"
EVENT = "list_update"


class Recorder:
    """What one process saw: ``records`` per message (by document name) and its garbage collections."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.records: dict[str, dict[str, float]] = {}
        # (generation, started at, pause in s, this process's CPU time in the pause in s)
        self.collections: list[tuple[int, float, float, float]] = []
        self._gc_started = (0.0, 0.0)
        atexit.register(self.write)

    def record(self, message: Any, **points: float) -> None:
        """Keep ``points`` for the document ``message`` names."""
        if isinstance(message, dict) and "name" in message:
            self.records.setdefault(str(message["name"]), {}).update(points)

    def watch_collections(self) -> None:
        """Time every garbage collection of this process."""
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.process_time())
        else:
            started, cpu = self._gc_started
            self.collections.append((info["generation"], time.time(), time.perf_counter() - started,
                                     time.process_time() - cpu))

    def write(self) -> None:
        """The JSON file read by bench/realtime.py."""
        self.output.write_text(json.dumps({"records": self.records, "collections": self.collections}))


def time_publish(recorder: Recorder) -> None:
    """Wrap ``frappe_api.realtime.publish.send``, which the commit hook calls to publish through Redis."""
    from frappe_api.realtime import publish

    send = publish.send

    def timed_send(event: str, message: Any, room: str | None) -> None:
        started, clock = time.time(), time.perf_counter()
        send(event, message, room)
        if event == EVENT and room == ROOM:
            recorder.record(message, published=started, publish_s=time.perf_counter() - clock)

    publish.send = timed_send


def time_fan_out(recorder: Recorder) -> None:
    """Wrap python-socketio's handler of a message from Redis, which queues the packet to each socket."""
    from socketio.async_pubsub_manager import AsyncPubSubManager

    handle_emit = AsyncPubSubManager._handle_emit

    async def timed_handle_emit(self: Any, message: dict[str, Any]) -> None:
        received, clock = time.time(), time.perf_counter()
        await handle_emit(self, message)
        if message.get("event") == EVENT and message.get("room") == ROOM:
            data = message.get("data")
            recorder.record(data[0] if isinstance(data, list) and data else data, received=received,
                            fan_out_s=time.perf_counter() - clock)

    AsyncPubSubManager._handle_emit = timed_handle_emit


def main() -> None:
    output, role, *args = sys.argv[1:]
    recorder = Recorder(Path(output))
    # uvicorn shuts down on SIGTERM, then raises it again: end with the file written.
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
    if role == "web":
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        time_publish(recorder)
        execute_from_command_line(["manage.py", *args])
    else:
        import uvicorn

        time_fan_out(recorder)
        recorder.watch_collections()
        sys.argv = ["uvicorn", *args]
        uvicorn.main()


if __name__ == "__main__":
    main()
