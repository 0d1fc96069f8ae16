"""The ``WWW-Authenticate`` header every 401 carries (RFC 7235): one challenge per scheme the API accepts.

Each authentication class in ``AUTHENTICATION_CLASSES`` names its own scheme
through DRF's ``authenticate_header(request)``; classes without a scheme
(cookie sessions) name none. Frappe's clients ignore the header.
"""

from __future__ import annotations

from typing import Any

from ..conf import api_settings


def www_authenticate(request: Any) -> str:
    """The challenges for ``request``, e.g. ``Token, Basic realm="frappe", Bearer`` ("" when no class names
    a scheme)."""
    challenges = [auth().authenticate_header(request) for auth in api_settings.AUTHENTICATION_CLASSES]
    return ", ".join(challenge for challenge in challenges if challenge)


def from_browser_script(request: Any) -> bool:
    """Whether a browser sent ``request`` without HTTP Basic credentials (it sends ``Sec-Fetch-Mode``, or a
    script marks it ``X-Requested-With``): a ``Basic`` challenge would make the browser open its own password
    dialog over the page."""
    meta = request.META
    if meta.get("HTTP_AUTHORIZATION", "").strip().lower().startswith("basic"):
        return False
    return "HTTP_SEC_FETCH_MODE" in meta or meta.get("HTTP_X_REQUESTED_WITH", "").lower() == "xmlhttprequest"
