"""Django-session authentication whose CSRF refusal is Frappe's 400 ``CSRFTokenError``."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication
from rest_framework import exceptions as drf

from ..exceptions import CSRFTokenError


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, answering a failed CSRF check as Frappe does (400 "Invalid Request")."""

    def enforce_csrf(self, request: Any) -> None:
        try:
            super().enforce_csrf(request)
        except drf.PermissionDenied:
            raise CSRFTokenError("Invalid Request") from None
