"""The django-oauth-toolkit settings frappe_api's OAuth endpoints rely on.

Importable from a settings module (nothing here touches models at import): ``OAUTH2_PROVIDER`` starts from
``PROVIDER_SETTINGS`` (``{**PROVIDER_SETTINGS, "ACCESS_TOKEN_EXPIRE_SECONDS": 7200}`` to change one), and
``CLIENT_SECRET_HASHER`` goes in ``PASSWORD_HASHERS``, never first (after Django's
``global_settings.PASSWORD_HASHERS``); README's OAuth section has the whole settings block.
"""

from __future__ import annotations


def pkce_required(client_id: str) -> bool:
    """PKCE is required of public clients (they have no secret); confidential clients may use it."""
    from oauth2_provider.models import get_application_model

    client_type = get_application_model().objects.filter(client_id=client_id).values_list(
        "client_type", flat=True).first()
    return client_type != "confidential"


# The fast keyed hasher for generated client secrets; list it in PASSWORD_HASHERS, after the password hashers.
CLIENT_SECRET_HASHER = "frappe_api.oauth.hashers.KeyedClientSecretHasher"

PROVIDER_SETTINGS = {
    # id_tokens, the userinfo endpoint and nonces (Frappe always runs OpenID Connect).
    "OIDC_ENABLED": True,
    # Frappe's claims (sub, name, email, roles...), its issuer, HS256 id_tokens keyed by the client secret.
    "OAUTH2_VALIDATOR_CLASS": "frappe_api.oauth.validator.FrappeOAuth2Validator",
    # Scopes per application (admin inline), from FRAPPE_API["OAUTH_SCOPES"].
    "SCOPES_BACKEND_CLASS": "frappe_api.oauth.scopes.FrappeScopes",
    "PKCE_REQUIRED": pkce_required,
    # Frappe's token lifetime (expires_in 3600); an id_token lives as long as its access token.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    # Every refresh answers a new refresh token; presenting a used one revokes the whole family.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Generated client secrets are stored as an HMAC keyed with SECRET_KEY, not a slow password hash: a wrong
    # client_secret costs microseconds, not a PBKDF2 run. Existing password-hashed secrets still verify (and are
    # rehashed on their next success).
    "CLIENT_SECRET_HASHER": "frappe_hmac_sha256",
    # Access and refresh tokens and codes are stored as hashes only (RFC 9700), like the client secrets.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # Frappe documents PKCE's "plain" method beside S256: keep it when django-oauth-toolkit 4 refuses it by default.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": False,
}
