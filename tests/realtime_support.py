"""A real realtime server (uvicorn, in a thread of the test process, so it shares the test database) and a
python-socketio client that records what it receives."""

from __future__ import annotations

import asyncio
import queue
import socket
import threading
import time
from typing import Any

import socketio
import uvicorn
from asgiref.sync import sync_to_async
from django.db import connections

from frappe_api.realtime.publish import namespace

PORTS = range(9100, 9200)


def free_socket() -> socket.socket:
    """A listening socket on a free port of this helper's range (9100-9199)."""
    for port in PORTS:
        try:
            return socket.create_server(("127.0.0.1", port))
        except OSError:
            continue
    raise RuntimeError("no free port in 9100-9199")


class ServerThread:
    """uvicorn serving ``application`` on 127.0.0.1 in a daemon thread."""

    def __init__(self, application: Any) -> None:
        self.socket = free_socket()
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(application, lifespan="on", log_level="warning"))
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self.server.serve(sockets=[self.socket]))
            # The server's ORM calls ran in asgiref's thread: close its connections, so the test database can go.
            loop.run_until_complete(sync_to_async(connections.close_all)())
        finally:
            loop.close()

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the realtime server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


class Listener:
    """A socket.io client in the site's namespace that queues every event it receives."""

    def __init__(self, url: str, *, headers: dict[str, str] | None = None, ns: str | None = None,
                 transports: list[str] | None = None) -> None:
        self.ns = ns or namespace()
        self.events: queue.Queue = queue.Queue()
        self.errors: list[Any] = []
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record, namespace=self.ns)
        self.client.on("connect_error", self.errors.append, namespace=self.ns)
        self.client.connect(url, namespaces=[self.ns], headers=headers or {}, transports=transports,
                            wait_timeout=5)

    def _record(self, event: str, *args: Any) -> None:
        self.events.put((event, args[0] if len(args) == 1 else args))

    def emit(self, event: str, *args: Any) -> None:
        self.client.emit(event, args if len(args) != 1 else args[0], namespace=self.ns)

    def next(self, timeout: float = 5) -> tuple[str, Any]:
        """The next event received: (name, payload)."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no event received") from None

    def sync(self) -> None:
        """Wait until the server has handled everything this client sent so far (a ping answered by pong)."""
        self.emit("ping")
        assert self.next() == ("pong", ())

    def close(self) -> None:
        # Without waiting for a long-poll in flight (up to the 25 s ping interval on a socket still polling).
        self.client.eio.disconnect(abort=True)
