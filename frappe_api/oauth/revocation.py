"""Revoking what was issued: every token of a user who is disabled or changes password, and every token issued
from an authorization code that is presented again.

A user's tokens are revoked when a save of the user (through the User DocType,
Django's admin or any ``save()``) leaves ``is_active`` False or sets a new
password (``set_password``), as Frappe ends a user's sessions then. A bulk
``QuerySet.update()`` sends no signal: the validator still refuses every token
and grant of an inactive user, so nothing issued to one is usable meanwhile.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
    revoke_access_token,
)

from .models import UsedAuthorizationCode

# How long an exchanged code is remembered: a replay after that is refused (the code is gone) but revokes nothing.
USED_CODE_MEMORY = timedelta(days=1)


def token_checksum(token: str) -> str:
    """The SHA-256 django-oauth-toolkit looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def revoke_user_tokens(user: Any) -> None:
    """Revoke every refresh and access token, id_token and pending authorization code of ``user``."""
    refresh_tokens = get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
    with transaction.atomic():
        for family in set(refresh_tokens.exclude(token_family=None).values_list("token_family", flat=True)):
            get_refresh_token_model().revoke_family(family)
        for refresh in refresh_tokens:
            refresh.revoke()
        get_access_token_model().objects.filter(user=user).delete()
        get_id_token_model().objects.filter(user=user).delete()
        get_grant_model().objects.filter(user=user).delete()


def revoke_issued(access_token_checksum: str, token_family: uuid.UUID | None) -> None:
    """Revoke an access token (with its refresh token) and the refresh token family it started."""
    if access_token_checksum:
        for access in get_access_token_model().objects.filter(token_checksum=access_token_checksum):
            revoke_access_token(access)
    get_refresh_token_model().revoke_family(token_family)


def _issued(token: dict[str, Any]) -> tuple[str, uuid.UUID | None]:
    """(access token checksum, refresh token family) of a token response; ("", None) for what it lacks."""
    access, refresh = token.get("access_token"), token.get("refresh_token")
    family = get_refresh_token_model().objects.filter(token_checksum=token_checksum(refresh)).values_list(
        "token_family", flat=True).first() if refresh else None
    return (token_checksum(access) if access else ""), family


def revoke_token_response(token: dict[str, Any]) -> None:
    """Revoke the tokens of a token response (``{"access_token": ..., "refresh_token": ...}``)."""
    revoke_issued(*_issued(token))


def remember_used_code(code: str, token: dict[str, Any]) -> None:
    """Record that ``code`` was exchanged for ``token`` (forgetting codes older than ``USED_CODE_MEMORY``)."""
    UsedAuthorizationCode.objects.filter(used__lt=timezone.now() - USED_CODE_MEMORY).delete()
    access, family = _issued(token)
    UsedAuthorizationCode.objects.create(code_checksum=token_checksum(code), access_token_checksum=access,
                                         token_family=family)


def revoke_used_code(code: str) -> bool:
    """If ``code`` was already exchanged, revoke every token issued from it; whether it was."""
    used = UsedAuthorizationCode.objects.filter(code_checksum=token_checksum(code)).first()
    if used is None:
        return False
    revoke_issued(used.access_token_checksum, used.token_family)
    return True


def revoke_on_disable_or_new_password(sender: type, instance: Any, created: bool = False, raw: bool = False,
                                      **kwargs: Any) -> None:
    """``post_save`` of a user model (``connect_revoking_receiver``): revoke the user's tokens when the user is
    disabled or was given a new password."""
    if created or raw:
        return
    new_password = getattr(instance, "_password", None) is not None  # set_password() before this save
    if new_password or not getattr(instance, "is_active", True):
        revoke_user_tokens(instance)


def connect_revoking_receiver() -> None:
    """Connect ``revoke_on_disable_or_new_password`` to ``post_save`` of the user model and of every installed model
    derived from it (proxies such as the User DocType's send their own class), and of nothing else: a save of any
    other model does not call it."""
    user_model = get_user_model()
    for model in apps.get_models():
        if issubclass(model, user_model):
            post_save.connect(revoke_on_disable_or_new_password, sender=model, weak=False,
                              dispatch_uid=f"frappe_api.oauth.revoke_on_disable_or_new_password:{model._meta.label}")
