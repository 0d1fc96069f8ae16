"""System checks: django-oauth-toolkit must run with the settings Frappe's endpoints need."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register(checks.Tags.security)
def check_provider_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from oauth2_provider.settings import oauth2_settings

    from .scopes import FrappeScopes
    from .validator import FrappeOAuth2Validator

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
