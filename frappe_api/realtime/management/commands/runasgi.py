"""``manage.py runasgi [addr:port ...]``: serve an ASGI application (``--app``, by default
``settings.ASGI_APPLICATION``, else the realtime server alone) with uvicorn, on every address given, in one
process (so an in-process realtime server sees every write)."""

from __future__ import annotations

import socket
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from ...publish import namespace
from ...server import realtime_application


def _listen(address: str) -> socket.socket:
    host, _, port = address.rpartition(":")
    try:
        sock = socket.create_server((host or "127.0.0.1", int(port)), reuse_port=False)
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot listen on {address}: {exc}") from None
    sock.set_inheritable(True)
    return sock


class Command(BaseCommand):
    help = "Serve the ASGI application (Django and realtime) with uvicorn on one or more addresses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addresses", nargs="*", default=["127.0.0.1:8000"], help="host:port to listen on")
        parser.add_argument("--app", default=None, help="dotted path of the ASGI application")
        parser.add_argument("--log-level", default="info")

    def handle(self, *args: Any, addresses: list[str], app: str | None, log_level: str, **options: Any) -> None:
        import uvicorn

        path = app or getattr(settings, "ASGI_APPLICATION", None)
        if path:
            application = import_string(path)
        else:
            application = realtime_application()
        sockets = [_listen(address) for address in addresses]
        for address in addresses:
            self.stdout.write(f"Serving http://{address}/ (realtime: http://{address}/socket.io/, "
                              f"namespace {namespace()})")
        self.stdout.write("Quit with CONTROL-C.")
        # No per-message deflate: it cost each WebSocket about 38 KiB (bench/realtime.md) and CPU on every
        # frame, for messages of a few hundred bytes (socket.io-client uses it only when the server offers it).
        config = uvicorn.Config(application, lifespan="on", log_level=log_level, ws_per_message_deflate=False)
        uvicorn.Server(config).run(sockets=sockets)
