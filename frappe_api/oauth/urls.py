"""Frappe's OAuth paths: ``method_patterns`` go under ``/api/`` (and ``/api/v1/``, ``/api/v2/``) before the
``/api/method/<cmd>`` catch-all; ``well_known_patterns`` at the site's root."""

from __future__ import annotations

import re

from django.urls import path, re_path
from oauth2_provider import views as oauth_views

from . import views

METHODS = {
    "frappe.integrations.oauth2.authorize": views.AuthorizeView,
    "frappe.integrations.oauth2.approve": views.AuthorizeView,
    "frappe.integrations.oauth2.get_token": views.TokenView,
    "frappe.integrations.oauth2.revoke_token": views.RevokeView,
    "frappe.integrations.oauth2.introspect_token": views.IntrospectView,
    "frappe.integrations.oauth2.openid_profile": views.UserInfoView,
    "frappe.integrations.oauth2.openid_configuration": views.DiscoveryView,
}

method_patterns = [re_path(rf"^method/{re.escape(name)}/?$", view.as_view(), name=name)
                   for name, view in METHODS.items()]

well_known_patterns = [
    path(".well-known/openid-configuration", views.DiscoveryView.as_view(), name="oauth-discovery"),
    path(".well-known/jwks.json", oauth_views.JwksInfoView.as_view(), name="oauth-jwks"),
]
