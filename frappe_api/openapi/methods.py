"""``/api/method/{dotted.name}`` for every whitelisted method the caller may call: parameters and types from the
signature and type hints, summary and description from the docstring, one operation per allowed HTTP verb."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from ..rpc.files import download_file
from ..rpc.arguments import contract
from ..rpc.whitelist import FRAMEWORK_ARGUMENTS, registered_methods, whitelisted
from .paths import errors, json_response, operation
from .security import security_requirements

FILE_ANSWERS: tuple[Callable[..., Any], ...] = (download_file,)
"""Methods answering a file rather than JSON."""

_SCALARS: dict[type, dict[str, Any]] = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
                                        bool: {"type": "boolean"}, list: {"type": "array"}, tuple: {"type": "array"},
                                        dict: {"type": "object"}}


def hint_schema(hint: Any) -> dict[str, Any]:
    """JSON Schema for a type hint (``{}``, any value, for what it cannot say)."""
    if hint is Any or hint is inspect.Parameter.empty:
        return {}
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        schemas = [hint_schema(option) for option in options]
        if any(schema == {} for schema in schemas):
            return {}
        nullable = len(options) < len(typing.get_args(hint))
        if all(set(schema) == {"type"} for schema in schemas):
            kinds = [schema["type"] for schema in schemas] + (["null"] if nullable else [])
            return {"type": kinds[0] if len(kinds) == 1 else kinds}
        return {"anyOf": schemas + ([{"type": "null"}] if nullable else [])}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(hint))}
    target = origin or hint
    schema = dict(_SCALARS.get(target, {})) if isinstance(target, type) else {}
    arguments = typing.get_args(hint)
    if target in (list, tuple) and arguments and arguments[-1] is not Ellipsis:
        schema["items"] = hint_schema(arguments[0])
    return schema


def _is_structured(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return bool({"array", "object"} & set(kinds))


def arguments(target: Callable[..., Any]) -> tuple[dict[str, dict[str, Any]], list[str], bool]:
    """The arguments a request may pass: their schemas, the required ones, and whether any other is taken."""
    signature, hints = contract(target)
    schemas: dict[str, dict[str, Any]] = {}
    required: list[str] = []
    takes_more = False
    for name, parameter in signature.parameters.items():
        if parameter.kind is parameter.VAR_KEYWORD:
            takes_more = True
            continue
        if name in FRAMEWORK_ARGUMENTS or parameter.kind in (parameter.VAR_POSITIONAL, parameter.POSITIONAL_ONLY):
            continue
        schema = hint_schema(hints.get(name, inspect.Parameter.empty))
        if parameter.default is parameter.empty:
            required.append(name)
        elif parameter.default is None or isinstance(parameter.default, (str, int, float, bool)):
            schema["default"] = parameter.default
        schemas[name] = schema
    return schemas, required, takes_more


def _query_parameters(schemas: dict[str, dict[str, Any]], required: list[str]) -> list[dict[str, Any]]:
    parameters = []
    for name, schema in schemas.items():
        parameter: dict[str, Any] = {"name": name, "in": "query"}
        if _is_structured(schema):  # sent as JSON text in the query string
            parameter["content"] = {"application/json": {"schema": schema}}
        else:
            parameter["schema"] = schema
        if name in required:
            parameter["required"] = True
        parameters.append(parameter)
    return parameters


def _body(schemas: dict[str, dict[str, Any]], required: list[str], takes_more: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": schemas}
    if required:
        schema["required"] = required
    if takes_more:
        schema["additionalProperties"] = True
    form = {"type": "object", "properties": {name: {} if _is_structured(value) else value
                                             for name, value in schemas.items()}}
    return {"required": bool(required), "content": {"application/json": {"schema": schema},
                                                    "application/x-www-form-urlencoded": {"schema": form}}}


RESULT = {"$ref": "#/components/schemas/MethodAnswer"}
OTHER_STATUS = {"description": "A status the method set itself (e.g. update_password's 410 for a used link), with "
                               "its answer", "content": {"application/json": {"schema": RESULT}}}


def method_operations(name: str, target: Callable[..., Any], allow_guest: bool, verbs: tuple[str, ...]
                      ) -> dict[str, Any]:
    """The operations of ``/api/method/{name}``, one per verb."""
    doc = (inspect.getdoc(target) or "").replace("``", "`")  # reStructuredText literals as Markdown
    summary = doc.split("\n\n")[0].replace("\n", " ").strip() or name
    schemas, required, takes_more = arguments(target)
    success = json_response("The method's answer", RESULT)
    if target in FILE_ANSWERS:
        success = {"description": "The file", "content": {"*/*": {"schema": {}}, "application/json": {
            "schema": RESULT}}}
    operations: dict[str, Any] = {}
    for verb in verbs:
        if verb not in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            continue
        in_query = verb in ("GET", "DELETE")
        op = operation("Methods", f"method_{verb.lower()}_{name.replace('.', '_')}", summary[:120],
                       {"200": success, **errors("Method"), "default": OTHER_STATUS}, description=doc or None,
                       parameters=_query_parameters(schemas, required) if in_query else None,
                       body=None if in_query else _body(schemas, required, takes_more))
        if allow_guest:
            op["security"] = [{}, *security_requirements()]
        operations[verb.lower()] = op
    return operations


def method_paths(authenticated: bool) -> dict[str, dict[str, Any]]:
    """``/api/method/...`` for every whitelisted method (only those open to Guest unless ``authenticated``)."""
    paths: dict[str, dict[str, Any]] = {}
    for name, target in sorted(registered_methods().items()):
        entry = whitelisted(target)
        if entry is None or not (authenticated or entry.allow_guest):
            continue
        paths[f"/api/method/{name}"] = method_operations(name, target, entry.allow_guest, entry.methods)
    return paths
