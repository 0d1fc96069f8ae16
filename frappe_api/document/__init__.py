"""The document service: the only place that loads, inserts, saves, deletes, submits, cancels and renames.

Every write runs in one transaction, checks the caller's permission, ignores
the standard fields a client sends (``name`` unless the naming rule allows
it, ``owner``, ``creation``, ``modified``, ``modified_by``, ``docstatus``
except as a transition, ``idx``), runs the model's validation and Frappe's
controller hooks, and answers Frappe's errors for whatever goes wrong.
"""

from typing import Any

from ..gate import readable_meta
from ..meta import DocTypeMeta
from ..permissions import check_permission
from .comments import add_comment
from .lifecycle import cancel_doc, delete_doc, insert_doc, submit_doc, update_doc
from .loading import load_for_update, load_many_for_update, writable
from .methods import run_doc_method
from .rename import rename_doc
from .serialize import expand_links, read_values, serialize_rows


def get_doc(meta: DocTypeMeta, name: Any, user: Any, *, include_nulls: bool = False,
            expand: bool = False) -> dict[str, Any]:
    """Read one document (child rows inline) through the read gate: ``read`` on the DocType, then on the
    document (403 when it exists outside the user's rows, 404 when missing); ``expand`` replaces Links by
    the linked documents the user may read."""
    check_permission(meta, "read", user)
    document = read_values(readable_meta(meta, user), name, include_nulls=include_nulls, user=user)
    if expand:
        expand_links(meta, document, user)
    return document


__all__ = ["add_comment", "cancel_doc", "delete_doc", "get_doc", "insert_doc", "load_for_update",
           "load_many_for_update", "read_values", "rename_doc", "run_doc_method", "serialize_rows", "submit_doc",
           "update_doc", "writable"]
