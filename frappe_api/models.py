"""Models of frappe_api: the abstract ``Document`` base and the admin-managed DocType registry rows."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .conf import api_settings
from .meta import DocTypeOptions, names_in_order, names_set, sensitive_fields
from .permissions import PermRule
from .settings_rules import budget_problem, positive_problem, session_expiry_problem, time_zone_problem

SORT_ORDERS = [("desc", "Descending"), ("asc", "Ascending")]


class Document(models.Model):
    """Abstract base giving a model every Frappe standard field at once.

    ``name`` is a string primary key filled by the DocType's naming rule (a
    10-character hash by default); ``owner`` and ``modified_by`` hold user
    names; ``docstatus`` is 0 Draft, 1 Submitted, 2 Cancelled.
    """

    name = models.CharField(max_length=140, primary_key=True, editable=False)
    owner = models.CharField(max_length=140, blank=True, default="", editable=False)
    creation = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    modified_by = models.CharField(max_length=140, blank=True, default="", editable=False)
    docstatus = models.PositiveSmallIntegerField(default=0, editable=False)
    idx = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.name)


class DocType(models.Model):
    """A model exposed through the API under a DocType name.

    The admin validates a row before saving it (``frappe_api.doctype_rules``). Rows come from the Django admin (``source="admin"``) or are kept in step
    with ``frappe_api.register`` calls (``source="code"``); for the latter the
    code owns the options and the admin may only switch the DocType off.
    """

    SOURCE_CODE = "code"
    SOURCE_ADMIN = "admin"

    name = models.CharField("DocType name", max_length=140, unique=True)
    model = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=True)
    source = models.CharField(max_length=10, default=SOURCE_ADMIN, editable=False,
                              choices=[(SOURCE_CODE, "Code"), (SOURCE_ADMIN, "Admin")])
    name_field = models.CharField(max_length=140, blank=True,
                                  help_text="Model field holding the document name; empty means the primary key.")
    naming_rule = models.CharField(max_length=140, blank=True, default="",
                                   help_text="hash, autoincrement, prompt or field:<fieldname>; empty picks one "
                                             "from the name field.")
    field_map = models.JSONField(default=dict, blank=True,
                                 help_text='API field name to model field name, e.g. {"owner": "created_by"}.')
    sort_field = models.CharField(max_length=140, blank=True)
    sort_order = models.CharField(max_length=4, choices=SORT_ORDERS, default="desc")
    title_field = models.CharField(max_length=140, blank=True)
    search_fields = models.TextField(blank=True, help_text="Comma-separated fields a Link search matches and shows "
                                                           "besides the name and the title field.")
    show_title_field_in_link = models.BooleanField(
        default=False, help_text="Link search results show the title field as their label.")
    hidden_fields = models.TextField(blank=True, help_text="Comma-separated fields never shown or accepted.")
    read_only_fields = models.TextField(blank=True, help_text="Comma-separated fields shown but never written.")
    istable = models.BooleanField("Is child table", default=False)
    is_submittable = models.BooleanField(default=False)
    field_permlevels = models.JSONField(
        default=dict, blank=True,
        help_text='Field to permission level, e.g. {"salary": 1}: only roles with rows at that level see it.')
    primary_for_model = models.BooleanField(
        "Primary for its model", default=False,
        help_text="When several DocTypes serve one model, Link fields pointing at the model read and write this "
                  "DocType's names. Unmarked, the first registered DocType keeps that role (code ones first).")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "DocType"
        verbose_name_plural = "DocTypes"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def options(self) -> DocTypeOptions | None:
        """This row's registration options (None if its model is gone); ValueError for a stored field map or
        permission levels of the wrong shape. Fields holding credentials (``meta.sensitive_fields``) are hidden
        on an admin DocType unless the field map names them."""
        model = self.model.model_class()
        if model is None:
            return None
        field_map, permlevels = self.field_map or {}, self.field_permlevels or {}
        if not isinstance(field_map, dict) or not all(isinstance(v, str) or v is None for v in field_map.values()):
            raise ValueError(f"the field map {field_map!r} is not an object of field names")
        if not isinstance(permlevels, dict) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in permlevels.values()):
            raise ValueError(f"the field permission levels {permlevels!r} are not an object of levels")
        field_map = dict(field_map)
        hidden = names_set(self.hidden_fields)
        if self.source != self.SOURCE_CODE:
            hidden |= sensitive_fields(model) - {value for value in field_map.values() if value}
        return DocTypeOptions(
            doctype=self.name,
            model=model,
            name_field=self.name_field or None,
            naming_rule=self.naming_rule,
            field_map=field_map,
            sort_field=self.sort_field or None,
            sort_order=self.sort_order or "desc",
            title_field=self.title_field or None,
            search_fields=names_in_order(self.search_fields),
            show_title_field_in_link=self.show_title_field_in_link,
            hidden_fields=hidden,
            read_only_fields=names_set(self.read_only_fields),
            istable=self.istable,
            is_submittable=self.is_submittable,
            field_permlevels=dict(permlevels),
            permissions=tuple(PermRule.from_mapping(perm.as_mapping()) for perm in self.permissions.all())
            if self.pk else (),
            primary=bool(self.primary_for_model),
            source=self.source,
        )


class Series(models.Model):
    """The current value of one naming series prefix (``SO-``, ``TODO-2026-``...)."""

    name = models.CharField(max_length=140, primary_key=True)
    current = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "Naming Series"
        verbose_name_plural = "Naming Series"

    def __str__(self) -> str:
        return f"{self.name}{self.current}"


class DocPerm(models.Model):
    """One role's rights on a DocType (Frappe's DocPerm row), at a permission level.

    ``role`` is a Django group's name, or one of the automatic roles ``All``
    (every logged-in user) and ``Guest`` (everyone). With ``if_owner`` the
    rights apply only to documents the user owns. The ``delete`` right is
    stored as ``can_delete``: a field called ``delete`` would hide ``Model.delete()``.
    """

    RIGHT_FIELDS = {"select": "select", "read": "read", "write": "write", "create": "create",
                    "delete": "can_delete", "submit": "submit", "cancel": "cancel", "amend": "amend"}
    """Frappe's right name -> model field."""

    doctype = models.ForeignKey(DocType, on_delete=models.CASCADE, related_name="permissions")
    role = models.CharField(max_length=150)
    permlevel = models.PositiveSmallIntegerField(default=0)
    select = models.BooleanField(default=False)
    read = models.BooleanField(default=True)
    write = models.BooleanField(default=False)
    create = models.BooleanField(default=False)
    can_delete = models.BooleanField("Delete", default=False)
    submit = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    amend = models.BooleanField(default=False)
    if_owner = models.BooleanField("Only if creator", default=False)

    class Meta:
        verbose_name = "DocType permission"
        verbose_name_plural = "DocType permissions"
        ordering = ["doctype", "permlevel", "role"]

    def __str__(self) -> str:
        return f"{self.doctype} / {self.role} / level {self.permlevel}"

    def as_mapping(self) -> dict[str, object]:
        """The row under Frappe's names: ``{"role": ..., "permlevel": 0, "if_owner": False, "read": True, ...}``."""
        return {"role": self.role, "permlevel": self.permlevel, "if_owner": self.if_owner,
                **{right: getattr(self, field) for right, field in self.RIGHT_FIELDS.items()}}


class Comment(Document):
    """A comment on any document (``add_comment``), Frappe's ``Comment`` DocType."""

    comment_type = models.CharField(max_length=40, default="Comment")
    reference_doctype = models.CharField(max_length=140, db_index=True)
    reference_name = models.CharField(max_length=140, db_index=True)
    content = models.TextField()
    comment_email = models.CharField(max_length=254, blank=True, default="")

    class Meta:
        verbose_name = "Comment"


class File(Document):
    """An uploaded file (Frappe's ``File`` DocType); the bytes live in Django's default storage."""

    file_name = models.CharField(max_length=255)
    file_url = models.CharField(max_length=512, db_index=True)
    is_private = models.BooleanField(default=False)
    file_size = models.PositiveBigIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, default="")
    folder = models.CharField(max_length=140, default="Home")
    attached_to_doctype = models.CharField(max_length=140, blank=True, default="", db_index=True)
    attached_to_name = models.CharField(max_length=140, blank=True, default="", db_index=True)
    attached_to_field = models.CharField(max_length=140, blank=True, default="")
    storage_path = models.CharField(max_length=512, blank=True, default="", editable=False)
    content_type = models.CharField(max_length=100, default="application/octet-stream", editable=False,
                                    help_text="The type the file is served with, fixed at upload from its bytes.")

    class Meta:
        verbose_name = "File"


class ApiRequestLog(models.Model):
    """One ``/api/`` call (Frappe's ``API Request Log``), written when request logging is on."""

    path = models.CharField(max_length=2048)
    method = models.CharField(max_length=10)
    user = models.CharField(max_length=150, db_index=True)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.FloatField()
    ip_address = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    creation = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "API Request Log"
        ordering = ["-creation"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class ApiKey(models.Model):
    """A user's API key pair: the key is public, the secret is stored only as a keyed hash."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="frappe_api_key")
    api_key = models.CharField(max_length=32, unique=True)
    secret_hash = models.CharField(max_length=128)
    created = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.api_key} ({self.user})"


def site_time_zone() -> str:
    """``FRAPPE_API["TIME_ZONE"]``, else Django's ``TIME_ZONE``: the default of ``System Settings.time_zone``."""
    return api_settings.configured("TIME_ZONE") or settings.TIME_ZONE


class ApiSettings(models.Model):
    """Settings an operator changes without a deploy; also the Single DocType ``System Settings``.

    Field names are Frappe's where Frappe has them. An empty field means the
    ``FRAPPE_API`` Django setting applies.
    """

    time_zone = models.CharField(max_length=64, blank=True, default=site_time_zone,
                                 help_text="Time zone for dates in the API; empty: Django's TIME_ZONE.")
    session_expiry = models.CharField(max_length=10, blank=True, default="",
                                      help_text='Idle session lifetime as "hours:minutes", e.g. "170:00".')
    allow_consecutive_login_attempts = models.PositiveIntegerField(null=True, blank=True)
    allow_login_after_fail = models.PositiveIntegerField("Lockout seconds", null=True, blank=True)
    allow_error_traceback = models.BooleanField(null=True, blank=True)
    log_api_requests = models.BooleanField(null=True, blank=True)
    allow_guests_to_upload_files = models.BooleanField(null=True, blank=True)
    max_page_length = models.PositiveIntegerField(null=True, blank=True)
    request_budget_limit = models.PositiveIntegerField(null=True, blank=True)
    request_budget_window = models.PositiveIntegerField("Request budget window (seconds)", null=True, blank=True)

    class Meta:
        verbose_name = "API Settings"
        verbose_name_plural = "API Settings"

    def __str__(self) -> str:
        return "API Settings"

    def clean(self) -> None:
        """Refuse values the API could not run with (an unknown time zone would fail every request)."""
        errors = {field: problem for field, problem in (
            ("time_zone", time_zone_problem(self.time_zone)),
            ("session_expiry", session_expiry_problem(self.session_expiry)),
            ("max_page_length", positive_problem(self.max_page_length)),
            ("request_budget_window", budget_problem(self.request_budget_limit, self.request_budget_window)),
        ) if problem}
        if errors:
            raise ValidationError(errors)
