"""Document methods over HTTP: ``run_method`` (v1) and ``/method/{name}`` (v2).

A method is callable when the model whitelists it with ``@frappe_api.whitelist``;
``submit`` and ``cancel`` are built in for submittable DocTypes (refused on GET).
GET needs ``read``, other verbs ``write``; a GET's writes are rolled back.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import DoesNotExistError, PermissionError
from ..meta import DocTypeMeta
from ..permissions import check_document, check_permission
from ..rpc.whitelist import call_with_arguments, whitelisted
from ..transactions import READ_METHODS, request_transaction
from .answer import written_doc
from .lifecycle import cancel_doc, check_if_latest, load_for_update, submit_doc

BUILT_IN = {"submit": submit_doc, "cancel": cancel_doc}


def run_doc_method(meta: DocTypeMeta, name: Any, method: str, arguments: dict[str, Any], user: Any,
                   http_method: str, *, modified: Any = None) -> Any:
    """Call ``method`` on the document and answer its return value (the document for submit/cancel).

    The DocType-level right is checked before the document is looked up; then the document is loaded once,
    row-locked, checked for the user's right and, when ``modified`` is sent, for being the latest."""
    http_method = http_method.upper()
    if method in BUILT_IN and meta.options.is_submittable:
        if http_method in READ_METHODS:
            raise PermissionError("Not permitted")
        BUILT_IN[method](meta, name, user, modified if modified not in (None, "") else arguments.get("modified"))
        return written_doc(meta, name, user)
    ptype = "read" if http_method in READ_METHODS else "write"
    check_permission(meta, ptype, user)
    with request_transaction(http_method):
        instance = load_for_update(meta, name)
        check_document(meta, ptype, user, instance, name)
        check_if_latest(meta, instance, modified)
        target = getattr(instance, method, None) if not method.startswith("_") else None
        if target is None or not callable(target):
            raise DoesNotExistError(f"Method {method} not found on {meta.doctype}")
        entry = whitelisted(target)
        if entry is None:
            raise PermissionError(f"Function {method} is not whitelisted.", title="Method Not Allowed")
        if http_method not in entry.methods:
            raise PermissionError("Not permitted")
        return call_with_arguments(target, arguments)
