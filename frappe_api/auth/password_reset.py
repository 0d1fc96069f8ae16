"""Password reset on Django's machinery, answering as Frappe's User methods do.

The key in the mailed ``/update-password?key=...`` link is the user's id and a
``PasswordResetTokenGenerator`` token: it dies when the password changes (so it
works once), when the user logs in again, and after ``PASSWORD_RESET_TIMEOUT``.
New passwords go through ``AUTH_PASSWORD_VALIDATORS``; setting one ends the
user's other sessions (Django's session hash) and revokes their OAuth tokens
(``frappe_api.oauth.revocation``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from ..exceptions import ValidationError
from .login import MAX_PASSWORD_LENGTH, login_username
from .session import start_session

UPDATE_PASSWORD_PATH = "/update-password"
INVALID_KEY = "The reset password link has either been used before or is invalid"
EXPIRED_KEY = "The reset password link has been expired"
SUBJECT_TEMPLATE = "frappe_api/password_reset_subject.txt"
EMAIL_TEMPLATE = "frappe_api/password_reset_email.txt"
# Django's tokens count seconds from this moment (naive local time), see PasswordResetTokenGenerator.
_TOKEN_EPOCH = datetime(2001, 1, 1)


def find_account(identifier: Any) -> Any:
    """The user (active or not) a reset request names: by username, else by email; None when none matches."""
    if not isinstance(identifier, str) or not identifier.strip() or "\x00" in identifier:
        return None
    model = get_user_model()
    username = login_username(identifier.strip())
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def make_reset_key(user: Any) -> str:
    """A one-time key for ``user``'s reset link: ``<uid>.<token>`` (both URL-safe)."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{default_token_generator.make_token(user)}"


def _token_is_old(token: str) -> bool:
    # The token's own timestamp (not secret): past the timeout, a key that fails is called expired.
    try:
        issued = base36_to_int(token.split("-", 1)[0])
    except ValueError:
        return False
    return (datetime.now() - _TOKEN_EPOCH).total_seconds() - issued > settings.PASSWORD_RESET_TIMEOUT


def user_for_key(key: Any) -> tuple[Any, str]:
    """The active user ``key`` may set a new password for, or None and Frappe's message (used or invalid,
    expired)."""
    if not isinstance(key, str) or key.count(".") != 1:
        return None, INVALID_KEY
    uid, token = key.split(".")
    model = get_user_model()
    try:
        user = model._default_manager.filter(pk=force_str(urlsafe_base64_decode(uid))).first()
    except (ValueError, TypeError, OverflowError, DjangoValidationError):
        user = None
    if user is not None and user.is_active and default_token_generator.check_token(user, token):
        return user, ""
    return None, EXPIRED_KEY if _token_is_old(token) else INVALID_KEY  # the same answer whoever ``uid`` names


def send_reset_mail(request: HttpRequest, user: Any) -> None:
    """Mail ``user`` the reset link (Django's ``PasswordResetForm.send_mail`` through ``EMAIL_BACKEND``); a user
    without an email address gets nothing. The link's host is the request's (checked against ``ALLOWED_HOSTS``)."""
    email = getattr(user, get_user_model().get_email_field_name(), "") or ""
    if not email:
        return
    key = make_reset_key(user)
    context = {"user": user, "username": user.get_username(), "domain": request.get_host(),
               "site_name": request.get_host(), "protocol": "https" if request.is_secure() else "http",
               "link": request.build_absolute_uri(f"{UPDATE_PASSWORD_PATH}?key={key}"),
               "expiry_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
    PasswordResetForm().send_mail(SUBJECT_TEMPLATE, EMAIL_TEMPLATE, context, None, email)


def check_new_password(password: Any, user: Any) -> str:
    """``password`` when it passes Django's ``AUTH_PASSWORD_VALIDATORS`` for ``user``; else 417 "Invalid
    Password" listing what is wrong."""
    if not isinstance(password, str) or not password:
        raise ValidationError("Please enter the new password", title="Invalid Password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("Password size exceeded the maximum allowed size.", title="Invalid Password")
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationError(" ".join(error.messages), title="Invalid Password") from None
    return password


def set_new_password(request: HttpRequest, user: Any, password: str) -> None:
    """Give ``user`` the checked ``password`` and log them in on this request alone: their other sessions end
    and their OAuth tokens are revoked."""
    with transaction.atomic():
        user.set_password(password)
        user.save()
    start_session(request, user)
