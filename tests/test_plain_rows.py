"""Lists whose columns hold no date-time (``PlainRows``) are rendered by orjson with no call per value, and answer
the same bytes as the general path; a list holding a date-time, a time or an aggregate over one keeps Frappe's
spelling."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from example_project.demo.models import SalesOrder, ToDo
from frappe_api.api import renderers
from frappe_api.document import listing
from frappe_api.models import DocType
from frappe_api.query import PlainRows, list_query
from frappe_api.query.values import plain_column
from frappe_api.registry import registry

from .conftest import client_for
from .factories import CustomerFactory, ToDoFactory

pytestmark = pytest.mark.django_db

MODIFIED = timezone.make_aware(datetime.datetime(2026, 3, 4, 5, 6, 7, 891011), datetime.timezone.utc)


@pytest.fixture
def todos(db):
    ToDoFactory(name="b-todo", description="Two", status="Closed", date=None, modified=MODIFIED, owner="alice")
    ToDoFactory(name="a-todo", description="One", status="Open", date=datetime.date(2026, 1, 2), modified=MODIFIED,
                owner="alice")


@pytest.fixture
def default_calls(monkeypatch):
    """Every value the renderer's ``json_default`` is asked to spell."""
    calls = []
    original = renderers.json_default
    monkeypatch.setattr(renderers, "json_default", lambda value: calls.append(value) or original(value))
    return calls


@pytest.mark.parametrize(("model", "lookup", "plain"), [
    (ToDo, "description", True),
    (ToDo, "date", True),
    (ToDo, "docstatus", True),
    (ToDo, "name", True),
    (ToDo, "modified", False),
    (ToDo, "creation", False),
    (ToDo, "allocated_to", True),  # the user's integer key
    (ToDo, "allocated_to_id", True),
    (ToDo, "allocated_to__username", True),
    (ToDo, "allocated_to__last_login", False),
    (ToDo, "missing", False),
    (ToDo, "description__missing", False),
    (ToDo, F("description"), False),
    (SalesOrder, "grand_total", True),
    (SalesOrder, "delivery_time", False),
    (SalesOrder, "items__item_code", True),
    (SalesOrder, "items__discount_percentage", True),
    (SalesOrder, "items", False),
    (SalesOrder, "customer__territory__territory_name", True),
    (SalesOrder, "customer__modified", False),
    (DocType, "field_map", False),  # a JSONField converts on read
])
def test_which_columns_are_plain(model, lookup, plain):
    assert plain_column(model, lookup) is plain


def test_a_list_of_plain_columns_renders_without_a_call_per_date(admin_client, todos, default_calls):
    path = "/api/resource/ToDo?fields=[\"name\",\"description\",\"date\",\"docstatus\"]&order_by=name asc"
    for _ in range(2):  # compiled, then from the kept statement
        answer = admin_client.get(path)
        assert answer.status_code == 200
        assert answer.content == (b'{"data":[{"name":"a-todo","description":"One","date":"2026-01-02","docstatus":0},'
                                  b'{"name":"b-todo","description":"Two","date":null,"docstatus":0}]}')
    assert default_calls == []
    assert len(listing.compiled_lists) == 1


def test_a_list_with_a_datetime_keeps_frappes_spelling(admin_client, todos, default_calls):
    answer = admin_client.get("/api/resource/ToDo?fields=[\"name\",\"date\",\"modified\"]&order_by=name asc")
    assert answer.status_code == 200
    assert answer.json() == {"data": [{"name": "a-todo", "date": "2026-01-02", "modified": "2026-03-04 05:06:07.891011"},
                                      {"name": "b-todo", "date": None, "modified": "2026-03-04 05:06:07.891011"}]}
    assert default_calls == [datetime.date(2026, 1, 2)]  # the general path (its datetimes spelt by ``dumps``)


@pytest.mark.parametrize(("fields", "expected"), [
    (["count(name) as total"], [{"total": 2}]),
    (["max(modified) as latest"], [{"latest": "2026-03-04 05:06:07.891011"}]),
    (["max(date) as latest"], [{"latest": "2026-01-02"}]),
])
def test_aggregates(admin_client, todos, fields, expected):
    answer = admin_client.get("/api/resource/ToDo", {"fields": json.dumps(fields)})
    assert answer.status_code == 200
    assert answer.json() == {"data": expected}


def test_a_time_keeps_frappes_spelling(admin_client, db):
    customer = CustomerFactory(customer_name="Acme")
    SalesOrder.objects.create(name="SO-1", customer=customer, transaction_date=datetime.date(2026, 5, 6),
                              delivery_time=datetime.time(9, 30))
    answer = admin_client.get("/api/resource/Sales Order?fields=[\"name\",\"delivery_time\",\"grand_total\"]")
    assert answer.status_code == 200
    assert answer.json() == {"data": [{"name": "SO-1", "delivery_time": "09:30:00", "grand_total": 0.0}]}


def test_v2_pages_keep_plain_rows(admin_client, todos, default_calls):
    answer = admin_client.get("/api/v2/document/ToDo?fields=[\"name\",\"date\"]&order_by=name asc&limit=1")
    assert answer.status_code == 200
    assert answer.content == b'{"data":[{"name":"a-todo","date":"2026-01-02"}],"has_next_page":true}'
    last = admin_client.get("/api/v2/document/ToDo?fields=[\"name\",\"date\"]&order_by=name asc&start=1&limit=1")
    assert last.content == b'{"data":[{"name":"b-todo","date":null}],"has_next_page":false}'
    assert default_calls == []


def test_the_rpc_list_answers_plain_rows(admin_client, todos, default_calls):
    answer = admin_client.get("/api/method/frappe.client.get_list",
                              {"doctype": "ToDo", "fields": json.dumps(["name", "date"]), "order_by": "name asc",
                               "as_dict": 0})
    assert answer.status_code == 200
    assert answer.content == b'{"message":[["a-todo","2026-01-02"],["b-todo",null]]}'
    assert default_calls == []


def test_rows_of_a_reader_of_some_rows_are_plain_too(todos):
    client_for("alice")  # All: read, if_owner
    alice = get_user_model().objects.get(username="alice")
    ToDoFactory(name="c-bobs", owner="bob", date=datetime.date(2026, 2, 3))
    answer = listing.get_list(registry.get("ToDo"),
                              lambda config: list_query(config, fields=["name", "date"], order_by="name asc"), alice)
    assert type(answer.rows) is PlainRows
    assert answer.rows == [{"name": "a-todo", "date": datetime.date(2026, 1, 2)}, {"name": "b-todo", "date": None}]
    assert len(listing.compiled_lists) == 0
    with_time = listing.get_list(registry.get("ToDo"),
                                 lambda config: list_query(config, fields=["name", "modified"]), alice)
    assert type(with_time.rows) is list


def test_only_dicts_of_plain_rows_and_scalars_skip_the_datetime_path(default_calls):
    day = datetime.date(2026, 1, 2)
    assert renderers.dumps({"data": PlainRows([{"date": day}]), "has_next_page": False, "count": 1}) == \
        b'{"data":[{"date":"2026-01-02"}],"has_next_page":false,"count":1}'
    assert default_calls == []
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 6)
    assert renderers.dumps({"data": PlainRows([{"date": day}]), "at": moment}) == \
        b'{"data":[{"date":"2026-01-02"}],"at":"2026-01-02 03:04:05.000006"}'
    assert renderers.dumps({"data": [{"date": day}]}) == b'{"data":[{"date":"2026-01-02"}]}'
    assert default_calls == [day, day]  # the general path (its datetimes spelt by ``dumps``)


def test_every_field_of_every_doctype_answers_the_same_bytes_either_way(admin_client, todos, monkeypatch):
    customer = CustomerFactory(customer_name="Acme")
    order = SalesOrder.objects.create(name="SO-1", customer=customer, transaction_date=datetime.date(2026, 5, 6),
                                      delivery_time=datetime.time(9, 30, 1, 5), modified=MODIFIED)
    order.items.create(name="SO-1-1", item_code="X", qty=2, discount_percentage=1.5, modified=MODIFIED)
    checked = 0
    for doctype in registry.doctypes():
        meta = registry.get(doctype)
        if meta.options.istable or meta.options.issingle:
            continue
        for fieldname in meta.fields:
            path = f"/api/resource/{doctype}?fields={json.dumps(['name', fieldname])}&order_by=name asc"
            listing.compiled_lists.clear()
            answer = admin_client.get(path)
            with monkeypatch.context() as patched:
                patched.setattr(renderers, "_plain", lambda data: False)
                listing.compiled_lists.clear()
                general = admin_client.get(path)
            assert (answer.status_code, answer.content) == (general.status_code, general.content), path
            checked += answer.status_code == 200
    assert checked > 40
