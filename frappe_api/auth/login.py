"""Password login as Frappe answers it, with a lockout after repeated failures (per user and per IP).

The counts live in the shared cache; while it is unreachable each process keeps counting on its own.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import authenticate, get_user_model

from ..conf import api_settings
from ..exceptions import AuthenticationError, TooManyRequestsError
from ..ratelimit import clear_failures, client_ip, count_failure, locked_for

MAX_PASSWORD_LENGTH = 512


def _failure(message: str) -> AuthenticationError:
    error = AuthenticationError(message)
    error.extra["message"] = message  # Frappe puts the login failure at the top level too
    return error


def _keys(username: str, request: Any) -> list[str]:
    prefix = f"{api_settings.CACHE_PREFIX}:login"
    account = hashlib.sha256(username.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()
    return [f"{prefix}:user:{account}", f"{prefix}:ip:{client_ip(request)}"]


def check_lockout(username: str, request: Any) -> None:
    """429 while the user or the IP is locked, even with the right password."""
    if not api_settings.LOGIN_ATTEMPTS:
        return
    remaining = locked_for(_keys(username, request))
    if remaining:
        raise TooManyRequestsError(f"Your account has been locked and will resume after {remaining} seconds")


def record_failure(username: str, request: Any) -> None:
    """Count a failed login; at the limit, lock for ``LOGIN_LOCKOUT_SECONDS``."""
    if not api_settings.LOGIN_ATTEMPTS:
        return
    count_failure(_keys(username, request), api_settings.LOGIN_ATTEMPTS, api_settings.LOGIN_LOCKOUT_SECONDS)


def reset_failures(username: str, request: Any) -> None:
    """A successful login clears the user's count (not the IP's)."""
    clear_failures(_keys(username, request)[0])


def login_username(usr: str) -> str:
    """The stored username of the account ``usr`` names (by username as the database compares it, else by
    email), or ``usr`` itself when none matches; counting failures on it stops spelling variants (case, or
    accents under MariaDB's collation) from getting fresh attempts."""
    if "\x00" in usr:  # no account can match; PostgreSQL would refuse the query
        return usr
    model = get_user_model()
    manager = model._default_manager
    match = manager.filter(**{model.USERNAME_FIELD: usr}).order_by("pk").first()
    if match is None and "@" in usr:
        match = manager.filter(email__iexact=usr).order_by("pk").first()
    return match.get_username() if match is not None else usr


def _disabled_with_password(username: str, pwd: str) -> bool:
    model = get_user_model()
    disabled = model._default_manager.filter(**{model.USERNAME_FIELD: username}, is_active=False).first()
    return disabled is not None and disabled.check_password(pwd)


def authenticate_login(request: Any, usr: Any, pwd: Any) -> Any:
    """The user for ``usr`` (username or email) and ``pwd``, or Frappe's 401/429.

    Failures are counted per account (whichever spelling named it) and per IP.
    """
    if not isinstance(usr, str) or not isinstance(pwd, str) or not usr.strip() or not pwd:
        raise _failure("Incomplete login details")
    if len(pwd) > MAX_PASSWORD_LENGTH:
        raise _failure("Password size exceeded the maximum allowed size")
    username = login_username(usr.strip())
    check_lockout(username, request)
    user = authenticate(request, username=username, password=pwd) if "\x00" not in username else None
    if user is None:
        if "\x00" not in username and _disabled_with_password(username, pwd):
            raise _failure("User disabled or missing")
        record_failure(username, request)
        raise _failure("Invalid login credentials")
    reset_failures(username, request)
    return user
