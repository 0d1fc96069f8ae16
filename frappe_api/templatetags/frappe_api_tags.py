"""``{% frappe_csrf_token %}`` and ``{% frappe_boot %}``: the ``window`` values Frappe's front ends read."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..boot import boot_values, csrf_token_for

register = template.Library()

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _js(value: Any) -> str:
    """``value`` as a JavaScript literal that cannot end the script element it is written in."""
    return json.dumps(value).translate(_SCRIPT_ESCAPES)


@register.simple_tag(takes_context=True)
def frappe_csrf_token(context: template.Context) -> SafeString:
    """A script tag defining ``window.csrf_token`` (frappe-js-sdk and frappe-react-sdk send it back)."""
    return mark_safe(f"<script>window.csrf_token = {_js(csrf_token_for(context['request']))};</script>")  # noqa: S308


@register.simple_tag(takes_context=True)
def frappe_boot(context: template.Context) -> SafeString:
    """A script tag defining ``window.csrf_token`` and ``window.site_name``, as the pages Frappe serves its
    single-page apps from (frappe-ui reads both; frappe-js-sdk and frappe-react-sdk the token)."""
    boot = boot_values(context["request"], context.get("site_name"))
    script = f"window.csrf_token = {_js(boot['csrf_token'])}; window.site_name = {_js(boot['site_name'])};"
    return mark_safe(f"<script>{script}</script>")  # noqa: S308 - JSON-encoded, <, > and & escaped
