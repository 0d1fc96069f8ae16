"""Check a whitelisted function's arguments against its type hints (Frappe's ``FrappeTypeError``, 417)."""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

import orjson

from ..exceptions import FrappeTypeError

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _convert(name: str, value: Any, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if hint is Any or hint is inspect.Parameter.empty:
        return value
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(name, value, option)
            except FrappeTypeError:
                continue
        raise FrappeTypeError(f"Argument '{name}' should be of type {hint} but got {type(value).__name__!r}")
    target = origin or hint
    if not isinstance(target, type):
        return value
    if isinstance(value, target) and not (target is int and isinstance(value, bool)):
        return value
    try:
        if target is bool and isinstance(value, (str, int)):
            text = str(value).strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
        elif target in (int, float) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return target(value)
        elif target in (list, dict, tuple) and isinstance(value, (str, bytes)):
            decoded = orjson.loads(value)
            if isinstance(decoded, list if target is tuple else target):
                return target(decoded) if target is tuple else decoded
        elif target is str and isinstance(value, (int, float)):
            return str(value)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        pass
    raise FrappeTypeError(f"Argument '{name}' should be of type {target.__name__} but got {type(value).__name__!r}")


def _hints(target: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(target)
    except Exception:  # noqa: BLE001 - unresolvable annotations: no checks
        return {}


@functools.lru_cache(maxsize=1024)
def _function_contract(function: Callable[..., Any], bound: bool) -> tuple[inspect.Signature, dict[str, Any]]:
    """A function's signature (less ``self``/``cls`` when ``bound``) and type hints, kept per function."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    if bound and parameters and parameters[0].kind in (parameters[0].POSITIONAL_ONLY,
                                                       parameters[0].POSITIONAL_OR_KEYWORD):
        signature = signature.replace(parameters=parameters[1:])
    return signature, _hints(function)


def contract(target: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any]]:
    """``target``'s signature and type hints, worked out once per function (also for its bound methods)."""
    function = getattr(target, "__func__", target)
    if isinstance(function, types.FunctionType):
        return _function_contract(function, inspect.ismethod(target))
    return inspect.signature(target), _hints(target)


def check_arguments(target: Callable[..., Any], signature: inspect.Signature, hints: dict[str, Any],
                    kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` converted to the annotated types; a value that cannot be is a 417 naming the argument."""
    checked = {}
    for key, value in kwargs.items():
        hint = hints.get(key, inspect.Parameter.empty)
        checked[key] = _convert(key, value, hint) if value is not None or hint is not inspect.Parameter.empty else value
    missing = [name for name, parameter in signature.parameters.items()
               if parameter.default is inspect.Parameter.empty and name not in checked
               and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)]
    if missing:
        raise FrappeTypeError(f"{getattr(target, '__name__', 'method')}() missing required argument: '{missing[0]}'")
    return checked
