"""App config of the optional OAuth app."""

from django.apps import AppConfig


class FrappeOAuthConfig(AppConfig):
    name = "frappe_api.oauth"
    label = "frappe_api_oauth"
    verbose_name = "Frappe API OAuth"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: importing them loads models, and this module is imported before models are ready.
        from . import checks, revocation  # noqa: F401 - checks registers the system checks

        revocation.connect_revoking_receiver()
