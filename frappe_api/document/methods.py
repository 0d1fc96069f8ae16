"""Document methods over HTTP: ``run_method`` (v1) and ``/method/{name}`` (v2).

A method is callable when the model whitelists it with ``@frappe_api.whitelist``;
``submit`` and ``cancel`` are built in for submittable DocTypes. GET needs
``read``, other verbs ``write``; a GET's writes are rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..exceptions import DoesNotExistError, PermissionError
from ..meta import DocTypeMeta
from ..permissions import check_document, check_permission
from ..rpc.whitelist import call_with_arguments, whitelisted
from .lifecycle import cancel_doc, load_for_update, submit_doc
from .serialize import read_values

BUILT_IN = {"submit": submit_doc, "cancel": cancel_doc}


def run_doc_method(meta: DocTypeMeta, name: Any, method: str, arguments: dict[str, Any], user: Any,
                   http_method: str) -> Any:
    """Call ``method`` on the document and answer its return value (the document for submit/cancel)."""
    http_method = http_method.upper()
    if method in BUILT_IN and meta.options.is_submittable:
        if http_method == "GET":
            raise PermissionError("Not permitted")
        if method == "submit":
            submit_doc(meta, name, user, arguments.get("modified"))
        else:
            cancel_doc(meta, name, user)
        return read_values(meta, name)
    ptype = "read" if http_method == "GET" else "write"
    check_permission(meta, ptype, user)
    with transaction.atomic():
        instance = load_for_update(meta, name)
        check_document(meta, ptype, user, instance, name)
        target = getattr(instance, method, None) if not method.startswith("_") else None
        if target is None or not callable(target):
            raise DoesNotExistError(f"Method {method} not found on {meta.doctype}")
        entry = whitelisted(target)
        if entry is None:
            raise PermissionError(f"Function {method} is not whitelisted.", title="Method Not Allowed")
        if http_method not in entry.methods:
            raise PermissionError("Not permitted")
        result = call_with_arguments(target, arguments)
        if http_method == "GET":
            transaction.set_rollback(True)
        return result
