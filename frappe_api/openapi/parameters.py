"""The list parameters of ``/api/resource`` and ``/api/v2/document``, with the query language's grammar."""

from __future__ import annotations

from typing import Any

from ..query.filters import OPERATORS

FILTERS_GRAMMAR = (
    "JSON. A list of conditions `[fieldname, operator, value]` (or `[doctype, fieldname, operator, value]`, or "
    "`[fieldname, value]` meaning `=`), or an object `{fieldname: value}` / `{fieldname: [operator, value]}`. "
    f"Operators: {', '.join(f'`{op}`' for op in OPERATORS)} (`in`/`not in` take a list or a comma-separated "
    "string, `between` two dates or numbers, `is` `set`/`not set`, `timespan` `today`, `this week`, `last month`, "
    "...; the tree operators work on tree "
    "DocTypes). A fieldname may be `link_field.field` (a field of the linked document) or `table_field.field` "
    "(a child row's field). Conditions are joined with AND (`or_filters`: OR).")

FIELDS_GRAMMAR = (
    "JSON list of field expressions: a field name, `*` (every readable field), `link_field.field` (a field of the "
    "linked document), `table_field.field`, an aggregate `count(name)`, `sum(field)`, `avg(field)`, "
    "`min(field)`, `max(field)`, any of them followed by `as alias`; `{\"items\": [\"item_code\", \"qty\"]}` "
    "answers child rows. A bare `*` or a single field name is accepted too.")

ORDER_BY_GRAMMAR = ("Comma-separated `field [asc|desc]` terms (fields as in `fields`, aggregates allowed with "
                    "group_by). Default: the DocType's sort field, else `modified desc`.")


def query(name: str, description: str, schema: dict[str, Any], examples: dict[str, Any] | None = None,
          *, required: bool = False) -> dict[str, Any]:
    """A query parameter."""
    parameter: dict[str, Any] = {"name": name, "in": "query", "description": description, "schema": schema}
    if required:
        parameter["required"] = True
    if examples:
        parameter["examples"] = {key: {"value": value} for key, value in examples.items()}
    return parameter


STRING = {"type": "string"}
INTEGER = {"type": "integer", "minimum": 0}
BOOLEAN_TEXT = {"type": "string", "enum": ["0", "1", "true", "false"]}


def _filter_params() -> list[dict[str, Any]]:
    return [
        query("filters", FILTERS_GRAMMAR, STRING, {
            "list": '[["status", "=", "Open"], ["modified", ">", "2024-01-01"]]',
            "object": '{"status": "Open", "priority": ["in", ["High", "Medium"]]}'}),
        query("or_filters", "Like `filters`, joined with OR (and with AND to `filters`).", STRING,
              {"list": '[["status", "=", "Open"], ["status", "=", "Closed"]]'}),
    ]


def list_parameters(version: int, *, child: bool = False) -> list[dict[str, Any]]:
    """The list parameters of v1 (``limit_start``/``limit_page_length``) or v2 (``start``/``limit``)."""
    parameters = [
        query("fields", FIELDS_GRAMMAR, STRING, {"names": '["name", "status"]', "all": '["*"]',
                                                "aggregate": '["status", "count(name) as total"]'}),
        *_filter_params(),
        query("order_by", ORDER_BY_GRAMMAR, STRING, {"one": "modified desc", "two": "status asc, name desc"}),
        query("group_by", "A field (or `link_field.field`) to group rows by; combine with aggregates in fields.",
              STRING, {"status": "status"}),
    ]
    if version == 1:
        parameters += [
            query("limit_start", "Rows to skip.", INTEGER),
            query("limit_page_length", "Rows to answer (default 20; 0 answers up to MAX_PAGE_LENGTH).", INTEGER),
            query("limit", "Alias of limit_page_length.", INTEGER),
        ]
    else:
        parameters += [
            query("start", "Rows to skip.", INTEGER),
            query("limit", "Rows to answer (default 20); has_next_page tells whether more follow.", INTEGER),
            query("include", "`count`: also answer the number of matching rows in `count`.",
                  {"type": "string", "enum": ["count"]}),
        ]
    parameters += [
        query("as_dict", "`0` answers each row as a list of values in the order of `fields`.", BOOLEAN_TEXT),
        query("expand", "JSON list of Link fields whose linked document replaces the name in each row.", STRING,
              {"one": '["customer"]'}),
        query("debug", "`1`: also answer the SQL run (only users allowed by DEBUG_PERMISSION; others are ignored).",
              BOOLEAN_TEXT),
    ]
    if child:
        parameters.append(query("parent", "The parent DocType (child-table rows are read through a parent).",
                                STRING, required=True))
    return parameters


def count_parameters() -> list[dict[str, Any]]:
    """The parameters of ``/api/v2/doctype/{doctype}/count``."""
    return _filter_params()
