"""``frappe.desk.reportview``: the list calls of apps written against Frappe's own list view.

``get`` answers ``{keys, values, user_info}`` (``[]`` when nothing matches),
``get_list`` a list of rows, ``get_count`` a number; the query language and the
read gate are those of ``/api/resource``. As in Frappe, a requested field above
the caller's permission level is left out of the columns rather than refused.
"""

from __future__ import annotations

from typing import Any

from ..document import listing
from ..gate import meta_for
from ..meta import DocTypeMeta
from ..arguments import parse_fields
from ..query import ListQuery, QueryConfig, list_query
from ..query.params import first_given, parse_int
from .client import answer_debug, count
from .context import current_user
from .whitelist import whitelist


def _bare_name(column: str) -> str:
    """The field a column names: ``status`` for ``status``, ```tabToDo`.`status` as s`` and the like."""
    head = column.split(" as ")[0].split(" AS ")[0].strip()
    return head.rsplit(".", 1)[-1].strip("`").strip()


def _columns(meta: DocTypeMeta, fields: Any) -> list[str] | Any:
    """``fields`` without the fields above the user's permission level (Frappe drops them silently)."""
    names = parse_fields(fields)
    if names == ("*",) or not meta.hidden_fields:
        return list(names)
    kept = [name for name in names if _bare_name(name) not in meta.hidden_fields]
    return kept or ["name"]


def _rows(doctype: str, fields: Any, filters: Any, or_filters: Any, order_by: Any, group_by: Any, start: Any,
          page_length: Any, limit_start: Any, limit_page_length: Any, limit: Any, parent: Any, debug: Any,
          as_dict: bool = True) -> list[Any]:
    user = current_user()
    meta = meta_for(doctype, user)
    columns = _columns(meta, fields)

    def read_query(config: QueryConfig) -> ListQuery:
        length = first_given(page_length, limit_page_length, limit)
        return list_query(config, fields=columns, filters=filters, or_filters=or_filters, order_by=order_by,
                          group_by=group_by,
                          start=parse_int("limit_start", first_given(start, limit_start), 0),
                          page_length=parse_int("limit_page_length", length, config.default_page_length),
                          as_dict=as_dict, debug=debug)

    answer = listing.get_list(meta, read_query, user, parent=parent)
    answer_debug(answer.debug)
    return answer.rows


@whitelist(name="frappe.desk.reportview.get", read_only=True)
def get(doctype: str, fields: Any = None, filters: Any = None, or_filters: Any = None, order_by: Any = None,
        group_by: Any = None, start: Any = None, page_length: Any = None, limit_start: Any = None,
        limit_page_length: Any = None, limit: Any = None, parent_doctype: Any = None, debug: Any = False
        ) -> dict[str, Any] | list[Any]:
    """The rows as ``{"keys": [...], "values": [[...]], "user_info": {}}``; ``[]`` when none match."""
    rows = _rows(doctype, fields, filters, or_filters, order_by, group_by, start, page_length, limit_start,
                 limit_page_length, limit, parent_doctype, debug)
    if not rows:
        return []
    keys = list(rows[0])
    return {"keys": keys, "values": [[row.get(key) for key in keys] for row in rows], "user_info": {}}


@whitelist(name="frappe.desk.reportview.get_list", read_only=True)
def get_list(doctype: str, fields: Any = None, filters: Any = None, or_filters: Any = None,
             order_by: Any = None, group_by: Any = None, start: Any = None, page_length: Any = None,
             limit_start: Any = None, limit_page_length: Any = None, limit: Any = None, parent_doctype: Any = None,
             debug: Any = False) -> list[Any]:
    """The rows as dicts, as ``frappe.client.get_list`` answers them."""
    return _rows(doctype, fields, filters, or_filters, order_by, group_by, start, page_length, limit_start,
                 limit_page_length, limit, parent_doctype, debug)


@whitelist(name="frappe.desk.reportview.get_count", read_only=True)
def get_count(doctype: str, filters: Any = None, or_filters: Any = None, limit: Any = None,
              distinct: Any = False, parent_doctype: Any = None, debug: Any = False) -> int:
    """How many documents the user may read match; with ``limit``, counting stops there (as Frappe's)."""
    meta = meta_for(doctype, current_user())
    return count(meta, filters, or_filters, parent_doctype, debug, parse_int("limit", limit, 0))
