"""``@frappe_api.whitelist``: mark a function or model method as callable over HTTP."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_METHODS = ("GET", "POST", "PUT", "DELETE")
"""Frappe's default verbs for a whitelisted method (PATCH is not among them)."""

FRAMEWORK_ARGUMENTS = frozenset({"request", "user", "ignore_permissions", "flags", "self", "cls"})
"""Names a request can never pass to a whitelisted function."""


@dataclass(frozen=True, slots=True)
class Whitelisted:
    """How a whitelisted callable may be called."""

    allow_guest: bool
    methods: tuple[str, ...]


def whitelist(func: F | None = None, *, allow_guest: bool = False,
              methods: Iterable[str] = DEFAULT_METHODS) -> F | Callable[[F], F]:
    """Mark ``func`` callable over HTTP (``@whitelist`` or ``@whitelist(allow_guest=True, methods=["POST"])``)."""

    def mark(target: F) -> F:
        target._frappe_whitelisted = Whitelisted(allow_guest, tuple(m.upper() for m in methods))  # type: ignore[attr-defined]
        return target

    return mark(func) if func is not None else mark


def whitelisted(target: Any) -> Whitelisted | None:
    """The whitelist entry of ``target``, or None when it was never whitelisted."""
    entry = getattr(target, "_frappe_whitelisted", None)
    return entry if isinstance(entry, Whitelisted) else None


def call_with_arguments(target: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    """Call ``target`` with the arguments it declares; the rest are dropped, as Frappe drops them."""
    signature = inspect.signature(target)
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    kwargs = {key: value for key, value in arguments.items()
              if key not in FRAMEWORK_ARGUMENTS and (accepts_any or key in signature.parameters)}
    return target(**kwargs)
