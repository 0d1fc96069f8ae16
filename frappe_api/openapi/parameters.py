"""The list parameters of ``/api/resource`` and ``/api/v2/document``, with the query language's grammar."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..meta import DocTypeMeta
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


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "))


@dataclass(frozen=True)
class Examples:
    """Example values drawn from the DocType's own fields, so that each example is a request that works."""

    field: str
    """A field to filter, group and sort by: a Select if there is one, else the title or first field, else name."""
    value: Any
    operator: str

    @classmethod
    def of(cls, meta: DocTypeMeta) -> Examples:
        """Examples for ``meta`` (as the caller sees it)."""
        plain = [api_field for api_field in meta.fields.values() if not api_field.standard]
        select = next((f for f in plain if f.fieldtype == "Select" and f.model_field is not None), None)
        if select is not None:
            return cls(select.fieldname, str(select.model_field.choices[0][0]), "=")
        title = meta.fields.get(meta.options.title_field or "") or next(
            (f for f in plain if f.fieldtype in ("Data", "Text") and f.model_field is not None), None)
        return cls(title.fieldname if title is not None else "name", "%a%", "like")

    def filters(self, meta: DocTypeMeta) -> dict[str, Any]:
        condition = [self.field, self.operator, self.value]
        examples = {"list": _dumps([condition]), "object": _dumps({self.field: [self.operator, self.value]})}
        if "modified" in meta.fields:
            examples["two conditions"] = _dumps([condition, ["modified", ">", "2024-01-01"]])
        return examples


def _filter_params(meta: DocTypeMeta) -> list[dict[str, Any]]:
    examples = Examples.of(meta)
    return [
        query("filters", FILTERS_GRAMMAR, STRING, examples.filters(meta)),
        query("or_filters", "Like `filters`, joined with OR (and with AND to `filters`).", STRING,
              {"list": _dumps([[examples.field, examples.operator, examples.value], ["name", "like", "%1%"]])}),
    ]


def list_parameters(meta: DocTypeMeta, version: int) -> list[dict[str, Any]]:
    """The list parameters of v1 (``limit_start``/``limit_page_length``) or v2 (``start``/``limit``), with
    examples from ``meta``'s fields."""
    examples = Examples.of(meta)
    links = [name for name, api_field in meta.fields.items() if api_field.is_link and not api_field.standard]
    parameters = [
        query("fields", FIELDS_GRAMMAR, STRING, {"aggregate": '["count(name) as total"]',
                                                "names": _dumps(list(dict.fromkeys(["name", examples.field]))),
                                                "all": '["*"]'}),
        *_filter_params(meta),
        query("order_by", ORDER_BY_GRAMMAR, STRING, {"one": f"{examples.field} asc", "two": f"{examples.field} asc, "
                                                                                           "name desc"}),
        query("group_by", "A field (or `link_field.field`) to group rows by; combine with aggregates in fields.",
              STRING, {"one": examples.field}),
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
        query("expand", "JSON list of Link fields (named in `fields`) whose linked document replaces the name in each "
              "row" + (f", e.g. `{_dumps(links[:1])}` with `fields={_dumps(['name', *links[:1]])}`." if links else "."),
              STRING),
        query("debug", "`1`: also answer the SQL run (only users allowed by DEBUG_PERMISSION; others are ignored).",
              BOOLEAN_TEXT),
    ]
    return parameters


def count_parameters(meta: DocTypeMeta) -> list[dict[str, Any]]:
    """The parameters of ``/api/v2/doctype/{doctype}/count``."""
    return _filter_params(meta)
