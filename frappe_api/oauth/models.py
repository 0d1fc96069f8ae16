"""What Frappe's OAuth needs beside django-oauth-toolkit's models: the scopes an application may be granted, and
the authorization codes already exchanged."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from ..conf import api_settings


def default_client_scopes() -> str:
    return api_settings.OAUTH_DEFAULT_CLIENT_SCOPES


class ApplicationScopes(models.Model):
    """The scopes one OAuth application may request (space separated); edited inline with the application."""

    application = models.OneToOneField(oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE,
                                       primary_key=True, related_name="frappe_scopes")
    scopes = models.CharField(max_length=255, default=default_client_scopes,
                              help_text="Space separated, e.g. \"all openid\": all = the user's normal rights "
                                        "over the API, openid = sign-in (id_token and userinfo).")

    class Meta:
        verbose_name = "scopes"
        verbose_name_plural = "scopes"

    def __str__(self) -> str:
        return self.scopes

    def as_list(self) -> list[str]:
        """The scopes, in order, without repeats."""
        return list(dict.fromkeys(self.scopes.split()))


class UsedAuthorizationCode(models.Model):
    """An authorization code already exchanged, by its SHA-256, with what it issued: presenting it again
    revokes those tokens (RFC 6749 4.1.2). django-oauth-toolkit deletes the code itself once used."""

    code_checksum = models.CharField(max_length=64, unique=True)
    access_token_checksum = models.CharField(max_length=64, blank=True)
    token_family = models.UUIDField(null=True, blank=True)
    used = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "used authorization code"

    def __str__(self) -> str:
        return f"code used {self.used:%Y-%m-%d %H:%M:%S}"
