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

__all__ = ["rate_limit", "register", "unregister", "whitelist"]


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
