"""``{% frappe_csrf_token %}``: sets ``window.csrf_token`` for frappe-js-sdk and frappe-react-sdk."""

from __future__ import annotations

import json

from django import template
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from ..auth.csrf import session_csrf_token

register = template.Library()


@register.simple_tag(takes_context=True)
def frappe_csrf_token(context: template.Context) -> SafeString:
    """A script tag defining ``window.csrf_token`` (sent back as ``X-Frappe-CSRF-Token``): the session's token
    for a logged-in user, else Django's CSRF token."""
    request = context["request"]
    token = session_csrf_token(request) or get_token(request)
    return mark_safe(f"<script>window.csrf_token = {json.dumps(token)};</script>")  # noqa: S308 - JSON-encoded
