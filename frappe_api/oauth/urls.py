"""Frappe's OAuth paths: ``method_patterns`` go under ``/api/`` (and ``/api/v1/``, ``/api/v2/``) before the
``/api/method/<cmd>`` catch-all; ``well_known_patterns`` at the site's root. ``urlpatterns`` holds both, as
``frappe_api.urls`` includes them (by module path, so nothing here is imported without the app)."""

from __future__ import annotations

import re

from django.urls import include, path, re_path
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

urlpatterns = [
    path("api/v1/", include((method_patterns, "v1-oauth"))),
    path("api/v2/", include((method_patterns, "v2-oauth"))),
    path("api/", include((method_patterns, "oauth"))),
    *well_known_patterns,
]
