"""django-frappe-api: the Frappe Framework's HTTP API for Django models.

Register a model as a DocType::

    import frappe_api

    @frappe_api.register(doctype="ToDo")
    class ToDo(frappe_api.models.Document): ...

and mount ``path("", include("frappe_api.urls"))``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0.dev0"

__all__ = ["publish_progress", "publish_realtime", "rate_limit", "register", "unregister", "whitelist"]

# The public names and the modules that define them. They are looked up on first use (PEP 562): this package is
# imported before Django's apps are ready (``frappe_api.apps``), and those modules load models.
_PUBLIC = {
    "register": "frappe_api.registry",  # expose a model as a DocType
    "unregister": "frappe_api.registry",  # forget a DocType registered in code
    "whitelist": "frappe_api.rpc.whitelist",  # mark a function or model method callable over HTTP
    "rate_limit": "frappe_api.ratelimit",  # limit calls to a whitelisted function
    "publish_realtime": "frappe_api.realtime.publish",  # send a realtime event to a room
    "publish_progress": "frappe_api.realtime.publish",  # send a ``progress`` event
}


def __getattr__(name: str) -> Any:
    """``frappe_api.register`` and the other public names: the defining module's own object."""
    try:
        module = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'frappe_api' has no attribute {name!r}") from None
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
