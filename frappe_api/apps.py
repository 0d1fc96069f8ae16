"""App config: reads code registrations at start and keeps the registry in step with the admin."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.module_loading import autodiscover_modules

from .conf import api_settings


class FrappeApiConfig(AppConfig):
    name = "frappe_api"
    verbose_name = "Frappe API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
        from . import runtime
        from .models import ApiSettings, DocPerm, DocType
        from .query import lookups  # noqa: F401 - registers the frappe_like lookup
        from .registry.sync import invalidate_registry, sync_code_registrations

        # Importing them registers the built-in methods.
        from .rpc import builtins, client, files, form, password, reportview, run_method, search  # noqa: F401
        from .rpc.whitelist import load_method_settings

        api_settings.use_runtime_source(runtime.resolve)  # the admin's API Settings over FRAPPE_API
        autodiscover_modules("doctypes")
        load_method_settings()

        # Module-level receivers held strongly (weak=False): a receiver only weakly referenced is collected as
        # soon as nothing else holds it, and with DEBUG off nothing does, so admin changes would stay local.
        for signal, sender, receiver, uid in (
            (post_save, DocType, invalidate_registry, "frappe_api_doctype_saved"),
            (post_delete, DocType, invalidate_registry, "frappe_api_doctype_deleted"),
            (post_save, DocPerm, invalidate_registry, "frappe_api_docperm_saved"),
            (post_delete, DocPerm, invalidate_registry, "frappe_api_docperm_deleted"),
            (post_save, ApiSettings, runtime.invalidate, "frappe_api_settings_saved"),
            (post_delete, ApiSettings, runtime.invalidate, "frappe_api_settings_deleted"),
        ):
            signal.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
        post_migrate.connect(sync_code_registrations, sender=self, weak=False, dispatch_uid="frappe_api_sync_code")
