"""The benchmark's requests: each asked of every contender, which must answer the same rows.

Contenders: (a) ``a``, plain Django views; (b) ``b``, a DRF ModelViewSet; (c)
``c_v1`` and ``c_v2``, frappe_api's ``/api/resource`` (and
``frappe.client.get_count``) and ``/api/v2``. Plain data and functions only:
the driver imports this module without setting Django up.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

CONTENDERS = ("a", "b", "c_v1", "c_v2")
LABELS = {"a": "(a) plain Django", "b": "(b) DRF ModelViewSet", "c_v1": "(c) frappe_api v1",
          "c_v2": "(c) frappe_api v2"}
LIST_FIELDS = ["name", "description", "status", "date", "project"]
CREATE_MARKER = "bench create"
DEEP_START = 50_000
CREATE_KEYS = ("description", "status", "priority", "date", "project", "owner", "docstatus")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


@dataclass(frozen=True)
class Call:
    """One HTTP request of one contender, and the key of its answer holding the rows ("" for the whole body)."""

    method: str
    path: str
    envelope: str = "data"
    body: bytes | None = None


@dataclass(frozen=True)
class Scenario:
    """One row of the results table: ``kind`` is ``list``, ``read``, ``create`` or ``count``."""

    key: str
    title: str
    kind: str
    calls: dict[str, Call]


def _url(path: str, **params: Any) -> str:
    encoded = {key: json.dumps(value, separators=(",", ":")) if isinstance(value, (list, dict)) else value
               for key, value in params.items()}
    return f"{path}?{urlencode(encoded)}"


def _list(key: str, title: str, *, equals: dict[str, str] | None = None, either: dict[str, str] | None = None,
          start: int = 0, length: int = 20) -> Scenario:
    equals, either = equals or {}, either or {}
    filters = [[field, "=", value] for field, value in equals.items()]
    or_filters = [[field, "=", value] for field, value in either.items()]
    frappe = {"fields": LIST_FIELDS, **({"filters": filters} if filters else {}),
              **({"or_filters": or_filters} if or_filters else {})}
    plain = {**equals, **{f"either_{field}": value for field, value in either.items()}}
    return Scenario(key, title, "list", {
        "a": Call("GET", _url("/plain/todo", fields=",".join(LIST_FIELDS), **plain, offset=start, limit=length)),
        "b": Call("GET", _url("/drf/todo/", **plain, offset=start, limit=length), envelope="results"),
        "c_v1": Call("GET", _url("/api/resource/ToDo", **frappe, limit_start=start, limit_page_length=length)),
        "c_v2": Call("GET", _url("/api/v2/document/ToDo", **frappe, start=start, limit=length)),
    })


def deep_start(rows: int) -> int:
    """Where the deep page starts: ``limit_start=50000``, or half-way into a smaller table (``--quick``), so
    that it is never past the end (DRF's paginator skips the row query there, which would flatter it)."""
    return min(DEEP_START, rows // 2)


def scenarios(document: str, project: str, rows: int) -> list[Scenario]:
    """Every request, in the order they are timed (the create last: it adds rows)."""
    start = deep_start(rows)
    body = json.dumps({"description": f"{CREATE_MARKER} row", "status": "Open", "priority": "Medium",
                       "date": "2025-06-01", "project": project}).encode()
    return [
        _list("list_20", "20 rows, 5 fields, 2 filters", equals={"status": "Open", "priority": "High"}),
        _list("list_500", "500 rows, 5 fields", length=500),
        _list("or_filters", "20 rows, Link filter + or_filters", equals={"project": project},
              either={"status": "Cancelled", "priority": "High"}),
        _list("deep_page", f"20 rows at limit_start={start}", start=start),
        Scenario("read", "one document, every field", "read", {
            "a": Call("GET", f"/plain/todo/{document}"),
            "b": Call("GET", f"/drf/todo/{document}/", envelope=""),
            "c_v1": Call("GET", f"/api/resource/ToDo/{document}"),
            "c_v2": Call("GET", f"/api/v2/document/ToDo/{document}"),
        }),
        Scenario("count", "count with a filter", "count", {
            "a": Call("GET", _url("/plain/todo/count", status="Open")),
            "b": Call("GET", _url("/drf/todo/count/", status="Open"), envelope="count"),
            "c_v1": Call("GET", _url("/api/method/frappe.client.get_count", doctype="ToDo",
                                     filters={"status": "Open"}), envelope="message"),
            "c_v2": Call("GET", _url("/api/v2/doctype/ToDo/count", filters={"status": "Open"})),
        }),
        Scenario("create", "create one document (POST)", "create", {
            "a": Call("POST", "/plain/todo", body=body),
            "b": Call("POST", "/drf/todo/", envelope="", body=body),
            "c_v1": Call("POST", "/api/resource/ToDo", body=body),
            "c_v2": Call("POST", "/api/v2/document/ToDo", body=body),
        }),
    ]


SERIES_PATH = "/api/resource/Sales%20Order"
SERIES_CHILD_ROWS = 3


def series_insert(project: str) -> Call:
    """frappe_api only: a Sales Order named by the series ``SO-.#####`` with three child rows (v1 POST)."""
    body = {"project": project, "transaction_date": "2025-06-01", "remarks": f"{CREATE_MARKER} series",
            "items": [{"item_code": f"ITEM-{number}", "qty": number, "rate": 10}
                      for number in range(1, SERIES_CHILD_ROWS + 1)]}
    return Call("POST", SERIES_PATH, body=json.dumps(body).encode())


def _value(value: Any) -> Any:
    """Datetimes in one spelling (Frappe's ``YYYY-MM-DD HH:MM:SS.ffffff``, DRF's and orjson's ISO 8601)."""
    if isinstance(value, str) and _DATETIME.match(value):
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)  # the bench site's time zone
        return parsed.astimezone(datetime.timezone.utc).isoformat()
    return value


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _value(value) for key, value in row.items() if key != "doctype" and value is not None}


def normalise(scenario: Scenario, call: Call, body: Any) -> Any:
    """What every contender must agree on: the rows (or document, or count) without envelope or spelling."""
    answer = body[call.envelope] if call.envelope else body
    if scenario.kind == "list":
        return [_row(row) for row in answer]
    if scenario.kind == "read":
        return _row(answer)
    if scenario.kind == "create":
        return {key: _value(answer.get(key)) for key in CREATE_KEYS}
    return answer
