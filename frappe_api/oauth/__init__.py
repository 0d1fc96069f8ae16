"""OAuth 2 and OpenID Connect at Frappe's URLs, supplied by django-oauth-toolkit.

An optional app. Enable it as README's "OAuth 2 and OpenID Connect" section shows: add ``"oauth2_provider"``
and ``"frappe_api.oauth"`` to ``INSTALLED_APPS``, start ``OAUTH2_PROVIDER`` from
``frappe_api.oauth.settings.PROVIDER_SETTINGS`` and add its ``CLIENT_SECRET_HASHER`` to
``PASSWORD_HASHERS`` (see that module).

``frappe_api.urls`` then serves ``/api/method/frappe.integrations.oauth2.*``
and ``/.well-known/openid-configuration``. django-oauth-toolkit does the
protocol (grants, PKCE, token storage, rotation); this package maps it to
Frappe's paths and shapes, its scopes and its claims.
"""
