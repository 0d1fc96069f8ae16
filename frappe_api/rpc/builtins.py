"""Built-in methods every Frappe client calls: ``ping``, ``frappe.auth.get_logged_user``, ``generate_keys``."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ..auth.keys import generate_keys as make_keys
from ..exceptions import DoesNotExistError, PermissionError
from ..permissions import (
    SYSTEM_MANAGER,
    check_document,
    check_permission,
    is_superuser,
    may_change_user,
    user_name,
    user_roles,
)
from ..registry import registry
from .context import current_user, request_argument, set_response_header
from .whitelist import register_method, whitelist


@whitelist(allow_guest=True, name="ping")
def ping() -> str:
    """``pong``, for anyone."""
    return "pong"


@whitelist(name="frappe.auth.get_logged_user")
def get_logged_user() -> str:
    """The caller's user name (Guest is refused by the whitelist)."""
    return user_name(current_user())


@whitelist(methods=["POST"], name="frappe.core.doctype.user.user.generate_keys")
def generate_keys() -> dict[str, str]:
    """A new API key pair for the ``user`` argument, shown once and never cached (``Cache-Control: no-store``).

    The caller must be a System Manager with ``write`` on that user's document (when the user model is a
    DocType), and only a superuser may generate keys for a superuser. (``user`` is a reserved argument name,
    so it is read from the request explicitly.)"""
    user = request_argument("user")
    caller = current_user()
    if not (is_superuser(caller) or SYSTEM_MANAGER in user_roles(caller)):
        raise PermissionError("Not permitted")
    model = get_user_model()
    meta = registry.for_model(model)
    if meta is not None:
        check_permission(meta, "write", caller)
    target = model._default_manager.filter(**{model.USERNAME_FIELD: user}).first() if isinstance(user, str) \
        else None
    if target is None:
        raise DoesNotExistError(f"User {user} not found", doctype="User")
    if meta is not None:
        check_document(meta, "write", caller, target, user)
    elif not may_change_user(caller, target):
        raise PermissionError("Not permitted")
    api_key, api_secret = make_keys(target)
    set_response_header("Cache-Control", "no-store")
    return {"api_key": api_key, "api_secret": api_secret}


register_method("frappe.handler.ping", ping)
