"""``manage.py runasgi``: uvicorn configured as the command configures it, answering on a real socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from django.core.management import call_command

from .realtime_support import free_socket

WEBSOCKET_UPGRADE = (
    b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\n"
    b"Upgrade: websocket\r\n"
    b"Connection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    b"\r\n"
)


@pytest.fixture
def runasgi_port(monkeypatch) -> Iterator[int]:
    """``runasgi`` serving the demo in a thread on a free port, stopped after the test."""
    servers: list[uvicorn.Server] = []
    server_init = uvicorn.Server.__init__

    def keep(self: uvicorn.Server, config: uvicorn.Config) -> None:
        server_init(self, config)
        servers.append(self)

    monkeypatch.setattr(uvicorn.Server, "__init__", keep)
    with free_socket() as probe:
        port = probe.getsockname()[1]
    thread = threading.Thread(target=call_command, args=("runasgi", f"127.0.0.1:{port}", "--log-level", "warning"),
                              daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not (servers and servers[0].started):
        assert time.monotonic() < deadline and thread.is_alive(), "runasgi did not start"
        time.sleep(0.02)
    yield port
    servers[0].should_exit = True
    thread.join(10)


def test_runasgi_websocket_declines_per_message_deflate(runasgi_port):
    with socket.create_connection(("127.0.0.1", runasgi_port), timeout=5) as conn:
        conn.sendall(WEBSOCKET_UPGRADE)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            assert chunk, head
            head += chunk
    status, *headers = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert status == "HTTP/1.1 101 Switching Protocols"
    assert "upgrade: websocket" in [header.lower() for header in headers]
    assert not [header for header in headers if header.lower().startswith("sec-websocket-extensions")]
