"""Component schemas: one read, create and update shape per DocType, and Frappe's error bodies.

A ``Perspective`` says which DocTypes and fields the document describes: those a user may read (``readable_meta``
of the read gate), or every one (the full document). Child DocTypes appear as the rows of their parents' tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..gate import readable_meta
from ..meta import DocTypeMeta
from ..permissions import has_permission
from ..registry import registry
from .fieldtypes import field_schema, json_type

CHILD_KEYS = {"parent": "The parent document's name.", "parentfield": "The parent's table field holding the row.",
              "parenttype": "The parent's DocType.", "doctype": "The row's DocType."}

ERROR_STATUSES: dict[int, str] = {
    400: "CSRF token missing or invalid, or a malformed Authorization header",
    401: "Authentication failed (unknown or wrong API key, expired token or session)",
    403: "Not permitted",
    404: "No such document, DocType or method",
    405: "HTTP method not allowed here",
    409: "Duplicate name",
    413: "Request body or query too large",
    415: "Unsupported media type",
    417: "Validation failed (a bad parameter, value or filter; Frappe's ValidationError family)",
    429: "Too many requests (rate limit or login lockout); see Retry-After",
    503: "The database is unavailable; retry after Retry-After seconds",
}

V1_ERROR: dict[str, Any] = {
    "type": "object",
    "description": "Frappe's v1 error body.",
    "required": ["exc_type", "exception"],
    "properties": {
        "exc_type": {"type": "string", "description": "The exception class, e.g. ValidationError.",
                     "examples": ["ValidationError"]},
        "exception": {"type": "string", "description": "module.Class: message",
                      "examples": ["frappe.exceptions.ValidationError: Invalid JSON in parameter 'filters'"]},
        "exc": {"type": "string", "description": "A JSON-encoded list holding the exception (no traceback unless "
                                                 "SHOW_TRACEBACK is on); absent on 404."},
        "_server_messages": {"type": "string", "description": "A JSON-encoded list of JSON-encoded "
                                                              "{message, title, indicator} objects."},
        "_error_message": {"type": "string"},
        "message": {},
        "session_expired": {"type": "integer"},
    },
}

V2_ERROR: dict[str, Any] = {
    "type": "object",
    "description": "Frappe's v2 error body.",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "items": {
        "type": "object", "required": ["type", "message"],
        "properties": {"type": {"type": "string", "examples": ["ValidationError"]}, "message": {"type": "string"},
                       "title": {"type": "string"}, "indicator": {"type": "string"},
                       "exception": {"type": "string", "description": "The traceback, when SHOW_TRACEBACK is on."}}}},
        "session_expired": {"type": "integer"}},
}


def schema_name(doctype: str) -> str:
    """A component name for ``doctype`` (OpenAPI allows letters, digits, ``.``, ``-`` and ``_``): ``Sales Order``
    becomes ``SalesOrder``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", doctype) if part) or "DocType"


@dataclass
class Perspective:
    """Which part of the API the document describes: what ``user`` may use, or everything (``user`` None)."""

    user: Any = None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def everything(self) -> bool:
        return self.user is None

    def may(self, meta: DocTypeMeta, ptype: str) -> bool:
        """Whether the caller holds ``ptype`` on the DocType."""
        return self.everything or has_permission(meta, ptype, self.user)

    def seen(self, meta: DocTypeMeta, parent: DocTypeMeta | None = None) -> DocTypeMeta:
        """The DocType with the fields the caller may read."""
        return meta if self.everything else readable_meta(meta, self.user, parent=parent)

    def readable_doctypes(self) -> list[DocTypeMeta]:
        """The DocTypes (tables aside) the caller may read, as the caller sees them, by name."""
        metas = [registry.get(doctype) for doctype in registry.doctypes()]
        return [self.seen(meta) for meta in metas if not meta.options.istable and self.may(meta, "read")]

    def name_of(self, doctype: str) -> str:
        """The component name of ``doctype`` (unique in the document)."""
        if doctype not in self.names:
            base, taken = schema_name(doctype), set(self.names.values())
            name, count = base, 2
            while name in taken or any(name + suffix in taken for suffix in ("Create", "Update", "ListRow")):
                name, count = f"{base}{count}", count + 1
            self.names[doctype] = name
        return self.names[doctype]


def _link_doctype(api_field: Any) -> str | None:
    target = registry.for_model(api_field.link_model) if api_field.link_model is not None else None
    return target.doctype if target is not None else None


def _read_field(api_field: Any) -> dict[str, Any]:
    schema = field_schema(api_field, link_doctype=_link_doctype(api_field))
    if api_field.is_link:  # expand / expand_links answer the linked document in its place
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [*kinds, "object"]
        schema["description"] = (schema.get("description", "") + " The linked document itself (an object) when the "
                                 "read asks for it with expand or expand_links.").strip()
    if not api_field.writable:
        schema["readOnly"] = True
    return schema


def _table(ref: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}


VIRTUAL_ROWS = {"type": "array", "items": {"type": "object"}, "description": "Rows of a virtual table."}


def read_schema(perspective: Perspective, meta: DocTypeMeta, *, child_of: DocTypeMeta | None = None,
                list_row: bool = False) -> dict[str, Any]:
    """The document as reads answer it: every readable field (null ones left out by v1), its child tables."""
    properties = {name: _read_field(api_field) for name, api_field in meta.fields.items()}
    properties["doctype"] = {"type": "string", "const": meta.doctype, "readOnly": True}
    if meta.options.issingle:  # a Single is named after its DocType
        properties["name"] = {"type": "string", "const": meta.doctype, "readOnly": True}
    if child_of is not None:
        for key, description in CHILD_KEYS.items():
            properties.setdefault(key, {"type": "string", "description": description, "readOnly": True})
            properties[key] = {**properties[key], "description": description}
            if key == "doctype":
                properties[key]["const"] = meta.doctype
    for fieldname, table in meta.child_tables.items():
        properties[fieldname] = _table(perspective.name_of(table.doctype))
    for fieldname in meta.options.virtual_tables:
        properties[fieldname] = dict(VIRTUAL_ROWS)
    schema: dict[str, Any] = {"type": "object", "title": meta.doctype, "properties": properties,
                              "x-frappe-doctype": meta.doctype}
    if list_row:
        schema["description"] = (f"A row of a {meta.doctype} list: the fields asked for with `fields` (default "
                                 "`name`); aggregates and `link.field` columns add keys of their own.")
    else:
        schema["required"] = ["name"]
        schema["description"] = (f"A {meta.doctype} document as reads answer it (v1 leaves null fields out; v2 "
                                 "answers them as null).")
    return schema


def write_schema(perspective: Perspective, meta: DocTypeMeta, *, creating: bool,
                 child_of: DocTypeMeta | None = None) -> dict[str, Any]:
    """The document a create (``creating``) or an update sends: the writable fields and child tables."""
    parent_field = None
    if child_of is not None:
        table = child_of.child_table_for(meta.doctype)
        parent_field = table.parent_field if table is not None else None
    properties: dict[str, Any] = {}
    required: list[str] = []
    if child_of is None and creating:
        name_schema = field_schema(meta.name)
        name_schema["description"] = ("The document name: kept by v2 (and by the `prompt` naming rule); otherwise "
                                      f"the naming rule ({meta.naming_rule}) names the document.")
        properties["name"] = name_schema
        if meta.naming_rule == "prompt":
            required.append("name")
    elif child_of is not None:
        properties["name"] = {"type": json_type(meta.name.model_field) or "string",
                              "description": "An existing row's name (rows without one are new)."}
    for name, api_field in meta.fields.items():
        if not api_field.writable or api_field.attname == parent_field or name == "name":
            continue
        properties[name] = field_schema(api_field, link_doctype=_link_doctype(api_field))
        if creating and api_field.reqd:
            required.append(name)
    for name in meta.write_only:
        properties[name] = {"writeOnly": True, "description": "Write-only: set on create or update, never read."}
    suffix = "Create" if creating else "Update"
    for fieldname, table in meta.child_tables.items():
        properties[fieldname] = {**_table(perspective.name_of(table.doctype) + suffix),
                                 "description": "The table's rows: replaces the stored rows."}
    for fieldname in meta.options.virtual_tables:
        properties[fieldname] = dict(VIRTUAL_ROWS)
    schema: dict[str, Any] = {"type": "object", "title": f"{meta.doctype} ({suffix.lower()})",
                              "properties": properties, "x-frappe-doctype": meta.doctype}
    if required:
        schema["required"] = required
    return schema


def doctype_schemas(perspective: Perspective, metas: list[DocTypeMeta]) -> dict[str, Any]:
    """Read, list-row, create and update schemas of ``metas`` and of every child DocType in their tables."""
    schemas: dict[str, Any] = {}
    pending: list[tuple[DocTypeMeta, DocTypeMeta | None]] = [(meta, None) for meta in metas]
    done: set[str] = set()
    while pending:
        meta, parent = pending.pop(0)
        if meta.doctype in done:
            continue
        done.add(meta.doctype)
        name = perspective.name_of(meta.doctype)
        schemas[name] = read_schema(perspective, meta, child_of=parent)
        if parent is None:
            schemas[name + "ListRow"] = read_schema(perspective, meta, list_row=True)
        schemas[name + "Create"] = write_schema(perspective, meta, creating=True, child_of=parent)
        schemas[name + "Update"] = write_schema(perspective, meta, creating=False, child_of=parent)
        for table in meta.child_tables.values():
            child = registry.get(table.doctype)
            pending.append((perspective.seen(child, parent=meta), meta))
    return schemas


METHOD_ANSWER: dict[str, Any] = {
    "type": "object", "description": "A method's answer: its result in `message` (left out when it returns nothing), "
    "and any key it set.", "properties": {"message": {}, "_server_messages": {"type": "string"}}}

METHOD_ERROR: dict[str, Any] = {
    "description": "Frappe's v1 error body, or the answer of a method that set the status itself (e.g. "
                   "reset_password's 404 `not found`).",
    "anyOf": [{"$ref": "#/components/schemas/V1Error"}, {"$ref": "#/components/schemas/MethodAnswer"}]}


def error_components() -> tuple[dict[str, Any], dict[str, Any]]:
    """The error schemas and one response per error status for v1, v2 and methods (``V1Error404``,
    ``V2Error404``, ``MethodError404``)."""
    schemas = {"V1Error": V1_ERROR, "V2Error": V2_ERROR, "MethodAnswer": METHOD_ANSWER, "MethodError": METHOD_ERROR}
    responses: dict[str, Any] = {}
    for status, description in ERROR_STATUSES.items():
        for version in ("V1", "V2", "Method"):
            response: dict[str, Any] = {"description": description, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{version}Error"}}}}
            if status in (429, 503):
                response["headers"] = {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait."}}
            responses[f"{version}Error{status}"] = response
    return schemas, responses
