"""App config of the optional OAuth app."""

from django.apps import AppConfig


class FrappeOAuthConfig(AppConfig):
    name = "frappe_api.oauth"
    label = "frappe_api_oauth"
    verbose_name = "Frappe API OAuth"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
        from .revocation import connect_revoking_receiver

        connect_revoking_receiver()
