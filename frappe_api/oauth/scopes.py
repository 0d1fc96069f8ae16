"""The scopes backend (django-oauth-toolkit's ``SCOPES_BACKEND_CLASS``): Frappe's ``all`` and ``openid``, per
application.

An application may be granted the scopes in its ``ApplicationScopes`` row
(``FRAPPE_API["OAUTH_DEFAULT_CLIENT_SCOPES"]`` when it has none), limited to
those ``FRAPPE_API["OAUTH_SCOPES"]`` defines, and ``openid`` only when it
signs id_tokens (its algorithm is HS256 or RS256). A request naming no scope
gets all of them, as in Frappe.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from ..conf import api_settings
from .models import ApplicationScopes


def application_scopes(application: Any) -> list[str]:
    """The scopes ``application`` may be granted: never ``openid`` when it has no id_token algorithm."""
    try:
        granted = application.frappe_scopes.as_list()
    except (ApplicationScopes.DoesNotExist, AttributeError):
        granted = api_settings.OAUTH_DEFAULT_CLIENT_SCOPES.split()
    signs_id_tokens = bool(getattr(application, "algorithm", ""))
    return [scope for scope in granted
            if scope in api_settings.OAUTH_SCOPES and (scope != "openid" or signs_id_tokens)]


class FrappeScopes(BaseScopes):
    """Scopes defined in ``FRAPPE_API["OAUTH_SCOPES"]``, granted per application."""

    def get_all_scopes(self) -> dict[str, str]:
        return dict(api_settings.OAUTH_SCOPES)

    def get_available_scopes(self, application: Any = None, request: Any = None, *args: Any,
                             **kwargs: Any) -> list[str]:
        return application_scopes(application) if application is not None else list(api_settings.OAUTH_SCOPES)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any,
                           **kwargs: Any) -> list[str]:
        return self.get_available_scopes(application, request)
