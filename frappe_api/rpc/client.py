"""``frappe.client``: what frappe-js-sdk, frappe-react-sdk and the Python FrappeClient call.

Each function takes Frappe v15's parameters, answers its return values, and
reuses the listing and document services (no query or write logic here).
"""

from __future__ import annotations

from typing import Any

import json

from django.conf import settings
from django.db import transaction

from .. import document
from ..arguments import parse_json_param
from ..conf import api_settings
from ..document import bulk, listing
from ..document.answer import written_doc
from ..document.listing import count_with_debug
from ..document.rows import update_row
from ..document.serialize import name_value, not_found
from ..exceptions import DoesNotExistError, PermissionError, ValidationError
from ..gate import meta_for
from ..meta import STANDARD_FIELDS
from ..permissions import (
    RIGHTS,
    check_permission,
    document_permitted,
    has_permission,
    permission_scope,
    rows_restricted,
)
from ..query import ListQuery, QueryConfig, list_query
from ..query.params import parse_bool, parse_int
from .context import current_user, set_response_key
from .whitelist import whitelist

WRITE = ("POST", "PUT")
STANDARD = frozenset({"name", *STANDARD_FIELDS, "doctype", "parent", "parentfield", "parenttype"})
MAX_INSERT_MANY = 200


def _json(name: str, value: Any) -> Any:
    return parse_json_param(name, value) if isinstance(value, (str, bytes)) else value


def _doc_dict(value: Any, name: str = "doc") -> dict[str, Any]:
    decoded = _json(name, value)
    if not isinstance(decoded, dict):
        raise ValidationError(f"'{name}' must be a JSON object")
    return decoded


def _meta(doctype: Any) -> Any:
    return meta_for(doctype, current_user())


def _read(meta: Any, name: Any) -> dict[str, Any]:
    return document.get_doc(meta, name, current_user())


def _written(meta: Any, name: Any) -> dict[str, Any]:
    return written_doc(meta, name, current_user())


def _fieldnames(name: str, value: Any) -> list[str]:
    """A field name, or a list of them (JSON allowed), as a list; anything else is a 417."""
    decoded = _json(name, value) if isinstance(value, str) and value.strip()[:1] == "[" else value
    names = [decoded] if isinstance(decoded, str) else decoded
    if not isinstance(names, list) or not all(isinstance(item, str) for item in names):
        raise ValidationError(f"'{name}' must be a field name or a list of field names")
    return names


@whitelist(name="frappe.client.get_list", read_only=True)
def get_list(doctype: str, fields: Any = None, filters: Any = None, group_by: Any = None, order_by: Any = None,
             limit_start: Any = None, limit_page_length: Any = 20, parent: Any = None, debug: Any = False,
             as_dict: Any = True, or_filters: Any = None) -> list[Any]:
    """Rows of ``doctype`` (the same query language as ``GET /api/resource``)."""
    def read_query(config: QueryConfig) -> ListQuery:
        return list_query(config, fields=fields, filters=filters, or_filters=or_filters, order_by=order_by,
                          group_by=group_by, start=parse_int("limit_start", limit_start, 0),
                          page_length=parse_int("limit_page_length", limit_page_length, config.default_page_length),
                          as_dict=as_dict, debug=debug)

    answer = listing.get_list(_meta(doctype), read_query, current_user(), parent=parent)
    answer_debug(answer.debug)
    return answer.rows


def answer_debug(lines: list[str] | None) -> None:
    """Send ``debug`` lines as the list endpoints do: ``exc`` and ``_debug_messages``, a JSON list each."""
    if lines is not None:
        encoded = json.dumps(lines)
        set_response_key("exc", encoded)
        set_response_key("_debug_messages", encoded)


def count(meta: Any, filters: Any, or_filters: Any, parent: Any, debug: Any, limit: int = 0) -> int:
    """How many documents the user may read match ``filters`` and ``or_filters`` (at most ``limit``); with
    ``debug``, for a user allowed to see it, the SQL run is answered too."""
    user = current_user()
    if parse_bool("debug", debug, False) and api_settings.DEBUG_PERMISSION(user):
        number, lines = count_with_debug(listing.count_queryset(meta, filters, or_filters, user, parent=parent),
                                         limit)
        answer_debug(lines)
        return number
    return listing.get_count(meta, filters, or_filters, user, parent=parent, limit=limit)


@whitelist(name="frappe.client.get_count", read_only=True)
def get_count(doctype: str, filters: Any = None, debug: Any = False, cache: Any = False,
              or_filters: Any = None, parent: Any = None) -> int:
    """How many documents the user may read match the filters."""
    return count(_meta(doctype), filters, or_filters, parent, debug)


def _first_row(meta: Any, filters: Any, fields: list[str], user: Any, parent: Any = None) -> dict[str, Any] | None:
    """The first document matching ``filters`` (decoded), with ``fields``, as the user may read it."""
    rows = listing.get_list(meta, lambda config: list_query(config, fields=fields, filters=filters, page_length=1),
                            user, parent=parent).rows
    return rows[0] if rows else None


def _first_name(meta: Any, filters: Any) -> Any:
    row = _first_row(meta, filters, ["name"], current_user())
    return row["name"] if row else None


@whitelist(name="frappe.client.get")
def get(doctype: str, name: Any = None, filters: Any = None, parent: Any = None) -> dict[str, Any]:
    """One document: by name, else the first matching ``filters``, else the Single."""
    meta = _meta(doctype)
    if meta.options.issingle:
        return _read(meta, meta.doctype)
    if name in (None, "") and filters not in (None, ""):
        name = _first_name(meta, _json("filters", filters))
        if name is None:
            raise DoesNotExistError(f"{doctype} not found", doctype=doctype)
    if name in (None, ""):
        raise ValidationError("Either name or filters is required")
    return _read(meta, name)


@whitelist(name="frappe.client.get_value")
def get_value(doctype: str, fieldname: Any, filters: Any = None, as_dict: Any = True, debug: Any = False,
              parent: Any = None) -> Any:
    """Field values of the first matching document: a dict (``as_dict``), else a scalar or a list; ``{}``
    (or None) when nothing matches."""
    meta = _meta(doctype)
    names = _fieldnames("fieldname", fieldname)
    decoded = _json("filters", filters) if isinstance(filters, str) and filters.strip()[:1] in "[{" else filters
    if isinstance(decoded, (str, int)) and decoded != "":
        decoded = {"name": decoded}
    if meta.options.issingle:
        row = {key: value for key, value in _read(meta, meta.doctype).items() if key in names}
    else:
        row = _first_row(meta, decoded, names, current_user(), parent)
    if parse_bool("as_dict", as_dict, True):
        return row or {}
    if row is None:
        return None
    return row[names[0]] if len(names) == 1 else [row[key] for key in names]


@whitelist(name="frappe.client.get_single_value")
def get_single_value(doctype: str, field: str) -> Any:
    """One field of a Single DocType."""
    meta = _meta(doctype)
    if not meta.options.issingle:
        raise ValidationError(f"{doctype} is not a Single DocType")
    if meta.get_field(field) is None:
        raise ValidationError(f"Field not permitted in query: {field}")
    return _read(meta, meta.doctype).get(field)


@whitelist(name="frappe.client.set_value", methods=WRITE)
def set_value(doctype: str, name: str, fieldname: Any, value: Any = None) -> dict[str, Any]:
    """Set one field (``fieldname``/``value``, never a standard one) or several (``fieldname`` as a dict, e.g. a
    whole document: its standard fields are not stored, a ``modified`` must be the stored one) and answer the
    document. A child row is changed through its parent, which is saved and answered."""
    decoded = _json("fieldname", fieldname) if isinstance(fieldname, str) and fieldname.strip()[:1] == "{" \
        else fieldname
    if not isinstance(decoded, (dict, str)):
        raise ValidationError("'fieldname' must be a field name or an object of field values")
    if isinstance(decoded, str) and decoded in STANDARD:
        raise ValidationError("Cannot edit standard fields")
    values = decoded if isinstance(decoded, dict) else {decoded: value}
    meta = _meta(doctype)
    if meta.options.istable:
        parent_meta, parent_name = update_row(meta, name, values, current_user())
        return _written(parent_meta, parent_name)
    saved = document.update_doc(meta, meta.doctype if meta.options.issingle else name, values, current_user())
    return _written(meta, saved)


def _insert_one(doc: dict[str, Any]) -> Any:
    doc = dict(doc)
    doctype = doc.pop("doctype", None)
    meta = _meta(doctype)
    if meta.options.istable and doc.get("parenttype") and doc.get("parent") and doc.get("parentfield"):
        parent_meta = _meta(doc["parenttype"])
        current = document.get_doc(parent_meta, doc["parent"], current_user())
        rows = [*current.get(doc["parentfield"], []), doc]
        document.update_doc(parent_meta, doc["parent"], {doc["parentfield"]: rows}, current_user())
        return parent_meta, doc["parent"]
    return meta, document.insert_doc(meta, doc, current_user())


@whitelist(name="frappe.client.insert", methods=WRITE)
def insert(doc: Any) -> dict[str, Any]:
    """Insert a document (``doc`` with its ``doctype``); a child row is added to its parent, answered whole."""
    meta, name = _insert_one(_doc_dict(doc))
    return _written(meta, name)


@whitelist(name="frappe.client.insert_many", methods=WRITE)
def insert_many(docs: Any) -> list[Any]:
    """Insert up to 200 documents, all or none, and answer their names."""
    decoded = _json("docs", docs)
    if not isinstance(decoded, list):
        raise ValidationError("'docs' must be a list")
    if len(decoded) > MAX_INSERT_MANY:
        raise ValidationError(f"Only {MAX_INSERT_MANY} inserts allowed in one request")
    with transaction.atomic():
        return [_insert_one(_doc_dict(doc))[1] for doc in decoded]


@whitelist(name="frappe.client.save", methods=WRITE)
def save(doc: Any) -> dict[str, Any]:
    """Save a whole document sent back by the client (a stale ``modified`` is refused)."""
    doc = _doc_dict(doc)
    meta = _meta(doc.get("doctype"))
    name = document.update_doc(meta, doc.get("name"), doc, current_user())
    return _written(meta, name)


@whitelist(name="frappe.client.rename_doc", methods=WRITE)
def rename_doc(doctype: str, old_name: str, new_name: str, merge: bool = False) -> str:
    """Rename a document (and every Link to it); answers the new name."""
    return document.rename_doc(_meta(doctype), old_name, new_name, current_user(), merge=merge)


@whitelist(name="frappe.client.submit", methods=WRITE)
def submit(doc: Any = None, doclist: Any = None) -> dict[str, Any]:
    """Submit the document sent (``doc``, or ``doclist`` from older clients), saving its values too."""
    doc = _doc_dict(doc if doc is not None else doclist, "doc")
    meta = _meta(doc.get("doctype"))
    name = document.update_doc(meta, doc.get("name"), {**doc, "docstatus": 1}, current_user())
    return _written(meta, name)


@whitelist(name="frappe.client.cancel", methods=WRITE)
def cancel(doctype: str, name: str) -> dict[str, Any]:
    """Cancel a submitted document and answer it."""
    meta = _meta(doctype)
    document.cancel_doc(meta, name, current_user())
    return _written(meta, name)


@whitelist(name="frappe.client.delete", methods=("POST", "DELETE"))
def delete(doctype: str, name: str) -> None:
    """Delete a document (answers ``{}``)."""
    document.delete_doc(_meta(doctype), name, current_user())


@whitelist(name="frappe.client.bulk_update", methods=WRITE)
def bulk_update(docs: Any) -> dict[str, Any]:
    """Update many documents (``doctype`` and ``docname`` name each; ``flags`` is dropped), each on its own:
    the failures are answered as sent with ``exc`` (``<error type>: <message>``), the rest saved
    (``document.bulk``)."""
    decoded = _json("docs", docs)
    if not isinstance(decoded, list):
        raise ValidationError("'docs' must be a list")
    entries = [{key: value for key, value in entry.items() if key != "flags"} if isinstance(entry, dict) else {}
               for entry in decoded]

    def named(entry: dict[str, Any]) -> tuple[Any, Any, dict[str, Any]]:
        data = {key: value for key, value in entry.items() if key not in ("doctype", "docname")}
        return _meta(entry.get("doctype")), entry.get("docname", entry.get("name")), data

    outcome = bulk.update_many(entries, named, current_user())
    return {"failed_docs": [{"doc": failure.item, "exc": f"{failure.exc_type}: {failure.error.message}"}
                            for failure in outcome.failed]}


@whitelist(name="frappe.client.has_permission")
def has_permission_(doctype: str, docname: str, perm_type: str = "read") -> dict[str, bool]:
    """Whether the user holds ``perm_type`` on the document."""
    meta = _meta(doctype)
    user = current_user()
    ptype = str(perm_type)
    if permission_scope(meta, ptype, user) == "none":  # decided before any lookup of the name
        return {"has_permission": False}
    if permission_scope(meta, "select", user) == "none":  # names are not theirs to know: the DocType answers
        return {"has_permission": not rows_restricted(meta, user, ptype)}
    instance = _stored(meta, docname)
    return {"has_permission": instance is not None and document_permitted(meta, ptype, user, instance)}


def _stored(meta: Any, name: Any) -> Any:
    """The stored instance named ``name`` (no row lock), or None."""
    try:
        return meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).first()
    except DoesNotExistError:
        return None


@whitelist(name="frappe.client.get_doc_permissions")
def get_doc_permissions(doctype: str, docname: str) -> dict[str, dict[str, int]]:
    """Every right the user holds on the document, as 0/1."""
    meta = _meta(doctype)
    user = current_user()
    check_permission(meta, "read", user)  # before any lookup: a caller who cannot read learns nothing of names
    instance = _stored(meta, docname)
    if instance is None:
        raise not_found(meta, docname)
    return {"permissions": {right: int(document_permitted(meta, right, user, instance)) for right in RIGHTS}}


@whitelist(name="frappe.client.validate_link", read_only=True)
def validate_link(doctype: str, docname: str, fields: Any = None) -> dict[str, Any]:
    """``{"name": <name or None>, <field>: value...}`` for a Link value; needs select or read."""
    meta = _meta(doctype)
    user = current_user()
    if not (has_permission(meta, "select", user) or has_permission(meta, "read", user)):
        raise PermissionError(f"You do not have Read or Select Permissions for {doctype}")
    names = _fieldnames("fields", fields) if fields not in (None, "") else []
    return _first_row(meta, {"name": docname}, ["name", *names], user) or {"name": None}


@whitelist(name="frappe.client.get_time_zone", allow_guest=True, read_only=True)
def get_time_zone() -> dict[str, str]:
    """The site's time zone (the operator's ``System Settings.time_zone`` when set)."""
    return {"time_zone": api_settings.TIME_ZONE or settings.TIME_ZONE}
