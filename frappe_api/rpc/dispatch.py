"""Find and call a whitelisted method for ``/api/method/<dotted.path>`` and the legacy ``cmd`` parameter.

Only callables recorded by ``@frappe_api.whitelist`` (or mapped by the
``METHOD_ALIASES`` setting at start) can be reached: the name a client sends
is a key in a dictionary, never an import path.
"""

from __future__ import annotations

import sys
from typing import Any

from ..exceptions import PermissionError, ValidationError
from ..transactions import READ_METHODS, request_transaction
from .context import reset_request, set_request
from .whitelist import call_with_arguments, registered_method, registered_module, whitelisted



def resolve(cmd: str) -> Any:
    """The whitelisted callable for ``cmd``; 417 when none is known, 403 when it exists but is not whitelisted."""
    target = registered_method(cmd)
    if target is not None:
        return target
    module_name, _, attribute = cmd.rpartition(".")
    module = sys.modules.get(module_name) if module_name else None  # already loaded only: never import
    if module is not None and callable(getattr(module, attribute, None)):
        raise PermissionError(f"You are not permitted to access this resource. Function {cmd} is not whitelisted.",
                              title="Method Not Allowed")
    if module_name and registered_module(module_name):  # the module is known: only the method is missing
        raise ValidationError(f"Failed to get method for command {cmd}")
    raise ValidationError(f"Failed to get method for command {cmd} with No module named {module_name or cmd!r}")


def execute(cmd: str, arguments: dict[str, Any], request: Any) -> Any:
    """Call ``cmd`` for ``request``: guest and verb checks, argument checks, one transaction.

    Writes made during a GET are rolled back; other verbs commit once, after
    the method returns. A ``read_only`` method's GET runs without a transaction.
    """
    target = resolve(cmd)
    entry = whitelisted(target)
    if entry is None:
        raise PermissionError(f"Function {cmd} is not whitelisted.", title="Method Not Allowed")
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) and not entry.allow_guest:
        raise PermissionError(f"You are not permitted to access this resource. Login to access {cmd}.",
                              title="Method Not Allowed")
    if request.method not in entry.methods and not (request.method == "HEAD" and "GET" in entry.methods):
        raise PermissionError("Not permitted")
    request.frappe_arguments = arguments
    token = set_request(request)
    try:
        if entry.read_only and request.method in READ_METHODS:
            return call_with_arguments(target, arguments)
        with request_transaction(request.method):
            result = call_with_arguments(target, arguments)
    finally:
        reset_request(token)
    return result
