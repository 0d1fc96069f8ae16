"""Frappe's OAuth endpoints (``/api/method/frappe.integrations.oauth2.*``): thin views over django-oauth-toolkit.

Bodies are the protocol's own JSON, with no ``message`` wrapper, as in Frappe;
errors are ``{"error": ..., "error_description": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from jwcrypto.common import InvalidJWEKeyLength
from oauth2_provider import views as oauth_views
from oauth2_provider.models import (
    get_access_token_model,
    get_refresh_token_model,
    refresh_token_expire_timedelta,
    revoke_access_token,
)
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views.mixins import OAuthLibMixin

from ..auth.oauth import bearer_token, bearer_user
from ..conf import api_settings
from .claims import issuer, user_claims
from .client_auth import ClientAuthenticationThrottled
from .revocation import token_checksum
from .scopes import FrappeScopes


def oauth_error(error: str, description: str, status: int = 400, headers: dict[str, str] | None = None
                ) -> JsonResponse:
    """RFC 6749's error body: ``{"error": ..., "error_description": ...}``."""
    return JsonResponse({"error": error, "error_description": description}, status=status,
                        headers={"Cache-Control": "no-store", **(headers or {})})


class ProtocolView(View):
    """A wrong verb answers the JSON 405 the rest of the API answers."""

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = oauth_error("invalid_request", f"Method {request.method} is not allowed here", 405)
        response["Allow"] = ", ".join(method.upper() for method in self._allowed_methods())
        return response


@method_decorator([csrf_protect, xframe_options_deny], name="dispatch")
class AuthorizeView(ProtocolView, oauth_views.AuthorizationView):
    """``authorize`` (GET: consent page; POST: Allow/Deny) and Frappe's ``approve``.

    A guest is sent to ``FRAPPE_API["LOGIN_URL"]`` and back; an application
    marked "skip authorization" gets its code without the page. Problems that
    cannot be sent back to the client (unknown client, unregistered
    redirect_uri) answer JSON, never a redirect. The page can never be framed
    and its form needs Django's CSRF token, whatever the host's middleware.
    """

    template_name = "frappe_api/oauth/authorize.html"

    def get_login_url(self) -> str:
        return api_settings.LOGIN_URL

    def get_redirect_field_name(self) -> str:
        return api_settings.LOGIN_REDIRECT_FIELD

    def form_invalid(self, form: Any) -> HttpResponse:
        return oauth_error("invalid_request", "The consent form was incomplete: start again from the authorize URL")

    def error_response(self, error: Any, application: Any, **kwargs: Any) -> HttpResponse:
        redirect, details = OAuthLibMixin.error_response(self, error, **kwargs)
        if redirect:
            return self.redirect(details["url"], application)
        failure = details["error"]
        return oauth_error(failure.error, failure.description or failure.error, failure.status_code)


# RFC 6749 5.2's errors, for the bodies oauthlib leaves without a description.
TOKEN_ERRORS = {
    "invalid_request": "The request is missing a parameter, repeats one or is otherwise malformed",
    "invalid_client": "Client authentication failed",
    "invalid_grant": "The authorization code or refresh token is invalid, expired, revoked, already used, "
                     "or was issued to another client or redirect URI",
    "unauthorized_client": "This client may not use this grant type",
    "unsupported_grant_type": "This grant type is not supported",
    "invalid_scope": "The requested scope is invalid, unknown or more than was granted",
}


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(ProtocolView, oauth_views.TokenView):
    """``get_token``: the authorization_code (with PKCE's code_verifier) and refresh_token grants, in one
    transaction.

    A failed client authentication is 401 only when the client sent an
    ``Authorization`` header (RFC 6749 5.2); every other error is 400.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with transaction.atomic():
                response = super().post(request, *args, **kwargs)
        except InvalidJWEKeyLength:
            return oauth_error("invalid_client", "The client secret is too short to sign an HS256 id_token "
                                                 "(RFC 7518 needs 32 characters at least): issue a new secret")
        if response.status_code < 400:
            return response
        if response.status_code == 401 and "HTTP_AUTHORIZATION" not in request.META:
            response.status_code = 400
            del response["WWW-Authenticate"]
        response["Content-Type"] = "application/json"  # oauthlib's late errors (a code consumed meanwhile) lack it
        response["Cache-Control"] = "no-store"
        body = json.loads(response.content)
        if "error_description" not in body:
            body["error_description"] = TOKEN_ERRORS.get(body.get("error"), body.get("error", ""))
            response.content = json.dumps(body)
        return response


def revoke_held_token(token: str) -> None:
    """Revoke the access or refresh token ``token`` (with its pair): holding a token entitles its holder to
    revoke it, as in Frappe."""
    checksum = token_checksum(token)
    with transaction.atomic():
        for access in get_access_token_model().objects.filter(token_checksum=checksum):
            revoke_access_token(access)
        for refresh in get_refresh_token_model().objects.filter(token_checksum=checksum, revoked__isnull=True):
            refresh.revoke()


def _sends_client_credentials(request: HttpRequest) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").startswith("Basic ") or "client_id" in request.POST


@method_decorator(csrf_exempt, name="dispatch")
class RevokeView(ProtocolView, OAuthLibMixin):
    """``revoke_token`` (POST ``token``, optional ``token_type_hint``): always 200 ``{}`` (RFC 7009, Frappe).

    A client that authenticates revokes only its own tokens (django-oauth-toolkit's
    rule); without client credentials, the token itself is the proof. Wrong
    client credentials answer 401 ``invalid_client``.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _sends_client_credentials(request):
            _, headers, body, status = self.create_revocation_response(request)
            if status != 200:
                response = HttpResponse(body, status=status, content_type="application/json")
                for name, value in headers.items():
                    response[name] = value
                return response
        elif request.POST.get("token"):
            revoke_held_token(request.POST["token"])
        return JsonResponse({})


def _epoch(moment: Any) -> int:
    return int(moment.timestamp())


def _token_details(token: Any, scope: str, user: Any, request: HttpRequest) -> dict[str, Any]:
    application = token.application
    details: dict[str, Any] = {"active": True, "client_id": application.client_id,
                               "trusted_client": int(application.skip_authorization), "scope": scope,
                               "iat": _epoch(token.created), "sub": user.get_username(),
                               "username": user.get_username()}
    if "openid" in scope.split():
        details.update(user_claims(user, request))
    return details


INACTIVE = {"active": False}


def _introspect_access(checksum: str, request: HttpRequest) -> dict[str, Any] | None:
    """The access token's details, ``INACTIVE`` when expired or its user disabled, None when unknown."""
    access = get_access_token_model().objects.select_related("application", "user").filter(
        token_checksum=checksum).first()
    if access is None:
        return None
    if access.expires <= timezone.now() or access.user is None or not access.user.is_active:
        return INACTIVE
    return {**_token_details(access, access.scope, access.user, request), "exp": _epoch(access.expires),
            "token_type": "Bearer"}


def _introspect_refresh(checksum: str, request: HttpRequest) -> dict[str, Any] | None:
    """A live refresh token's details (the scope of its access token), ``INACTIVE`` when past
    ``REFRESH_TOKEN_EXPIRE_SECONDS``, orphaned or its user disabled, None when unknown or revoked."""
    refresh = get_refresh_token_model().objects.select_related("application", "user", "access_token").filter(
        token_checksum=checksum, revoked__isnull=True).first()
    if refresh is None:
        return None
    lifetime, paired = refresh_token_expire_timedelta(), refresh.access_token
    if paired is None or not refresh.user.is_active or (lifetime is not None
                                                         and paired.expires + lifetime <= timezone.now()):
        return INACTIVE
    details = _token_details(refresh, paired.scope, refresh.user, request)
    if lifetime is not None:
        details["exp"] = _epoch(paired.expires + lifetime)
    return details


def introspect(token: str, hint: str | None, request: HttpRequest) -> dict[str, Any]:
    """RFC 7662's answer for ``token``, as Frappe words it: ``active``, ``client_id``, ``trusted_client``,
    ``scope``, ``exp``, ``sub`` and, for an ``openid`` token, the user's claims; else ``{"active": false}``.
    ``token_type_hint`` only decides which kind is looked up first."""
    checksum = token_checksum(token)
    lookups = [_introspect_access, _introspect_refresh]
    if hint == "refresh_token":
        lookups.reverse()
    for lookup in lookups:
        answer = lookup(checksum, request)
        if answer is not None:
            return answer
    return INACTIVE


def _valid_bearer(request: HttpRequest) -> bool:
    """Whether the request carries a live Bearer token of an active user (whatever its scopes)."""
    token = bearer_token(request)
    return bool(token) and bearer_user(token, request) is not None


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(ProtocolView, OAuthLibMixin):
    """``introspect_token`` (POST ``token``, ``token_type_hint``), for a resource server authenticating as an
    OAuth client (HTTP Basic or ``client_id``/``client_secret``) or any caller with a valid Bearer token."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if bearer_token(request) is not None:
            allowed = _valid_bearer(request)
        else:
            try:
                allowed = _sends_client_credentials(request) and self.authenticate_client(request)
            except ClientAuthenticationThrottled as throttled:
                return oauth_error(throttled.error, throttled.description, throttled.status_code,
                                   headers=throttled.headers)
        if not allowed:
            response = oauth_error("invalid_client", "Authenticate as an OAuth client, or with a Bearer token",
                                   401)
            response["WWW-Authenticate"] = 'Basic realm="introspection"'
            return response
        token = request.POST.get("token", "")
        answer = introspect(token, request.POST.get("token_type_hint"), request) if token else INACTIVE
        return JsonResponse(answer, headers={"Cache-Control": "no-store"})


class UserInfoView(ProtocolView, oauth_views.UserInfoView):
    """``openid_profile``: OpenID Connect userinfo for a Bearer token with the ``openid`` scope (errors as
    RFC 6750 answers them: 401 ``invalid_token``, 403 ``insufficient_scope``)."""

    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        response = super()._create_userinfo_response(request)
        if response.status_code == 401 and _valid_bearer(request):  # alive, but without the openid scope
            response = oauth_error("insufficient_scope", "The access token was not granted the openid scope", 403)
            response["WWW-Authenticate"] = 'Bearer error="insufficient_scope", scope="openid"'
        response["Content-Type"] = "application/json"
        return response


class DiscoveryView(ProtocolView):
    """``openid_configuration`` and ``/.well-known/openid-configuration``: where the endpoints are."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        def endpoint(name: str) -> str:
            return request.build_absolute_uri(reverse(f"frappe_api:oauth:frappe.integrations.oauth2.{name}"))

        algorithms = ["HS256", *(["RS256"] if oauth2_settings.OIDC_RSA_PRIVATE_KEY else [])]
        return JsonResponse({
            "issuer": issuer(request),
            "authorization_endpoint": endpoint("authorize"),
            "token_endpoint": endpoint("get_token"),
            "userinfo_endpoint": endpoint("openid_profile"),
            "revocation_endpoint": endpoint("revoke_token"),
            "introspection_endpoint": endpoint("introspect_token"),
            "jwks_uri": request.build_absolute_uri(reverse("frappe_api:oauth-jwks")),
            "response_types_supported": oauth2_settings.OIDC_RESPONSE_TYPES_SUPPORTED,
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": algorithms,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "scopes_supported": list(FrappeScopes().get_all_scopes()),
            "claims_supported": ["sub", "name", "given_name", "family_name", "email", "roles", "iss", "aud",
                                 "exp", "iat", "auth_time", "nonce", "at_hash"],
        })
