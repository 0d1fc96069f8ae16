"""Built-in methods every Frappe client calls: ``ping``, ``frappe.auth.get_logged_user``, ``generate_keys``."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ..auth.keys import generate_keys as make_keys
from ..exceptions import DoesNotExistError, PermissionError
from ..permissions import SYSTEM_MANAGER, is_superuser, user_name, user_roles
from .context import current_user, request_argument
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
    """A new API key pair for the ``user`` argument; superusers and System Managers only. The secret is
    shown once. (``user`` is a reserved argument name, so it is read from the request explicitly.)"""
    user = request_argument("user")
    caller = current_user()
    if not (is_superuser(caller) or SYSTEM_MANAGER in user_roles(caller)):
        raise PermissionError("Not permitted")
    target = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: user}).first()
    if target is None:
        raise DoesNotExistError(f"User {user} not found", doctype="User")
    api_key, api_secret = make_keys(target)
    return {"api_key": api_key, "api_secret": api_secret}


register_method("frappe.handler.ping", ping)
