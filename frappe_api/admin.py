"""Django admin for DocTypes: register any installed model with no code and no restart."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from .auth.keys import generate_keys
from .meta import DocTypeOptions, has_owner_column, owner_column_error
from .models import ApiRequestLog, ApiSettings, DocPerm, DocType
from .permissions import may_change_user
from .registry import code_registrations, options_from_row

CODE_OWNED = ("name", "model", "name_field", "naming_rule", "field_map", "sort_field", "sort_order",
              "title_field", "search_fields", "show_title_field_in_link", "hidden_fields", "read_only_fields",
              "istable", "is_submittable", "field_permlevels")


def _row_options(row: DocType) -> DocTypeOptions | None:
    """The options the registry serves ``row`` with: the code's for a code DocType, else the row's own."""
    if row.source == DocType.SOURCE_CODE and row.name in code_registrations():
        return code_registrations()[row.name]
    return options_from_row(row) if row.model_id else None


class DocPermFormSet(BaseInlineFormSet):
    """Permission rows, refusing ``if_owner`` on a DocType whose documents record no owner."""

    def clean(self) -> None:
        super().clean()
        options = _row_options(self.instance)
        if options is None or has_owner_column(options):
            return
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            if cleaned.get("if_owner") and not cleaned.get("DELETE"):
                form.add_error("if_owner", owner_column_error(options))


class DocPermInline(admin.TabularInline):
    """Role permission rows, editable for every DocType (code declares only the defaults)."""

    model = DocPerm
    formset = DocPermFormSet
    extra = 1
    fields = ("role", "permlevel", "select", "read", "write", "create", "can_delete", "submit", "cancel", "amend",
              "if_owner")


@admin.register(DocType)
class DocTypeAdmin(admin.ModelAdmin):
    """DocTypes from code are shown read-only but for ``enabled`` and permissions; admin ones are editable."""

    inlines = [DocPermInline]

    list_display = ("name", "model", "enabled", "source", "istable", "is_submittable", "modified")
    list_filter = ("enabled", "source", "istable", "is_submittable")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "model", "enabled", "source")}),
        ("Naming", {"fields": ("name_field", "naming_rule")}),
        ("Fields", {"fields": ("field_map", "hidden_fields", "read_only_fields", "title_field", "search_fields",
                               "show_title_field_in_link")}),
        ("Listing", {"fields": ("sort_field", "sort_order")}),
        ("Kind", {"fields": ("istable", "is_submittable", "field_permlevels")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.source == DocType.SOURCE_CODE:
            return (*CODE_OWNED, "source")
        return ("source",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.source == DocType.SOURCE_CODE:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(admin.ModelAdmin):
    """Read-only list of logged API calls."""

    list_display = ("creation", "method", "path", "user", "status", "duration_ms", "ip_address")
    list_filter = ("method", "status")
    search_fields = ("path", "user")
    readonly_fields = ("creation", "method", "path", "user", "status", "duration_ms", "ip_address")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description="Generate API keys (the secret is shown once)", permissions=["change"])
def generate_api_keys(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: Any) -> TemplateResponse:
    """Make a new key pair for each selected user (superusers only by a superuser) and show the secrets once,
    on a page no cache keeps (never in a message, which may be stored in a cookie)."""
    pairs, skipped = [], []
    for user in queryset:
        if not may_change_user(request.user, user):
            skipped.append(str(user))
            continue
        api_key, api_secret = generate_keys(user)
        pairs.append({"user": str(user), "api_key": api_key, "api_secret": api_secret})
    response = TemplateResponse(request, "frappe_api/admin_api_keys.html", {
        **modeladmin.admin_site.each_context(request), "title": "New API keys", "opts": modeladmin.model._meta,
        "pairs": pairs, "skipped": skipped, "back": request.get_full_path()})
    add_never_cache_headers(response)
    return response


_user_admin = admin.site._registry.get(get_user_model())
if _user_admin is not None:
    _user_admin.actions = [*(_user_admin.actions or []), generate_api_keys]


@admin.register(ApiSettings)
class ApiSettingsAdmin(admin.ModelAdmin):
    """The one settings row (empty fields: the FRAPPE_API Django setting applies)."""

    fieldsets = (
        ("Sessions and login", {"fields": ("session_expiry", "allow_consecutive_login_attempts",
                                           "allow_login_after_fail")}),
        ("API", {"fields": ("time_zone", "max_page_length", "allow_error_traceback",
                            "allow_guests_to_upload_files")}),
        ("Operations", {"fields": ("log_api_requests", "request_budget_limit", "request_budget_window")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ApiSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
