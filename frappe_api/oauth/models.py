"""What Frappe's OAuth Client has and django-oauth-toolkit's Application lacks: the scopes it may be granted."""

from __future__ import annotations

from django.db import models
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
