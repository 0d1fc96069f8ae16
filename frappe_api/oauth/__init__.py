"""OAuth 2 and OpenID Connect at Frappe's URLs, supplied by django-oauth-toolkit.

An optional app. Enable it with::

    INSTALLED_APPS += ["oauth2_provider", "frappe_api.oauth"]
    from frappe_api.oauth.settings import PROVIDER_SETTINGS
    OAUTH2_PROVIDER = {**PROVIDER_SETTINGS}   # add your own django-oauth-toolkit settings here

``frappe_api.urls`` then serves ``/api/method/frappe.integrations.oauth2.*``
and ``/.well-known/openid-configuration``. django-oauth-toolkit does the
protocol (grants, PKCE, token storage, rotation); this package maps it to
Frappe's paths and shapes, its scopes and its claims.
"""
