"""Django admin for DocTypes: register any installed model with no code and no restart."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from .auth.keys import generate_keys
from .conf import api_settings
from .doctype_rules import row_errors
from .meta import DocTypeOptions, has_owner_column, owner_column_error
from .models import ApiRequestLog, ApiSettings, DocPerm, DocType
from .permissions import ADMINISTRATOR, AUTOMATIC_ROLES, may_change_user
from .registry import code_registrations

CODE_OWNED = ("name", "model", "name_field", "naming_rule", "field_map", "sort_field", "sort_order",
              "title_field", "search_fields", "show_title_field_in_link", "hidden_fields", "read_only_fields",
              "istable", "is_submittable", "field_permlevels", "primary_for_model")


def _row_options(row: DocType) -> DocTypeOptions | None:
    """The options the registry serves ``row`` with: the code's for a code DocType, else the row's own."""
    if row.source == DocType.SOURCE_CODE and row.name in code_registrations():
        return code_registrations()[row.name]
    return row.options() if row.model_id else None


def role_choices() -> list[tuple[str, str]]:
    """The roles a permission row may name: every Django group, the automatic ``All`` and ``Guest``, and
    ``Administrator``."""
    names = {*Group.objects.values_list("name", flat=True), *AUTOMATIC_ROLES, ADMINISTRATOR}
    return [(name, name) for name in sorted(names, key=str.lower)]


class DocPermForm(forms.ModelForm):
    """A permission row whose role is chosen among the existing roles; a stored row naming a role that no longer
    exists keeps it (marked) until it is changed."""

    role = forms.ChoiceField(choices=(), help_text="A Django group, or All (every logged-in user) or Guest.")

    class Meta:
        model = DocPerm
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = role_choices()
        stored = self.instance.role if self.instance.pk else ""
        if stored and stored not in dict(choices):
            choices.append((stored, f"{stored} (no such role)"))
        self.fields["role"].choices = [("", "---------"), *choices]


class DocPermFormSet(BaseInlineFormSet):
    """Permission rows: one row per role, level and ``if_owner``; no ``if_owner`` on a DocType whose documents
    record no owner."""

    def clean(self) -> None:
        super().clean()
        seen: set[tuple[Any, ...]] = set()
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            if not cleaned.get("role") or cleaned.get("DELETE"):
                continue
            key = (cleaned["role"], cleaned.get("permlevel") or 0, bool(cleaned.get("if_owner")))
            if key in seen:
                form.add_error("role", f"{cleaned['role']} already has a row at level {key[1]}"
                                       f"{' (only if creator)' if key[2] else ''}: change that row instead.")
            seen.add(key)
        options = _row_options(self.instance) if not _has_errors(self.instance) else None
        if options is None or has_owner_column(options):
            return
        for form in self.forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            if cleaned.get("if_owner") and not cleaned.get("DELETE"):
                form.add_error("if_owner", owner_column_error(options))


def _has_errors(row: DocType) -> bool:
    return bool(getattr(row, "_frappe_row_errors", None))


class DocTypeForm(forms.ModelForm):
    """The DocType change form: an admin-made row is checked as a whole (``doctype_rules.row_errors``) before
    it is saved, so no saved row can break requests."""

    class Meta:
        model = DocType
        fields = "__all__"

    def clean_field_map(self) -> Any:
        """An empty box (or ``null``) is no mapping."""
        value = self.cleaned_data.get("field_map")
        return {} if value is None else value

    def clean_field_permlevels(self) -> Any:
        """An empty box (or ``null``) is no permission level."""
        value = self.cleaned_data.get("field_permlevels")
        return {} if value is None else value

    def _post_clean(self) -> None:
        super()._post_clean()
        row = self.instance
        row._frappe_row_errors = {}
        if row.source == DocType.SOURCE_CODE or self.errors:
            row._frappe_row_errors = dict(self.errors)
            return
        errors = row_errors(row)
        row._frappe_row_errors = errors
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, ValidationError(message))


NAMING_HELP = ("The document name is the primary key unless a name field is given. A model field called "
               "<code>name</code> that is unique (beside an automatic id) becomes the document name; otherwise it "
               "is served as <code>&lt;model&gt;_name</code> (e.g. <code>product_name</code>), since "
               "<code>name</code> is always the document name; map it elsewhere with the field map. On an integer "
               "name field only <code>autoincrement</code> (or <code>field:</code> an integer field) can name "
               "documents.")
FIELDS_HELP = ("Fields whose names say they hold credentials (password, secret, token, api_key, *_hash) are hidden "
               "unless the field map names them explicitly, e.g. <code>{\"api_token\": \"api_token\"}</code>.")


class DocPermInline(admin.TabularInline):
    """Role permission rows, editable for every DocType (code declares only the defaults)."""

    model = DocPerm
    form = DocPermForm
    formset = DocPermFormSet
    extra = 1
    fields = ("role", "permlevel", "select", "read", "write", "create", "can_delete", "submit", "cancel", "amend",
              "if_owner")


@admin.register(DocType)
class DocTypeAdmin(admin.ModelAdmin):
    """DocTypes from code are shown read-only but for ``enabled`` and permissions; admin ones are editable."""

    form = DocTypeForm
    inlines = [DocPermInline]

    list_display = ("name", "model", "enabled", "source", "istable", "is_submittable", "modified")
    list_filter = ("enabled", "source", "istable", "is_submittable")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "model", "enabled", "source")}),
        ("Naming", {"fields": ("name_field", "naming_rule", "primary_for_model"), "description": NAMING_HELP}),
        ("Fields", {"fields": ("field_map", "hidden_fields", "read_only_fields", "title_field", "search_fields",
                               "show_title_field_in_link"), "description": FIELDS_HELP}),
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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        """The model's form, each field's help saying what applies when it is left empty."""
        form = super().get_form(request, obj, change=change, **kwargs)
        for field, default in settings_defaults().items():
            if field in form.base_fields:
                help_text = form.base_fields[field].help_text
                form.base_fields[field].help_text = f"{help_text} Empty: {default}.".strip()
        return form


def settings_defaults() -> dict[str, str]:
    """What applies for each ``API Settings`` field left empty, as shown in the admin."""
    configured = api_settings.configured  # what applies without the row
    budget = configured('REQUEST_BUDGET')
    budget_text = (f"{budget['limit']} calls per {budget['window']} s" if budget else "no budget")
    zone, expiry = configured('TIME_ZONE'), configured('SESSION_EXPIRY_SECONDS')
    age = int(expiry or settings.SESSION_COOKIE_AGE)
    return {
        "time_zone": f"{zone} (FRAPPE_API TIME_ZONE)" if zone else f"{settings.TIME_ZONE} (Django's TIME_ZONE)",
        "session_expiry": f"{age // 3600}:{age % 3600 // 60:02d} "
                          + ("(FRAPPE_API SESSION_EXPIRY_SECONDS)" if expiry else "(Django's SESSION_COOKIE_AGE)"),
        "allow_consecutive_login_attempts": f"{configured('LOGIN_ATTEMPTS')} (FRAPPE_API LOGIN_ATTEMPTS)",
        "allow_login_after_fail": f"{configured('LOGIN_LOCKOUT_SECONDS')} s (FRAPPE_API LOGIN_LOCKOUT_SECONDS)",
        "allow_error_traceback": f"{'yes' if configured('SHOW_TRACEBACK') else 'no'} (FRAPPE_API SHOW_TRACEBACK)",
        "log_api_requests": f"{'yes' if configured('LOG_API_REQUESTS') else 'no'} (FRAPPE_API LOG_API_REQUESTS)",
        "allow_guests_to_upload_files": f"{'yes' if configured('ALLOW_GUEST_UPLOADS') else 'no'} "
                                        "(FRAPPE_API ALLOW_GUEST_UPLOADS)",
        "max_page_length": f"{configured('MAX_PAGE_LENGTH')} (FRAPPE_API MAX_PAGE_LENGTH)",
        "request_budget_limit": f"{budget_text} (FRAPPE_API REQUEST_BUDGET); set the window too",
        "request_budget_window": f"{budget_text} (FRAPPE_API REQUEST_BUDGET); set the limit too",
    }

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
