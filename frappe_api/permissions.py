"""Who may do what to which DocType.

Frappe's model, built up over the issues: for now superusers (Frappe's
``Administrator``) may do everything, and every other user, Guest included,
is refused: a DocType without permission rows is reachable by superusers only
(deny by default).
"""

from __future__ import annotations

from typing import Any

from .conf import api_settings
from .exceptions import PermissionError
from .meta import DocTypeMeta

RIGHTS = ("select", "read", "write", "create", "delete", "submit", "cancel", "amend")


def user_name(user: Any) -> str:
    """The Frappe user name of a Django user: ``Guest`` when anonymous, else the username."""
    if user is None or not getattr(user, "is_authenticated", False):
        return api_settings.GUEST_USER
    return user.get_username()


def is_superuser(user: Any) -> bool:
    """Frappe's Administrator: an active Django superuser."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def has_permission(meta: DocTypeMeta, ptype: str, user: Any) -> bool:
    """True when ``user`` holds right ``ptype`` on ``meta``'s DocType."""
    return is_superuser(user)


def check_permission(meta: DocTypeMeta, ptype: str, user: Any) -> None:
    """Raise Frappe's 403 "No permission for {doctype}" unless ``user`` holds ``ptype``."""
    if not has_permission(meta, ptype, user):
        message = f"No permission for {meta.doctype}"
        raise PermissionError(message, error_message=message)
