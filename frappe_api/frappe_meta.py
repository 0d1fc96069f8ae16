"""A DocType's metadata shaped as Frappe's ``Meta`` (``GET /api/v2/doctype/{doctype}/meta`` and
``frappe.desk.form.load.getdoctype``): pass the DocType as the caller may read it (``gate.readable_meta``)."""

from __future__ import annotations

from typing import Any

from django.db.models import NOT_PROVIDED

from .meta import APIField, DocTypeMeta
from .permissions import RIGHTS
from .registry import registry


def _field(meta: DocTypeMeta, api_field: APIField) -> dict[str, Any]:
    model_field = api_field.model_field
    options = None
    if api_field.fieldtype == "Select" and model_field is not None:
        options = "\n".join(str(value) for value, _ in model_field.choices)
    elif api_field.is_link:
        target = registry.for_model(api_field.link_model)
        options = target.doctype if target else api_field.link_model._meta.object_name
    default = None
    if model_field is not None and model_field.default is not NOT_PROVIDED and not callable(model_field.default):
        default = model_field.default
    return {
        "fieldname": api_field.fieldname,
        "fieldtype": api_field.fieldtype,
        "label": api_field.label,
        "options": options,
        "reqd": int(api_field.reqd),
        "read_only": int(api_field.read_only or api_field.standard or api_field.attname is None),
        "hidden": 0,
        "unique": int(bool(model_field is not None and model_field.unique)),
        "length": getattr(model_field, "max_length", None) or 0,
        "default": default,
        "permlevel": meta.field_permlevels.get(api_field.fieldname, 0),
        **_list_flags(meta, api_field.fieldname),
    }


def _list_flags(meta: DocTypeMeta, fieldname: str) -> dict[str, int]:
    """The title and search fields are the ones a list shows and filters on."""
    searched = fieldname in meta.options.search_fields
    return {"in_list_view": int(searched or fieldname == meta.options.title_field),
            "in_standard_filter": int(searched)}


def as_frappe_meta(meta: DocTypeMeta) -> dict[str, Any]:
    """``name``, ``fields`` (standard fields left out, as in Frappe's Meta), naming, flags and permissions."""
    fields = [_field(meta, api_field) for api_field in meta.fields.values() if not api_field.standard]
    for table in meta.child_tables.values():
        fields.append({"fieldname": table.fieldname, "fieldtype": "Table", "label": table.fieldname.title(),
                       "options": table.doctype, "reqd": 0, "read_only": 0, "hidden": 0, "unique": 0,
                       "length": 0, "default": None, "permlevel": 0, "in_list_view": 0, "in_standard_filter": 0})
    for idx, field in enumerate(fields, 1):
        field.update({"idx": idx, "doctype": "DocField", "parent": meta.doctype, "parentfield": "fields",
                      "parenttype": "DocType"})
    sort_field, sort_order = (meta.default_order[-1] if meta.default_order else ("modified", "desc"))
    return {
        "name": meta.doctype,
        "doctype": "DocType",
        "fields": fields,
        "autoname": meta.naming_rule,
        "is_submittable": int(meta.options.is_submittable),
        "istable": int(meta.options.istable),
        "issingle": int(meta.options.issingle),
        "is_tree": int(bool(meta.options.tree_parent_field)),
        "allow_rename": int(meta.options.allow_rename),
        "title_field": meta.options.title_field,
        "search_fields": ",".join(name for name in meta.options.search_fields if name in meta.fields) or None,
        "show_title_field_in_link": int(meta.options.show_title_field_in_link),
        "sort_field": sort_field,
        "sort_order": sort_order.upper(),
        "permissions": [{"role": rule.role, "permlevel": rule.permlevel, "if_owner": int(rule.if_owner),
                         **{right: int(right in rule.rights) for right in RIGHTS}} for rule in meta.permissions],
    }
