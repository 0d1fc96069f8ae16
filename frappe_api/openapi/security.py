"""The security schemes of the Frappe API: API key (``token key:secret`` and Basic), OAuth 2 Bearer tokens from
the authorization-code flow at Frappe's URLs, and the ``sid`` session cookie with ``X-Frappe-CSRF-Token``."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings

from ..conf import api_settings

AUTHORIZE_URL = "/api/method/frappe.integrations.oauth2.authorize"
TOKEN_URL = "/api/method/frappe.integrations.oauth2.get_token"
CSRF_HEADER = "X-Frappe-CSRF-Token"


def oauth_installed() -> bool:
    """Whether the ``frappe_api.oauth`` app serves Frappe's OAuth 2 endpoints."""
    return apps.is_installed("frappe_api.oauth")


def security_schemes(base_url: str = "") -> dict[str, Any]:
    """The ``securitySchemes`` component (OAuth URLs made absolute with ``base_url``)."""
    schemes: dict[str, Any] = {
        "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                  "description": "`token <api_key>:<api_secret>` (generate a pair in the admin, or with "
                                 "`manage.py frappe_api_keys`, or frappe.core.doctype.user.user.generate_keys)."},
        "basic": {"type": "http", "scheme": "basic",
                  "description": "Basic base64(`<api_key>:<api_secret>`): the API key pair, not a password."},
    }
    if oauth_installed():
        schemes["oauth2"] = {"type": "oauth2", "description": "A Bearer access token from Frappe's OAuth 2 "
                             "endpoints (authorization code, PKCE supported).",
                             "flows": {"authorizationCode": {
                                 "authorizationUrl": base_url + AUTHORIZE_URL, "tokenUrl": base_url + TOKEN_URL,
                                 "refreshUrl": base_url + TOKEN_URL, "scopes": dict(api_settings.OAUTH_SCOPES)}}}
    schemes["sid"] = {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                      "description": "The session cookie set by POST /api/method/login."}
    schemes["csrf"] = {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
                       "description": "The session's CSRF token (`window.csrf_token` on pages this server renders); "
                                      "needed with the session cookie for anything but GET."}
    return schemes


def security_requirements() -> list[dict[str, list[str]]]:
    """Any one of the schemes authenticates a request."""
    requirements: list[dict[str, list[str]]] = [{"token": []}, {"basic": []}]
    if oauth_installed():
        requirements.append({"oauth2": [api_settings.OAUTH_API_SCOPE]})
    requirements.append({"sid": [], "csrf": []})
    return requirements
