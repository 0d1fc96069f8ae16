"""The v1 (``/api/resource``) and v2 (``/api/v2/document``, ``/api/v2/doctype``) paths of each DocType, with the
operations the caller's rights allow, their parameters, envelopes and error bodies."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..meta import DocTypeMeta
from .components import ERROR_STATUSES, Perspective
from .fieldtypes import json_type
from .parameters import count_parameters, list_parameters, query

READ_ERRORS = (400, 401, 403, 404, 413, 415, 417, 429, 503)
WRITE_ERRORS = (*READ_ERRORS, 409)


def ref(kind: str, name: str) -> dict[str, str]:
    """A ``$ref`` to ``#/components/{kind}/{name}``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def errors(version: int | str, statuses: tuple[int, ...] = READ_ERRORS) -> dict[str, Any]:
    """The error responses of an operation, by status code (``version``: 1, 2, or ``Method``)."""
    family = f"V{version}" if isinstance(version, int) else version
    return {str(status): ref("responses", f"{family}Error{status}") for status in statuses if status in ERROR_STATUSES}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def envelope(key: str, schema: dict[str, Any], **extra: dict[str, Any]) -> dict[str, Any]:
    """``{key: schema}`` (required), with optional ``extra`` properties."""
    return {"type": "object", "required": [key], "properties": {key: schema, **extra}}


def json_body(schema: dict[str, Any], *, form: bool = False) -> dict[str, Any]:
    """A JSON request body (v1 also takes the document as a form field ``data`` holding JSON)."""
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if form:
        content["application/x-www-form-urlencoded"] = {"schema": {
            "type": "object", "properties": {"data": {"type": "string", "description": "The document as JSON."}}}}
    return {"required": True, "content": content}


def operation(tag: str, operation_id: str, summary: str, responses: dict[str, Any], *,
              parameters: list[dict[str, Any]] | None = None, body: dict[str, Any] | None = None,
              description: str | None = None) -> dict[str, Any]:
    """One operation object."""
    op: dict[str, Any] = {"tags": [tag], "operationId": operation_id, "summary": summary}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = body
    op["responses"] = responses
    return op


def name_parameter(meta: DocTypeMeta) -> dict[str, Any]:
    """The ``{name}`` path parameter."""
    schema = {"type": "string", "enum": [meta.doctype]} if meta.options.issingle else {
        "type": json_type(meta.name.model_field) or "string"}
    return {"name": "name", "in": "path", "required": True, "schema": schema,
            "description": f"The {meta.doctype}'s name" + (f" (always `{meta.doctype}`: a Single)"
                                                            if meta.options.issingle else ".")}


BULK_RESULT = {"type": "object", "properties": {
    **{key: {"type": "array"} for key in ("deleted", "updated", "inserted", "failed")},
    **{key: {"type": "integer"} for key in ("total", "success_count", "failure_count")}}}

DEBUG_V1 = {"exc": {"type": "string"}, "_debug_messages": {"type": "string", "description": "With debug=1."}}


def doctype_paths(perspective: Perspective, meta: DocTypeMeta) -> dict[str, dict[str, Any]]:
    """Every path of one DocType the caller may read, with the operations the caller's rights allow."""
    schema = perspective.name_of(meta.doctype)
    segment = quote(meta.doctype, safe="")
    tag = meta.doctype
    read = ref("schemas", schema)
    list_row = {"anyOf": [ref("schemas", schema + "ListRow"), {"type": "array", "description": "With as_dict=0."}]}
    name = name_parameter(meta)
    may_create, may_write, may_delete = (perspective.may(meta, ptype) for ptype in ("create", "write", "delete"))
    v1_list: dict[str, Any] = {"get": operation(
        tag, f"v1_list_{schema}", f"List {meta.doctype} documents", {
            "200": json_response("The rows", envelope("data", {"type": "array", "items": list_row}, **DEBUG_V1)),
            **errors(1)}, parameters=list_parameters(meta, 1))}
    v1_doc: dict[str, Any] = {
        "get": operation(tag, f"v1_get_{schema}", f"Read a {meta.doctype}", {
            "200": json_response("The document", envelope("data", read)), **errors(1)},
            parameters=[name, query("expand_links", "`1`: Links answer the linked document instead of its name.",
                                    {"type": "string", "enum": ["0", "1", "true", "false"]})])}
    v2_list: dict[str, Any] = {"get": operation(
        tag, f"v2_list_{schema}", f"List {meta.doctype} documents", {
            "200": json_response("The rows", envelope("data", {"type": "array", "items": list_row}, has_next_page={
                "type": "boolean"}, count={"type": "integer", "description": "With include=count."},
                debug={"type": "array", "items": {"type": "object"}})), **errors(2)},
        parameters=list_parameters(meta, 2))}
    v2_doc: dict[str, Any] = {"get": operation(tag, f"v2_get_{schema}", f"Read a {meta.doctype}", {
        "200": json_response("The document (null fields as null)", envelope("data", read)), **errors(2)},
        parameters=[name])}
    if may_create:
        v1_list["post"] = operation(tag, f"v1_create_{schema}", f"Create a {meta.doctype}", {
            "200": json_response("The created document", envelope("data", read)), **errors(1, WRITE_ERRORS)},
            body=json_body(ref("schemas", schema + "Create"), form=True))
        v2_list["post"] = operation(tag, f"v2_create_{schema}", f"Create a {meta.doctype}", {
            "200": json_response("The created document", envelope("data", read)), **errors(2, WRITE_ERRORS)},
            body=json_body(ref("schemas", schema + "Create")))
    if may_write:
        v1_doc["put"] = operation(tag, f"v1_update_{schema}", f"Update a {meta.doctype} (the fields sent)", {
            "200": json_response("The saved document", envelope("data", read)), **errors(1, WRITE_ERRORS)},
            parameters=[name], body=json_body(ref("schemas", schema + "Update"), form=True))
        for verb in ("patch", "put"):
            v2_doc[verb] = operation(tag, f"v2_{verb}_{schema}", f"Update a {meta.doctype} (the fields sent)", {
                "200": json_response("The saved document", envelope("data", read)), **errors(2, WRITE_ERRORS)},
                parameters=[name], body=json_body(ref("schemas", schema + "Update")))
    if may_delete:
        v1_doc["delete"] = operation(tag, f"v1_delete_{schema}", f"Delete a {meta.doctype}", {
            "202": json_response("Deleted", envelope("data", {"const": "ok"}, message={"const": "ok"})),
            **errors(1, WRITE_ERRORS)}, parameters=[name])
        v2_doc["delete"] = operation(tag, f"v2_delete_{schema}", f"Delete a {meta.doctype}", {
            "202": json_response("Deleted", envelope("data", {"const": "ok"})), **errors(2, WRITE_ERRORS)},
            parameters=[name])
    paths = {
        f"/api/resource/{segment}": v1_list,
        f"/api/resource/{segment}/{{name}}": v1_doc,
        f"/api/v2/document/{segment}": v2_list,
        f"/api/v2/document/{segment}/{{name}}": v2_doc,
        f"/api/v2/doctype/{segment}/count": {"get": operation(
            tag, f"v2_count_{schema}", f"Count {meta.doctype} documents",
            {"200": json_response("How many match", envelope("data", {"type": "integer"})), **errors(2)},
            parameters=count_parameters(meta))},
        f"/api/v2/doctype/{segment}/meta": {"get": operation(
            tag, f"v2_meta_{schema}", f"The {meta.doctype} DocType's metadata (logged-in users)",
            {"200": json_response("Frappe's Meta", envelope("data", {"type": "object"})), **errors(2)})},
    }
    if may_create:
        paths[f"/api/v2/document/{segment}/{{name}}/copy"] = {"get": operation(
            tag, f"v2_copy_{schema}", f"An unsaved copy of a {meta.doctype}",
            {"200": json_response("The copy (no name, owner, timestamps)", envelope("data", {"type": "object"})),
             **errors(2)}, parameters=[name])}
    name_type = {"type": json_type(meta.name.model_field) or "string"}
    named_update = {"allOf": [ref("schemas", schema + "Update"), {"required": ["name"], "properties": {
        "name": name_type}}]}
    bulk_actions = (("bulk_delete", may_delete, "names", name_type), ("bulk_update", may_write, "docs", named_update),
                    ("bulk_insert", may_create, "docs", ref("schemas", schema + "Create")))
    for action, allowed, key, items in bulk_actions:
        if allowed:
            paths[f"/api/v2/document/{segment}/{action}"] = {"post": operation(
                tag, f"v2_{action}_{schema}", f"{action.replace('_', ' ').capitalize()} {meta.doctype} documents, "
                "each on its own (failures are listed, the others kept)",
                {"200": json_response("What was done", envelope("data", BULK_RESULT)), **errors(2, WRITE_ERRORS)},
                body=json_body(envelope(key, {"type": "array", "items": items})))}
    return paths
