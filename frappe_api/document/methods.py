"""Document methods over HTTP: ``run_method`` (v1), ``/method/{name}`` and ``run_doc_method`` (v2, RPC).

A method is callable when the model whitelists it with ``@frappe_api.whitelist``;
``submit`` and ``cancel`` are built in for submittable DocTypes (refused on GET).
Running a method needs ``read`` on the document (as Frappe's ``run_doc_method``),
and ``write`` too for any verb but GET; a GET's writes are rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..exceptions import DoesNotExistError, PermissionError
from ..meta import DocTypeMeta
from ..rpc.whitelist import call_with_arguments, whitelisted
from ..transactions import READ_METHODS
from .answer import written_doc
from .lifecycle import cancel_doc, submit_doc
from .loading import writable

BUILT_IN = {"submit": submit_doc, "cancel": cancel_doc}


def run_doc_method(meta: DocTypeMeta, name: Any, method: str, arguments: dict[str, Any], user: Any,
                   http_method: str, *, modified: Any = None) -> Any:
    """Call ``method`` on the document and answer its return value (the document for submit/cancel).

    ``document.writable`` decides first: the rights on the DocType before the name is looked up, the row
    locked and loaded once, the rights on it, and only then ``modified`` (when sent) against the stored one,
    so a caller who may not read the document is answered the same whatever ``modified`` it sends."""
    http_method = http_method.upper()
    if method in BUILT_IN and meta.options.is_submittable:
        if http_method in READ_METHODS:
            raise PermissionError("Not permitted")
        with writable(meta, name, user, ("read",)) as instance:
            sent = modified if modified not in (None, "") else arguments.get("modified")
            BUILT_IN[method](meta, name, user, sent, instance=instance)
        return written_doc(meta, name, user)
    rights = ("read",) if http_method in READ_METHODS else ("write", "read")
    with writable(meta, name, user, rights, modified=modified) as instance:
        target = getattr(instance, method, None) if not method.startswith("_") else None
        if target is None or not callable(target):
            raise DoesNotExistError(f"Method {method} not found on {meta.doctype}")
        entry = whitelisted(target)
        if entry is None:
            raise PermissionError(f"Function {method} is not whitelisted.", title="Method Not Allowed")
        if http_method not in entry.methods:
            raise PermissionError("Not permitted")
        result = call_with_arguments(target, arguments)
        if http_method in READ_METHODS:
            transaction.set_rollback(True)  # nothing a GET wrote is kept (Frappe rolls every GET back)
        return result
