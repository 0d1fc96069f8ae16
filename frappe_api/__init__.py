"""django-frappe-api: the Frappe Framework's HTTP API for Django models.

Register a model as a DocType::

    import frappe_api

    @frappe_api.register(doctype="ToDo")
    class ToDo(frappe_api.models.Document): ...

and mount ``path("", include("frappe_api.urls"))``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0.dev0"

__all__ = ["publish_progress", "publish_realtime", "rate_limit", "register", "unregister", "whitelist"]


def register(*args: Any, **kwargs: Any) -> Any:
    """Expose a model as a DocType (see ``frappe_api.registry.register``)."""
    from .registry import register as _register

    return _register(*args, **kwargs)


def unregister(doctype: str) -> None:
    """Forget a DocType registered in code (see ``frappe_api.registry.unregister``)."""
    from .registry import unregister as _unregister

    _unregister(doctype)


def whitelist(*args: Any, **kwargs: Any) -> Any:
    """Mark a function or model method callable over HTTP (see ``frappe_api.rpc.whitelist.whitelist``)."""
    from .rpc.whitelist import whitelist as _whitelist

    return _whitelist(*args, **kwargs)


def rate_limit(*args: Any, **kwargs: Any) -> Any:
    """Limit calls to a whitelisted function (see ``frappe_api.ratelimit.rate_limit``)."""
    from .ratelimit import rate_limit as _rate_limit

    return _rate_limit(*args, **kwargs)


def publish_realtime(*args: Any, **kwargs: Any) -> None:
    """Send a realtime event to a room (see ``frappe_api.realtime.publish.publish_realtime``)."""
    from .realtime.publish import publish_realtime as _publish_realtime

    _publish_realtime(*args, **kwargs)


def publish_progress(*args: Any, **kwargs: Any) -> None:
    """Send a ``progress`` event (see ``frappe_api.realtime.publish.publish_progress``)."""
    from .realtime.publish import publish_progress as _publish_progress

    _publish_progress(*args, **kwargs)
