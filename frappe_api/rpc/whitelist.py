"""``@frappe_api.whitelist``: mark a function or model method as callable over HTTP.

Decorating a module-level function also records it under its dotted path
(``myapp.api.get_stats``) in the method registry, so ``/api/method/`` finds
it with a dictionary lookup: a request never causes an import.
"""

from __future__ import annotations

import inspect
from importlib import import_module
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.module_loading import import_string

from ..conf import api_settings
from .arguments import check_arguments, contract

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_METHODS = ("GET", "POST", "PUT", "DELETE")
"""Frappe's default verbs for a whitelisted method (PATCH is not among them)."""

FRAMEWORK_ARGUMENTS = frozenset({"request", "user", "ignore_permissions", "flags", "self", "cls", "cmd"})
"""Names a request can never pass to a whitelisted function."""

_methods: dict[str, Callable[..., Any]] = {}
_modules: set[str] = set()
"""Every dotted prefix of a registered name (``frappe.client`` for ``frappe.client.get``)."""


def _record(name: str, target: Callable[..., Any]) -> None:
    _methods[name] = target
    parts = name.split(".")
    _modules.update(".".join(parts[:end]) for end in range(1, len(parts)))


@dataclass(frozen=True, slots=True)
class Whitelisted:
    """How a whitelisted callable may be called."""

    allow_guest: bool
    methods: tuple[str, ...]
    read_only: bool = False


def whitelist(func: F | None = None, *, allow_guest: bool = False, methods: Iterable[str] = DEFAULT_METHODS,
              name: str | None = None, read_only: bool = False) -> F | Callable[[F], F]:
    """Mark ``func`` callable over HTTP (``@whitelist`` or ``@whitelist(allow_guest=True, methods=["POST"])``).

    ``name`` registers it under another dotted name too (for example a Frappe
    method name a front end already calls). ``read_only`` promises the method
    never writes: a GET then calls it without a transaction to roll back.
    """

    def mark(target: F) -> F:
        target._frappe_whitelisted = Whitelisted(  # type: ignore[attr-defined]
            allow_guest, tuple(m.upper() for m in methods), read_only)
        qualname = getattr(target, "__qualname__", "")
        if "." not in qualname and "<" not in qualname:  # a module-level function, not a method
            _record(f"{target.__module__}.{qualname}", target)
        if name:
            _record(name, target)
        return target

    return mark(func) if func is not None else mark


def register_method(name: str, target: Callable[..., Any]) -> None:
    """Expose an already whitelisted callable under ``name`` as well."""
    if whitelisted(target) is None:
        raise ValueError(f"{target!r} is not whitelisted")
    _record(name, target)


def load_method_settings() -> None:
    """Import ``METHOD_MODULES`` and register ``METHOD_ALIASES`` (run at start, from trusted settings only)."""
    for module in api_settings.METHOD_MODULES:
        import_module(module)
    for alias, path in api_settings.METHOD_ALIASES.items():
        target = import_string(path)
        register_method(alias, target if whitelisted(target) else whitelist(target))


def registered_method(name: str) -> Callable[..., Any] | None:
    """The whitelisted callable registered under ``name``, if any (no import happens)."""
    return _methods.get(name)


def registered_methods() -> dict[str, Callable[..., Any]]:
    """Every registered method by name (a copy), e.g. to describe them (``frappe_api.openapi``)."""
    return dict(_methods)


def registered_module(name: str) -> bool:
    """Whether some registered method lives under the dotted prefix ``name``."""
    return name in _modules


def whitelisted(target: Any) -> Whitelisted | None:
    """The whitelist entry of ``target``, or None when it was never whitelisted."""
    entry = getattr(target, "_frappe_whitelisted", None)
    return entry if isinstance(entry, Whitelisted) else None


def call_with_arguments(target: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    """Call ``target`` with the arguments it declares (type-checked); the rest are dropped, as Frappe drops them."""
    signature, hints = contract(target)
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    kwargs = {key: value for key, value in arguments.items()
              if key not in FRAMEWORK_ARGUMENTS and (accepts_any or key in signature.parameters)}
    return target(**check_arguments(target, signature, hints, kwargs))
