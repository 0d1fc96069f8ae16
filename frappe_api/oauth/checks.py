"""System checks: django-oauth-toolkit must run with the settings Frappe's endpoints need."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .hashers import KeyedClientSecretHasher
from .scopes import FrappeScopes
from .settings import CLIENT_SECRET_HASHER
from .validator import FrappeOAuth2Validator


@checks.register(checks.Tags.security)
def check_provider_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from oauth2_provider.settings import oauth2_settings

    hint = ('Start OAUTH2_PROVIDER from frappe_api.oauth.settings.PROVIDER_SETTINGS: '
            'OAUTH2_PROVIDER = {**PROVIDER_SETTINGS, ...}')
    problems = []
    if not oauth2_settings.OIDC_ENABLED:
        problems.append("OIDC_ENABLED is off: no id_token, userinfo or nonce")
    if not issubclass(oauth2_settings.OAUTH2_VALIDATOR_CLASS, FrappeOAuth2Validator):
        problems.append("OAUTH2_VALIDATOR_CLASS does not extend frappe_api.oauth.validator.FrappeOAuth2Validator")
    if not issubclass(oauth2_settings.SCOPES_BACKEND_CLASS, FrappeScopes):
        problems.append("SCOPES_BACKEND_CLASS does not extend frappe_api.oauth.scopes.FrappeScopes")
    return [checks.Error(f"OAUTH2_PROVIDER: {problem}.", hint=hint, id="frappe_api_oauth.E001")
            for problem in problems]


@checks.register(checks.Tags.security)
def check_client_secret_hasher(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The keyed client-secret hasher must be listed in PASSWORD_HASHERS, and never first (user passwords
    would then get its fast hash)."""
    from oauth2_provider.settings import oauth2_settings

    if oauth2_settings.CLIENT_SECRET_HASHER != KeyedClientSecretHasher.algorithm:
        return []
    hashers = list(settings.PASSWORD_HASHERS)
    if CLIENT_SECRET_HASHER not in hashers:
        problem = "is not in PASSWORD_HASHERS: no client secret can be stored or verified"
    elif hashers[0] == CLIENT_SECRET_HASHER:
        problem = "is first in PASSWORD_HASHERS: user passwords would get its fast hash"
    else:
        return []
    return [checks.Error(f"{CLIENT_SECRET_HASHER} {problem}.",
                         hint="PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, CLIENT_SECRET_HASHER]",
                         id="frappe_api_oauth.E002")]
