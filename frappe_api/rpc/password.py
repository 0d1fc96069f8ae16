"""Frappe's password reset methods: ``frappe.core.doctype.user.user.reset_password`` and ``update_password``.

Both answer as Frappe does, with these differences for safety: the mail-sent
message names no one (Frappe's names the account's full name), every Django
superuser is Frappe's Administrator ("not allowed"), the requests a client may
make are limited per account as well as per IP, and both obey the
cross-origin rule of ``frappe_api.auth.csrf`` (``update_password`` logs the
browser in).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..auth.csrf import check_cross_origin
from ..auth.login import authenticate_login
from ..auth.password_reset import check_new_password, find_account, send_reset_mail, set_new_password, \
    user_for_key
from ..conf import api_settings
from ..exceptions import AuthenticationError, ValidationError
from ..ratelimit import check_limit, rate_limit
from .context import current_request, msgprint, request_argument, set_login, set_response_status
from .whitelist import whitelist

RESET_WINDOW = 3600


def password_reset_limit() -> int:
    """Reset mails one IP (and one account) may ask for per hour (Frappe's ``password_reset_limit``)."""
    return api_settings.PASSWORD_RESET_LIMIT


@whitelist(allow_guest=True, methods=["POST"], name="frappe.core.doctype.user.user.reset_password")
@rate_limit(limit=password_reset_limit, seconds=RESET_WINDOW)
def reset_password() -> str | None:
    """Mail the ``user`` argument's account (username or email) a link to ``/update-password``: 404 "not
    found", "not allowed" for a superuser, "disabled" for an inactive user, else a message and no result.
    (``user`` is a reserved argument name, so it is read from the request explicitly.)"""
    request = current_request()
    check_cross_origin(request._request)
    identifier = request_argument("user")
    account = find_account(identifier)
    named = str(account.pk) if account is not None else str(identifier).strip().lower()
    check_limit("password_reset.account", [hashlib.sha256(named.encode("utf-8", "surrogatepass")).hexdigest()],
                password_reset_limit(), RESET_WINDOW)
    if account is None:
        set_response_status(404)
        return "not found"
    if account.is_superuser:
        return "not allowed"
    if not account.is_active:
        return "disabled"
    send_reset_mail(request._request, account)
    msgprint("Password reset instructions have been sent to your email", title="Password Email Sent")
    return None


@whitelist(allow_guest=True, methods=["POST"], name="frappe.core.doctype.user.user.update_password")
def update_password(new_password: str, key: str | None = None, old_password: str | None = None,
                    logout_all_sessions: Any = 0) -> str:
    """Set a new password for the user a reset ``key`` names (410 with Frappe's message when it is used,
    invalid or expired), or for the caller proving ``old_password``; then log that user in here, ending their
    other sessions. Answers the home page. (Other sessions always end: ``logout_all_sessions`` is accepted.)"""
    request = current_request()
    check_cross_origin(request._request)
    if key:
        user, problem = user_for_key(key)
        if user is None:
            set_response_status(410)
            return problem
    elif old_password:
        caller = getattr(request, "user", None)
        if not getattr(caller, "is_authenticated", False):
            raise AuthenticationError("Invalid login credentials")
        user = authenticate_login(request._request, caller.get_username(), old_password)
    else:
        raise ValidationError("Either the reset key or the old password is required")
    set_new_password(request._request, user, check_new_password(new_password, user))
    set_login(user)
    return api_settings.HOME_PAGE
