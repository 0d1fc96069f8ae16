"""A fast keyed hash for generated OAuth client secrets, as a Django password hasher.

django-oauth-toolkit hashes client secrets with Django's password hashers
(its ``CLIENT_SECRET_HASHER``), by default the slow one meant for passwords:
each wrong ``client_secret`` then costs a PBKDF2 run. A generated secret has
far more entropy than a password (128 random characters), so it is stored as
the API secrets are, HMAC-SHA256 keyed with ``SECRET_KEY``
(``frappe_api.auth.keys.hash_secret``). A secret shorter than
``MIN_KEYED_SECRET_LENGTH`` (one typed by hand) keeps the slow default hasher.

List the hasher in ``PASSWORD_HASHERS``, never first (user passwords must keep a
slow hash)::

    from django.conf import global_settings
    PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "frappe_api.oauth.hashers.KeyedClientSecretHasher"]
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, make_password, mask_hash
from django.utils.crypto import constant_time_compare

from ..auth.keys import hash_secret

# Below this many characters a secret may have been chosen by a person: it gets the slow password hasher.
MIN_KEYED_SECRET_LENGTH = 32


class KeyedClientSecretHasher(BasePasswordHasher):
    """``frappe_hmac_sha256$<hex>``: HMAC-SHA256 of the secret keyed with ``SECRET_KEY``; secrets shorter than
    ``MIN_KEYED_SECRET_LENGTH`` are handed to the default (first) password hasher instead."""

    algorithm = "frappe_hmac_sha256"

    def salt(self) -> str:
        return ""

    def accepts(self, secret: str) -> bool:
        """Whether ``secret`` is long enough to be stored with this fast hash."""
        return len(secret) >= MIN_KEYED_SECRET_LENGTH

    def encode(self, password: str, salt: str) -> str:
        if not self.accepts(password):
            return make_password(password)
        return f"{self.algorithm}${hash_secret(password)}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, digest = encoded.split("$", 1)
        return {"algorithm": algorithm, "hash": digest, "salt": ""}

    def verify(self, password: str, encoded: str) -> bool:
        return constant_time_compare(f"{self.algorithm}${hash_secret(password)}", encoded)

    def safe_summary(self, encoded: str) -> dict[str, str]:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "hash": mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return False

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
