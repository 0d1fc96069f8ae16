"""Property tests: any filter list compiles or is a 417, and compiled filters select what Frappe's rules select."""

import datetime
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frappe_api.query import QueryConfig, Unrestricted, compile_list, fetch_rows, list_query
from frappe_api.registry import registry

from .factories import ToDoFactory

pytestmark = pytest.mark.django_db

BASE_DAY = datetime.date(2024, 3, 10)
TEXT_FIELDS = {
    "status": ["Open", "Closed", "Cancelled", "", None],
    "priority": ["Low", "Medium", "High", ""],
    "reference_name": ["", "REF-1", "REF-2", "ref-3", None],
    "description": ["Buy milk", "Sell bread", "call back", ""],
}
LIKE_PATTERNS = ["%", "%milk%", "b%", "%a_e%", "REF%", "%-1", "%L%", "_pen", ""]
DATES = [BASE_DAY + datetime.timedelta(days=offset) for offset in (-20, -1, 0, 1, 30)]
HYPOTHESIS = settings(max_examples=150, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def dataset():
    rows = [
        ("Open", "Low", "REF-1", "Buy milk", DATES[0]), ("Closed", "High", "", "Sell bread", None),
        ("Cancelled", "Medium", "ref-3", "call back", DATES[2]), ("Open", "High", "REF-2", "buy MILK fast", DATES[4]),
        ("Open", "Medium", "", "Call the bank", None), ("Closed", "Low", "REF-1", "Bake a cake", DATES[1]),
        ("Cancelled", "High", "REF-2", "Open the gate", DATES[3]), ("Open", "Low", "", "x_y", DATES[2]),
    ]
    for index, (status, priority, reference, description, day) in enumerate(rows):
        ToDoFactory(name=f"p{index}", status=status, priority=priority, reference_name=reference,
                    description=description, date=day)
    return [{"name": f"p{index}", "status": status, "priority": priority, "reference_name": reference,
             "description": description, "date": day}
            for index, (status, priority, reference, description, day) in enumerate(rows)]


def _like(pattern, value):
    if value is None:
        return False
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None


def _blank(field, value):
    return value is None or (field != "date" and value == "")


def predicate(row, field, op, value):
    """Frappe's semantics for one condition, written as plainly as possible."""
    current = row[field]
    if field == "date" and op != "is" and isinstance(value, str) and value:
        value = datetime.date.fromisoformat(value)
    if op in ("=", "!="):
        hit = _blank(field, current) if value in (None, "") else current == value
        return hit if op == "=" else not hit
    if op in ("in", "not in"):
        values = [datetime.date.fromisoformat(v) if field == "date" and v else v for v in value]
        present = [v for v in values if v not in (None, "")]
        hit = current is not None and current in present
        if len(present) < len(values) or not values:  # Frappe: an empty list is IN ('')
            hit = hit or _blank(field, current)
        return hit if op == "in" else not hit
    if op in ("like", "not like"):
        hit = _like(value, current)
        return hit if op == "like" else not hit
    if op == "is":
        return (not _blank(field, current)) if value == "set" else _blank(field, current)
    if current is None:
        return False
    return {"<": current < value, ">": current > value, "<=": current <= value, ">=": current >= value}[op]


def condition():
    text = st.sampled_from(sorted(TEXT_FIELDS)).flatmap(lambda field: st.one_of(
        st.tuples(st.just(field), st.sampled_from(["=", "!="]), st.sampled_from(TEXT_FIELDS[field])),
        st.tuples(st.just(field), st.sampled_from(["in", "not in"]),
                  st.lists(st.sampled_from([v for v in TEXT_FIELDS[field] if v is not None]), max_size=3)),
        st.tuples(st.just(field), st.sampled_from(["like", "not like"]), st.sampled_from(LIKE_PATTERNS)),
        st.tuples(st.just(field), st.just("is"), st.sampled_from(["set", "not set"])),
    ))
    iso = st.sampled_from([day.isoformat() for day in DATES])
    date = st.one_of(
        st.tuples(st.just("date"), st.sampled_from(["=", "!=", "<", ">", "<=", ">="]), iso),
        st.tuples(st.just("date"), st.sampled_from(["in", "not in"]), st.lists(iso, max_size=3)),
        st.tuples(st.just("date"), st.just("is"), st.sampled_from(["set", "not set"])),
    )
    return st.one_of(text, date).map(list)


@HYPOTHESIS
@given(filters=st.lists(condition(), max_size=3), or_filters=st.lists(condition(), max_size=3))
def test_compiled_filters_select_exactly_what_frappe_semantics_select(dataset, filters, or_filters):
    meta = registry.get("ToDo")
    config = QueryConfig()
    query = list_query(config, filters=json.dumps(filters), or_filters=json.dumps(or_filters), page_length=0)
    got = sorted(row["name"] for row in fetch_rows(compile_list(meta, query, Unrestricted(registry), config)))

    def selected(row):
        return all(predicate(row, *c) for c in filters) and (
            not or_filters or any(predicate(row, *c) for c in or_filters))

    assert got == sorted(row["name"] for row in dataset if selected(row))


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4),
                                                                                               children, max_size=2),
                           max_leaves=6)
FIELD_NAMES = st.sampled_from(["status", "date", "name", "modified", "allocated_to", "nope", "", "x)or(1", "idx"])
OPERATORS = st.sampled_from(["=", "!=", "<", "like", "in", "not in", "is", "between", "timespan", "next",
                             "descendants of", "~~", "", "IN", "Like"])


@HYPOTHESIS
@given(filters=st.one_of(
    st.lists(st.one_of(st.tuples(FIELD_NAMES, OPERATORS, JSON_VALUES).map(list),
                       st.tuples(st.sampled_from(["ToDo", "Note", "Sales Order Item"]), FIELD_NAMES, OPERATORS,
                                 JSON_VALUES).map(list),
                       JSON_VALUES), max_size=4),
    st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=3),
    JSON_VALUES,
))
def test_any_filter_list_answers_200_or_417_never_500(admin_client, filters):
    response = admin_client.get("/api/resource/ToDo", {"filters": json.dumps(filters)})
    assert response.status_code in (200, 417), (filters, response.content)
    if response.status_code == 417:
        assert response.json()["exc_type"] in ("ValidationError", "DataError")
