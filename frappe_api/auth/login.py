"""Password login as Frappe answers it, with a lockout after repeated failures (per user and per IP)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import authenticate, get_user_model
from django.core.cache import caches

from ..conf import api_settings
from ..runtime import setting
from ..exceptions import AuthenticationError, TooManyRequestsError
from ..ratelimit import client_ip

MAX_PASSWORD_LENGTH = 512


def _failure(message: str) -> AuthenticationError:
    error = AuthenticationError(message)
    error.extra["message"] = message  # Frappe puts the login failure at the top level too
    return error


def _keys(username: str, request: Any) -> list[str]:
    prefix = f"{api_settings.CACHE_PREFIX}:login"
    return [f"{prefix}:user:{username.strip().lower()}", f"{prefix}:ip:{client_ip(request)}"]


def check_lockout(username: str, request: Any) -> None:
    """429 while the user or the IP is locked, even with the right password."""
    if not setting("LOGIN_ATTEMPTS"):
        return
    cache = caches[api_settings.CACHE_ALIAS]
    now = time.time()
    for key in _keys(username, request):
        until = cache.get(f"{key}:until")
        if until and until > now:
            raise TooManyRequestsError(
                f"Your account has been locked and will resume after {max(1, round(until - now))} seconds")


def record_failure(username: str, request: Any) -> None:
    """Count a failed login; at the limit, lock for ``LOGIN_LOCKOUT_SECONDS``."""
    if not setting("LOGIN_ATTEMPTS"):
        return
    cache = caches[api_settings.CACHE_ALIAS]
    window = setting("LOGIN_LOCKOUT_SECONDS")
    for key in _keys(username, request):
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=window)
            count = 1
        if count >= setting("LOGIN_ATTEMPTS"):
            cache.set(f"{key}:until", time.time() + window, timeout=window)


def reset_failures(username: str, request: Any) -> None:
    """A successful login clears the user's count."""
    caches[api_settings.CACHE_ALIAS].delete_many([_keys(username, request)[0], f"{_keys(username, request)[0]}:until"])


def authenticate_login(request: Any, usr: Any, pwd: Any) -> Any:
    """The user for ``usr`` (username or email) and ``pwd``, or Frappe's 401/429."""
    if not isinstance(usr, str) or not isinstance(pwd, str) or not usr.strip() or not pwd:
        raise _failure("Incomplete login details")
    if len(pwd) > MAX_PASSWORD_LENGTH:
        raise _failure("Password size exceeded the maximum allowed size")
    username = usr.strip()
    model = get_user_model()
    if "@" in username:
        match = model._default_manager.filter(email__iexact=username).order_by("pk").first()
        if match is not None:
            username = match.get_username()
    check_lockout(username, request)  # counted per account, whichever spelling named it
    user = authenticate(request, username=username, password=pwd)
    if user is None:
        disabled = model._default_manager.filter(**{model.USERNAME_FIELD: username}, is_active=False).first()
        if disabled is not None and disabled.check_password(pwd):
            raise _failure("User disabled or missing")
        record_failure(username, request)
        raise _failure("Invalid login credentials")
    reset_failures(username, request)
    return user
