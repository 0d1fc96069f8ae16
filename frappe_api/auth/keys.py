"""API key pairs: generation, storage as a keyed hash, constant-time verification.

Secrets are 15 random characters (about 89 bits), so a fast keyed hash
(HMAC-SHA256 with ``SECRET_KEY``) protects them as well as a slow password
hash would, without costing a PBKDF2 run on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from typing import Any

from django.conf import settings
from django.db import transaction

from ..models import ApiKey

KEY_ALPHABET = string.ascii_lowercase + string.digits
KEY_LENGTH = 15
_DUMMY_HASH = "0" * 64


def hash_secret(secret: str) -> str:
    """The stored form of a secret."""
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def generate_keys(user: Any) -> tuple[str, str]:
    """A new key pair for ``user`` (the old secret stops working at once); the secret is returned only now."""
    api_key = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
    api_secret = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
    with transaction.atomic():
        ApiKey.objects.update_or_create(user=user, defaults={"api_key": api_key,
                                                             "secret_hash": hash_secret(api_secret)})
    return api_key, api_secret


def user_for_keys(api_key: str, api_secret: str) -> Any:
    """The active user holding this key pair, or None. Unknown keys and wrong secrets take the same path."""
    storable = "\x00" not in api_key and len(api_key) <= ApiKey._meta.get_field("api_key").max_length
    row = ApiKey.objects.select_related("user").filter(api_key=api_key).first() if storable else None
    stored = row.secret_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_secret(api_secret), stored)
    if row is None or not matches or not row.user.is_active:
        return None
    return row.user
