"""``frappe.desk.search``: the Link-field search of frappe-react-sdk's ``useSearch`` and frappe-ui's ``Link``.

One query per search, built from the read gate's rows: the name, the title
field and the DocType's ``search_fields`` are matched with ``like %txt%``,
the client's ``filters`` applied, enabled documents only (when the DocType has
an ``enabled``/``disabled`` check), in Frappe's order (names containing the
text earliest first, then the DocType's sort order); the page is then sorted
as Frappe sorts it, names starting with the text first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast, Lower, StrIndex

from ..arguments import parse_json_param, query_config
from ..conf import api_settings
from ..document.listing import GateResolver
from ..exceptions import DataError
from ..gate import meta_for, readable_meta, readable_rows
from ..meta import APIField, DocTypeMeta
from ..permissions import check_permission, has_permission, permitted_queryset
from ..query.compile import Compiler, filter_queryset, ordering_for
from ..query.params import parse_bool, parse_int
from .context import current_user
from .whitelist import whitelist

TEXT_FIELDTYPES = frozenset({"Data", "Text", "Select", "Link"})
"""Field types a search text is matched against (Frappe's text-like types, as this server names them)."""

RELEVANCE = "_frappe_relevance"


def _searchable_rows(meta: DocTypeMeta, user: Any) -> QuerySet:
    """The rows ``user`` may find: those they may read, else (``select`` only) those they may select."""
    if has_permission(meta, "read", user):
        return readable_rows(meta, user)
    if meta.options.istable or not has_permission(meta, "select", user):
        check_permission(meta, "read", user)  # raises Frappe's 403
    return permitted_queryset(meta, user, "select")


def _field(meta: DocTypeMeta, fieldname: str) -> APIField | None:
    return meta.get_field(fieldname.strip()) if isinstance(fieldname, str) else None


def _columns(meta: DocTypeMeta, searchfield: str, filter_fields: Any) -> list[APIField]:
    """The fields each result carries: name, title field, ``searchfield``, the search fields, then
    ``filter_fields``; those the user may not read are left out (a requested one is a 417)."""
    key = _field(meta, searchfield)
    if key is None:
        raise DataError(f"Invalid Search Field {searchfield}")
    names = ["name", meta.options.title_field or "", key.fieldname, *meta.options.search_fields]
    extra = parse_json_param("filter_fields", filter_fields) if filter_fields not in (None, "") else []
    if not isinstance(extra, list) or not all(isinstance(name, str) for name in extra):
        raise DataError("'filter_fields' must be a list of field names")
    for name in extra:
        if _field(meta, name) is None:
            raise DataError(f"Field not permitted in query: {name}")
    columns: dict[str, APIField] = {}
    for name in [*names, *extra]:
        api_field = _field(meta, name)
        if api_field is not None:
            columns.setdefault(api_field.fieldname, api_field)
    return list(columns.values())


def _only_enabled(meta: DocTypeMeta, queryset: QuerySet) -> QuerySet:
    """Leave out documents switched off by an ``enabled`` (or on by a ``disabled``) check, as Frappe does."""
    enabled, disabled = meta.fields.get("enabled"), meta.fields.get("disabled")
    if enabled is not None and enabled.fieldtype == "Check":
        queryset = queryset.filter(**{enabled.lookup: True})
    if disabled is not None and disabled.fieldtype == "Check":
        queryset = queryset.exclude(**{disabled.lookup: True})
    return queryset


def search(doctype: Any, txt: Any, *, searchfield: Any = None, start: Any = 0, page_length: Any = 10,
           filters: Any = None, filter_fields: Any = None, as_dict: bool = False
           ) -> tuple[DocTypeMeta, list[APIField], list[Any]]:
    """The matching rows (lists, or dicts with ``as_dict``) for the current user, with the DocType and the
    fields each row holds, in Frappe's order."""
    user = current_user()
    meta = meta_for(doctype, user)  # the fields this user may read
    rows = _searchable_rows(meta, user)
    txt = txt.strip() if isinstance(txt, str) else ("" if txt is None else str(txt))
    columns = _columns(meta, searchfield or "name", filter_fields)

    decoded = parse_json_param("filters", filters)
    include_disabled = False
    if isinstance(decoded, dict) and "include_disabled" in decoded:
        include_disabled = str(decoded["include_disabled"]) in ("1", "True", "true")
        decoded = {key: value for key, value in decoded.items() if key != "include_disabled"}
    matches = []
    if txt:
        searched = ["name", meta.options.title_field or "", *meta.options.search_fields]
        for name in dict.fromkeys(searched):
            api_field = _field(meta, name)
            if api_field is not None and (name == "name" or api_field.fieldtype in TEXT_FIELDTYPES):
                matches.append([api_field.fieldname, "like", f"%{txt}%"])
    compiler = Compiler(readable_meta(meta, user), GateResolver(user), query_config())
    queryset = filter_queryset(rows, decoded, matches, compiler)
    if not include_disabled:
        queryset = _only_enabled(meta, queryset)

    ordering = ordering_for(meta, "", compiler)
    needle = txt.replace("%", "").replace("@", "").lower()
    if needle:
        position = StrIndex(Lower(Cast(meta.name.lookup, CharField())), Value(needle))
        queryset = queryset.alias(**{RELEVANCE: position})
        not_found = Case(When(**{RELEVANCE: 0}, then=Value(1)), default=Value(0), output_field=IntegerField())
        idx = meta.fields.get("idx")
        ordering = [not_found.asc(), F(RELEVANCE).asc(), *([F(idx.lookup).desc()] if idx else []), *ordering]
    first = parse_int("start", start, 0)
    length = min(parse_int("page_length", page_length, 10) or api_settings.MAX_PAGE_LENGTH,
                 api_settings.MAX_PAGE_LENGTH)
    values = list(queryset.order_by(*ordering).values_list(*(column.lookup for column in columns))
                  [first:first + length])

    folded = txt.casefold()
    values.sort(key=lambda row: (not str(row[0]).casefold().startswith(folded), str(row[0])))
    if as_dict:
        keys = [column.fieldname for column in columns]
        return meta, columns, [dict(zip(keys, row)) for row in values]
    return meta, columns, [list(row) for row in values]


def autosuggest(meta: DocTypeMeta, columns: list[APIField], rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Frappe's Link suggestions: ``value`` (the name), ``description`` (the other values, joined once each)
    and ``label`` (the title when the DocType shows it in links, else the name)."""
    title = meta.options.title_field
    title_index = next((index for index, column in enumerate(columns) if column.fieldname == title), None)
    results = []
    for row in rows:
        if meta.options.show_title_field_in_link and title_index is not None:
            label = row[title_index]
            parts = [row[0], *(value for index, value in enumerate(row[1:], 1) if index != title_index)]
        else:
            label, parts = row[0], list(row[1:])
        description = ", ".join(dict.fromkeys(str(part) for part in parts if part))
        suggestion = {"value": row[0], "description": description}
        if label not in (None, ""):
            suggestion["label"] = label
        results.append(suggestion)
    return results


@whitelist(name="frappe.desk.search.search_link", read_only=True)
def search_link(doctype: str, txt: Any = "", query: Any = None, filters: Any = None, page_length: Any = 10,
                searchfield: Any = None, reference_doctype: Any = None, ignore_user_permissions: Any = False,
                link_fieldname: Any = None) -> list[dict[str, Any]]:
    """Suggestions for a Link field: ``[{value, description, label}]``."""
    _refuse_custom_query(query)
    meta, columns, rows = search(doctype, txt, searchfield=searchfield, page_length=page_length, filters=filters)
    return autosuggest(meta, columns, rows)


@whitelist(name="frappe.desk.search.search_widget", read_only=True)
def search_widget(doctype: str, txt: Any = "", query: Any = None, searchfield: Any = None, start: Any = 0,
                  page_length: Any = 10, filters: Any = None, filter_fields: Any = None, as_dict: Any = False,
                  reference_doctype: Any = None, ignore_user_permissions: Any = False,
                  link_fieldname: Any = None) -> list[Any]:
    """The matching rows as lists (name first), or as dicts with ``as_dict``."""
    _refuse_custom_query(query)
    _, _, rows = search(doctype, txt, searchfield=searchfield, start=start, page_length=page_length,
                        filters=filters, filter_fields=filter_fields, as_dict=parse_bool("as_dict", as_dict, False))
    return rows


def _refuse_custom_query(query: Any) -> None:
    """Frappe runs ``query`` as a server method; this server has none to run, so it refuses rather than
    ignore a condition the client relies on."""
    if query not in (None, ""):
        raise DataError(f"Custom search query {query} is not available")
