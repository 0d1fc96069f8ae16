"""``frappe.realtime.*``: the methods Frappe's own Node realtime server calls back, for anyone who runs it
against this API (this package's server checks in-process and does not need them)."""

from __future__ import annotations

from typing import Any

from ..exceptions import PermissionError
from ..permissions import user_name
from ..rpc.context import current_user
from ..rpc.whitelist import whitelist
from .access import doctype_subscription, may_read_document, user_type


@whitelist(allow_guest=True, methods=["GET", "POST"], name="frappe.realtime.get_user_info")
def get_user_info() -> dict[str, Any]:
    """``{user, user_type, installed_apps}`` of the caller (Guest included)."""
    user = current_user()
    return {"user": user_name(user), "user_type": user_type(user), "installed_apps": ["frappe"]}


def _refuse(doctype: Any, name: Any = None) -> PermissionError:
    message = f"No permission for {doctype}" + (f" {name}" if name is not None else "")
    return PermissionError(message, error_message=message)


@whitelist(allow_guest=True, methods=["GET", "POST"], name="frappe.realtime.has_permission")
def has_permission(doctype: str, name: str) -> bool:
    """True when the caller may read the document; 403 otherwise."""
    if not may_read_document(current_user(), doctype, name):
        raise _refuse(doctype, name)
    return True


@whitelist(allow_guest=True, methods=["GET", "POST"], name="frappe.realtime.can_subscribe_doc")
def can_subscribe_doc(doctype: str, docname: str) -> bool:
    """True when the caller may read the document; 403 otherwise."""
    return has_permission(doctype, docname)


@whitelist(allow_guest=True, methods=["GET", "POST"], name="frappe.realtime.can_subscribe_doctype")
def can_subscribe_doctype(doctype: str) -> bool:
    """True when the caller may follow the DocType's list (read, on every document or on their own); 403
    otherwise."""
    if doctype_subscription(current_user(), doctype) is None:
        raise _refuse(doctype)
    return True
