"""OAuth applications in django-oauth-toolkit's admin, with the scopes each may be granted.

The admin class registered for the Application model (django-oauth-toolkit's,
or the host's ``APPLICATION_ADMIN_CLASS``) is extended in place: an inline for
the scopes, Frappe's defaults for a new application (confidential,
authorization code, HS256 id_tokens) and a form that accepts HS256 with a
hashed secret, which ``frappe_api.oauth.validator`` signs with the secret the
client presents.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from oauth2_provider import admin as oauth_admin  # noqa: F401 - registers django-oauth-toolkit's admin first
from oauth2_provider.models import AbstractApplication, get_application_model

from .models import ApplicationScopes
from .validator import MIN_HS256_SECRET_BYTES, is_hashed

Application = get_application_model()
registered = type(admin.site.get_model_admin(Application))


class ApplicationScopesInline(admin.StackedInline):
    model = ApplicationScopes
    can_delete = False
    min_num = 1
    max_num = 1


class ApplicationForm(registered.form):
    """django-oauth-toolkit's form, except that an HS256 application may keep its secret hashed; a new HS256
    secret must be long enough to be an HMAC key. A stored hashed secret is never shown in the secret box (it
    is not the secret): the box starts empty, and left empty it keeps the stored secret."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("client_secret")
        if field is not None and self.instance.pk and is_hashed(self.instance.client_secret or ""):
            self.initial["client_secret"] = ""
            field.required = False
            field.help_text = ("The secret is stored hashed and cannot be shown. Leave this empty to keep it, or "
                               "enter a new secret (copy it before saving) to replace it.")

    def clean_client_secret(self) -> str:
        """An empty box on an application whose secret is stored hashed keeps the stored secret."""
        secret = self.cleaned_data.get("client_secret") or ""
        if not secret and self.instance.pk and is_hashed(self.instance.client_secret or ""):
            return self.instance.client_secret
        return secret

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.instance.algorithm != AbstractApplication.HS256_ALGORITHM:
            return
        self._errors.pop("hash_client_secret", None)
        secret = self.cleaned_data.get("client_secret") or ""
        if secret and not is_hashed(secret) and len(secret.encode()) < MIN_HS256_SECRET_BYTES:
            self.add_error("client_secret", f"An HS256 application needs a secret of at least "
                                            f"{MIN_HS256_SECRET_BYTES} characters: it is the id_token's signing key.")


class ApplicationAdmin(registered):
    """The OAuth application admin: the client ID listed and searchable, no "View on site" (applications have
    no page of their own here)."""

    form = ApplicationForm
    inlines = [*registered.inlines, ApplicationScopesInline]
    list_display = tuple(dict.fromkeys((*registered.list_display[:2], "client_id", *registered.list_display[2:])))
    search_fields = tuple(dict.fromkeys((*registered.search_fields, "client_id")))
    view_on_site = False

    def get_changeform_initial_data(self, request: Any) -> dict[str, Any]:
        return {"client_type": AbstractApplication.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": AbstractApplication.GRANT_AUTHORIZATION_CODE,
                "algorithm": AbstractApplication.HS256_ALGORITHM,
                **super().get_changeform_initial_data(request)}


admin.site.unregister(Application)
admin.site.register(Application, ApplicationAdmin)
