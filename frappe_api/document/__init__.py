"""The document service: the only place that loads, inserts, saves, deletes, submits, cancels and renames.

Every write runs in one transaction, checks the caller's permission, ignores
the standard fields a client sends (``name`` unless the naming rule allows
it, ``owner``, ``creation``, ``modified``, ``modified_by``, ``docstatus``
except as a transition, ``idx``), runs the model's validation and Frappe's
controller hooks, and answers Frappe's errors for whatever goes wrong.
"""

from .comments import add_comment
from .lifecycle import cancel_doc, delete_doc, insert_doc, submit_doc, update_doc
from .loading import load_for_update, load_many_for_update, writable
from .methods import run_doc_method
from .rename import rename_doc
from .serialize import get_doc, read_values, serialize_rows

__all__ = ["add_comment", "cancel_doc", "delete_doc", "get_doc", "insert_doc", "load_for_update",
           "load_many_for_update", "read_values", "rename_doc", "run_doc_method", "serialize_rows", "submit_doc",
           "update_doc", "writable"]
