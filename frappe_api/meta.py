"""What a DocType exposes: its API fields, resolved once from the model and the registration options.

A ``DocTypeMeta`` is immutable and cached by the registry; every request reads
it to validate names, build querysets and serialise rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.expressions import Combinable

STANDARD_FIELDS = ("owner", "creation", "modified", "modified_by", "docstatus", "idx")
"""Frappe's standard fields besides ``name`` and ``doctype``, in Frappe's order."""

# Django field class -> Frappe fieldtype. Checked in order; subclasses first.
_FIELDTYPES: tuple[tuple[type[models.Field], str], ...] = (
    (models.BooleanField, "Check"),
    (models.ForeignKey, "Link"),
    (models.DateTimeField, "Datetime"),
    (models.DateField, "Date"),
    (models.TimeField, "Time"),
    (models.DurationField, "Duration"),
    (models.DecimalField, "Currency"),
    (models.FloatField, "Float"),
    (models.IntegerField, "Int"),
    (models.AutoField, "Int"),
    (models.BigAutoField, "Int"),
    (models.SmallAutoField, "Int"),
    (models.JSONField, "JSON"),
    (models.FileField, "Attach"),
    (models.TextField, "Text"),
    (models.EmailField, "Data"),
    (models.CharField, "Data"),
)


def frappe_fieldtype(model_field: models.Field) -> str:
    """Frappe's fieldtype for a Django model field (``Data`` when nothing closer fits)."""
    if getattr(model_field, "choices", None) and not isinstance(model_field, models.BooleanField):
        return "Select"
    for field_class, fieldtype in _FIELDTYPES:
        if isinstance(model_field, field_class):
            return fieldtype
    return "Data"


@dataclass(frozen=True, slots=True)
class APIField:
    """One field as the API sees it.

    ``lookup`` is the ORM path read with ``values_list()`` and filtered on;
    ``attname`` is the model attribute written on save (None when the field is
    computed or the document name lives elsewhere).
    """

    fieldname: str
    lookup: str
    fieldtype: str
    label: str
    model_field: models.Field | None = None
    attname: str | None = None
    link_model: type[models.Model] | None = None
    link_name_field: str | None = None
    reqd: bool = False
    read_only: bool = False
    standard: bool = False

    @property
    def is_link(self) -> bool:
        return self.fieldtype == "Link"

    @property
    def writable(self) -> bool:
        return not (self.read_only or self.standard or self.attname is None)


@dataclass(frozen=True, slots=True)
class ChildTable:
    """A Table field: the reverse relation from a parent to a child-table DocType's rows."""

    fieldname: str
    doctype: str
    query_name: str
    parent_field: str
    parent_attname: str


@dataclass(frozen=True)
class VirtualTable:
    """A table field not backed by a child model (e.g. a user's roles over Django's groups).

    ``read(names)`` answers ``{document name: [row dicts]}`` for many documents
    in one query; ``write(instance, rows, user)`` replaces the rows inside the
    document's transaction (and may refuse with a Frappe error).
    """

    read: Callable[[list[Any]], dict[Any, list[dict[str, Any]]]]
    write: Callable[[Any, list[dict[str, Any]], Any], None]


def names_in_order(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Comma-separated (or listed) names in their order, blanks and repeats dropped."""
    if not value:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    return tuple(dict.fromkeys(part.strip() for part in value if part and part.strip()))


def names_set(value: str | Iterable[str] | None) -> frozenset[str]:
    """Comma-separated (or listed) names as a set, blanks dropped."""
    return frozenset(names_in_order(value))


@dataclass(frozen=True)
class DocTypeOptions:
    """Registration options of one DocType (see ``frappe_api.register``)."""

    doctype: str
    model: type[models.Model]
    name_field: str | None = None
    naming_rule: str = ""
    field_map: Mapping[str, str | None] = field(default_factory=dict)
    sort_field: str | None = None
    sort_order: str = "desc"
    title_field: str | None = None
    search_fields: tuple[str, ...] = ()
    show_title_field_in_link: bool = False
    hidden_fields: frozenset[str] = frozenset()
    read_only_fields: frozenset[str] = frozenset()
    computed_fields: Mapping[str, Combinable] = field(default_factory=dict)
    write_only_fields: Mapping[str, Callable[[models.Model, Any], None]] = field(default_factory=dict)
    istable: bool = False
    is_submittable: bool = False
    issingle: bool = False
    allow_rename: bool = False
    allow_on_submit_fields: frozenset[str] = frozenset()
    tree_parent_field: str | None = None
    permissions: tuple[Any, ...] = ()
    field_permlevels: Mapping[str, int] = field(default_factory=dict)
    virtual_tables: Mapping[str, VirtualTable] = field(default_factory=dict)
    permission_query: Callable[[Any], Any] | None = None
    primary: bool = False
    """Whether Links to this model read and write this DocType's name, when several DocTypes serve one model
    (by default the first registered: code registrations in order, then admin rows in creation order)."""
    source: str = "code"


@dataclass(frozen=True)
class DocTypeMeta:
    """Everything a request needs to know about one DocType, resolved once."""

    options: DocTypeOptions
    name: APIField
    fields: Mapping[str, APIField]
    """Every readable API field by API name, ``name`` first, then the standard fields, then the rest."""
    write_only: Mapping[str, Callable[[models.Model, Any], None]]
    naming_rule: str
    default_order: tuple[tuple[str, str], ...]
    annotations: Mapping[str, Combinable]
    child_tables: Mapping[str, ChildTable] = field(default_factory=dict)
    hidden_fields: Mapping[str, APIField] = field(default_factory=dict)
    """Fields of the DocType this user may not see (their permission level is not granted)."""
    user_variants: dict[Any, DocTypeMeta] = field(default_factory=dict, compare=False, repr=False)
    derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    """What ``once`` worked out from this meta's fields (a variant made with ``dataclasses.replace`` starts empty)."""

    def once(self, key: str, work_out: Callable[[DocTypeMeta], Any]) -> Any:
        """``work_out(self)``, computed at the first call for ``key`` and kept with this meta: for what depends only
        on the DocType's fields and models, which a meta never changes (the registry builds a new one)."""
        try:
            return self.derived[key]
        except KeyError:
            return self.derived.setdefault(key, work_out(self))

    @property
    def permissions(self) -> tuple[Any, ...]:
        return self.options.permissions

    @property
    def field_permlevels(self) -> Mapping[str, int]:
        return self.options.field_permlevels

    @property
    def doctype(self) -> str:
        return self.options.doctype

    @property
    def model(self) -> type[models.Model]:
        return self.options.model

    def get_field(self, fieldname: str) -> APIField | None:
        """The readable API field called ``fieldname``, or None."""
        return self.fields.get(fieldname)

    def child_table_for(self, doctype: str) -> ChildTable | None:
        """The table field holding rows of child DocType ``doctype``, or None."""
        return next((table for table in self.child_tables.values() if table.doctype == doctype), None)

    def queryset(self) -> models.QuerySet:
        """The base queryset every read starts from (computed fields annotated)."""
        queryset = self.model._default_manager.all()
        if self.annotations:
            queryset = queryset.annotate(**self.annotations)
        return queryset


def _label(model_field: models.Field | None, fieldname: str) -> str:
    if model_field is not None and getattr(model_field, "verbose_name", None):
        text = str(model_field.verbose_name)
        return text[:1].upper() + text[1:]
    return fieldname.replace("_", " ").title()


def has_owner_column(options: DocTypeOptions) -> bool:
    """Whether the DocType's documents record their owner: a model field ``owner``, or the one the field map
    names for it (``{"owner": None}`` says there is none). ``if_owner`` rights need one."""
    model_field = options.field_map.get("owner", "owner")
    if not model_field:
        return False
    try:
        options.model._meta.get_field(model_field)
    except FieldDoesNotExist:
        return False
    return True


def owner_column_error(options: DocTypeOptions) -> str:
    """Why ``if_owner`` rows are refused on a DocType without an owner column."""
    return (f"DocType {options.doctype!r} has no owner column ({options.model.__name__} has no 'owner' field and "
            "its field map names none), so an 'if_owner' (Only if creator) permission would match no document. "
            'Map "owner" to the field holding the creator\'s user name, or grant the right without if_owner.')


_SENSITIVE = re.compile(r"password|passwd|secret|token|api_key|(^|_)hash$", re.IGNORECASE)


def sensitive_fields(model: type[models.Model]) -> frozenset[str]:
    """Model fields whose names say they hold credentials (``password``, ``*secret*``, ``*token*``, ``api_key``,
    ``*_hash``): hidden by default on a DocType registered from the admin."""
    return frozenset(f.name for f in model._meta.concrete_fields if _SENSITIVE.search(f.name))


def effective_name_field(options: DocTypeOptions) -> str:
    """The model field holding the document name: the registration's ``name_field``; else a unique model field
    called ``name`` beside an automatic id (unless the field map sends it elsewhere); else the primary key."""
    opts = options.model._meta
    if options.name_field:
        return options.name_field
    try:
        name_field = opts.get_field("name")
    except FieldDoesNotExist:
        return opts.pk.name
    if (opts.pk.auto_created and getattr(name_field, "concrete", False) and getattr(name_field, "unique", False)
            and "name" not in options.field_map.values()):
        return "name"
    return opts.pk.name


def renamed_name_field(options: DocTypeOptions) -> str:
    """The API name of a model field called ``name`` that does not hold the document name (it would collide with
    the document's ``name``): ``<model>_name``, as Frappe names such fields (``customer_name``)."""
    return f"{options.model._meta.model_name}_name"


def build_meta(options: DocTypeOptions, name_field_of: Callable[[type[models.Model]], str],
               child_doctypes: Mapping[type[models.Model], str] | None = None) -> DocTypeMeta:
    """Resolve the API fields of ``options.model``.

    ``name_field_of(model)`` tells the model field holding the document name of
    any other model, so Link fields read and write the target's ``name``;
    ``child_doctypes`` maps child-table models to their DocType names, so the
    reverse relations to them become Table fields.
    """
    opts = options.model._meta
    name_field = effective_name_field(options)
    name_model_field = opts.get_field(name_field)
    fields = _model_fields(options, name_field, name_field_of)
    annotations = _computed_fields(options, fields)
    return DocTypeMeta(
        options=options,
        name=fields["name"],
        fields=fields,
        write_only=dict(options.write_only_fields),
        naming_rule=options.naming_rule or _default_naming_rule(name_model_field, name_field, opts.pk),
        default_order=_default_order(options, fields),
        annotations=annotations,
        child_tables=_child_tables(options, child_doctypes or {}),
    )


def _with_standard_fields(options: DocTypeOptions) -> dict[str, str | None]:
    """The field map, plus every standard field the model has under its own name (unless the map says otherwise)."""
    field_map = dict(options.field_map)
    for std in STANDARD_FIELDS:
        if std not in field_map:
            try:
                options.model._meta.get_field(std)
            except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
                continue
            field_map[std] = std
    return field_map


def _api_field(api_name: str, model_field: models.Field, name_field_of: Callable[[type[models.Model]], str],
               read_only: frozenset[str], *, standard: bool = False) -> APIField:
    """The API field for a concrete model field; a Link reads and writes the target's document name."""
    fieldtype = frappe_fieldtype(model_field)
    lookup = model_field.name
    link_model = link_name_field = None
    if fieldtype == "Link":
        link_model = model_field.related_model
        link_name_field = name_field_of(link_model)
        target_pk = link_model._meta.pk.name
        lookup = model_field.attname if link_name_field == target_pk else f"{model_field.name}__{link_name_field}"
    blank = getattr(model_field, "blank", True)
    reqd = not blank and not model_field.has_default() and not model_field.auto_created
    return APIField(
        fieldname=api_name,
        lookup=lookup,
        fieldtype=fieldtype,
        label=_label(model_field, api_name),
        model_field=model_field,
        attname=model_field.name,
        link_model=link_model,
        link_name_field=link_name_field,
        reqd=reqd and not standard,
        read_only=api_name in read_only or model_field.name in read_only,
        standard=standard,
    )


def _name_api_field(name_model_field: models.Field) -> APIField:
    """The document's ``name``, over the model field holding it."""
    return APIField(
        fieldname="name",
        lookup=name_model_field.name,
        fieldtype="Data" if not isinstance(name_model_field, models.AutoField) else "Int",
        label="ID",
        model_field=name_model_field,
        attname=name_model_field.name,
        standard=True,
    )


def _model_fields(options: DocTypeOptions, name_field: str, name_field_of: Callable[[type[models.Model]], str]
                  ) -> dict[str, APIField]:
    """``name``, then the standard fields, then every other concrete model field the options do not hide, under
    its API name (a model field ``name`` not holding the document name becomes ``<model>_name``)."""
    opts = options.model._meta
    pk = opts.pk
    hidden, read_only = options.hidden_fields, options.read_only_fields
    field_map = _with_standard_fields(options)
    mapped_model_fields = {v for v in field_map.values() if v}
    model_to_api = {model_name: api for api, model_name in field_map.items() if model_name}

    fields: dict[str, APIField] = {"name": _name_api_field(opts.get_field(name_field))}
    for std in STANDARD_FIELDS:
        model_name = field_map.get(std)
        if model_name:
            fields[std] = _api_field(std, opts.get_field(model_name), name_field_of, read_only, standard=True)

    for model_field in opts.concrete_fields:
        if model_field.name in mapped_model_fields and model_field.name not in model_to_api:
            continue
        api_name = model_to_api.get(model_field.name, model_field.name)
        if api_name == "name" and model_field.name != name_field:
            api_name = renamed_name_field(options)
        if api_name in fields or api_name in hidden or model_field.name in hidden:
            continue
        if model_field is pk and (model_field.auto_created or model_field.name == name_field):
            continue  # the primary key is `name` itself, or an internal id behind a named document
        fields[api_name] = _api_field(api_name, model_field, name_field_of, read_only)
    return fields


def _computed_fields(options: DocTypeOptions, fields: dict[str, APIField]) -> dict[str, Combinable]:
    """Add the read-only computed fields to ``fields``; answer their ORM annotations by alias."""
    annotations: dict[str, Combinable] = {}
    for api_name, expression in options.computed_fields.items():
        alias = f"_frappe_{api_name}"
        annotations[alias] = expression
        fields[api_name] = APIField(fieldname=api_name, lookup=alias, fieldtype="Data",
                                    label=_label(None, api_name), read_only=True)
    return annotations


def _child_tables(options: DocTypeOptions, child_doctypes: Mapping[type[models.Model], str]
                  ) -> dict[str, ChildTable]:
    """The Table fields: reverse one-to-many relations from child-table DocTypes' models."""
    child_tables: dict[str, ChildTable] = {}
    for relation in options.model._meta.related_objects:
        child_doctype = child_doctypes.get(relation.related_model)
        if child_doctype and relation.one_to_many:
            accessor = relation.get_accessor_name()
            child_tables[accessor] = ChildTable(
                fieldname=accessor,
                doctype=child_doctype,
                query_name=relation.field.related_query_name(),
                parent_field=relation.field.name,
                parent_attname=relation.field.attname,
            )
    return child_tables


def _default_order(options: DocTypeOptions, fields: Mapping[str, APIField]) -> tuple[tuple[str, str], ...]:
    """The DocType's sort field(s) (``"idx desc, modified desc"`` allowed), else ``modified``/``creation`` desc;
    drafts first on submittable DocTypes, as Frappe lists them."""
    terms: list[tuple[str, str]] = []
    if options.sort_field:
        for part in options.sort_field.split(","):
            bits = part.split()
            if bits and bits[0] in fields:
                direction = bits[1].lower() if len(bits) > 1 else (options.sort_order or "desc")
                terms.append((bits[0], direction))
    if not terms:
        for fallback in ("modified", "creation"):
            if fallback in fields:
                terms.append((fallback, "desc"))
                break
    if options.is_submittable and "docstatus" in fields:
        terms.insert(0, ("docstatus", "asc"))
    return tuple(terms)


def _default_naming_rule(name_model_field: models.Field, name_field: str, pk: models.Field) -> str:
    if isinstance(name_model_field, (models.AutoField, models.BigAutoField, models.SmallAutoField)):
        return "autoincrement"
    if name_model_field is not pk or name_field != "name":
        return f"field:{name_field}"
    return "hash"

