"""Compiled list statements (``frappe_api.query.statements``): a list's SQL kept per process and run again, only
where it depends on nothing but the query, with the same JSON and the same SQL statements as the queryset."""

import datetime
import json

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frappe_api.document import listing
from frappe_api.query import Statement
from frappe_api.registry import registry

from .conftest import client_for
from .factories import CustomerFactory, NoteFactory, ToDoFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/resource/ToDo?fields=[\"name\",\"description\",\"status\",\"date\",\"modified\",\"docstatus\",\"idx\"]",
    "/api/resource/ToDo?fields=[\"*\"]&filters=[[\"status\",\"=\",\"Open\"]]&limit_page_length=3",
    "/api/resource/ToDo?fields=[\"name\",\"priority\"]&or_filters=[[\"priority\",\"=\",\"High\"],"
    "[\"status\",\"=\",\"Closed\"]]&order_by=priority asc&limit_start=1",
    "/api/resource/ToDo?fields=[\"name\",\"date\"]&as_dict=0&filters={\"date\":[\"is\",\"set\"]}",
    "/api/resource/Note?fields=[\"name\",\"title\",\"public\",\"creation\"]",
    "/api/v2/document/ToDo?fields=[\"name\",\"modified\",\"date\"]&filters={\"status\":\"Open\"}&limit=4",
]


@pytest.fixture
def rows(db):
    now = timezone.now()
    for number in range(6):
        ToDoFactory(name=f"todo-{number}", status="Closed" if number % 3 == 0 else "Open",
                    priority="High" if number % 2 else "Low", modified=now - datetime.timedelta(minutes=number),
                    date=datetime.date(2026, 1, number + 1) if number % 2 else None)
    NoteFactory(name="note-1", title="Public", public=True)
    NoteFactory(name="note-2", title="Private")


@pytest.mark.parametrize("path", LISTS)
def test_a_kept_statement_answers_the_same_bytes_as_the_queryset(admin_client, rows, monkeypatch, path):
    with monkeypatch.context() as patched:
        patched.setattr(Statement, "for_list", classmethod(lambda cls, compiled, meta: None))
        expected = admin_client.get(path)
    assert expected.status_code == 200
    assert len(listing.compiled_lists) == 0
    first, second = admin_client.get(path), admin_client.get(path)
    assert len(listing.compiled_lists) == 1
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == expected.content


def test_a_repeated_list_is_not_compiled_again(admin_client, rows, monkeypatch):
    compiled = []
    compile_list = listing.compile_list
    monkeypatch.setattr(listing, "compile_list", lambda *args: compiled.append(args) or compile_list(*args))
    for _ in range(3):
        assert admin_client.get(LISTS[0]).status_code == 200
    other = admin_client.get("/api/resource/ToDo?filters=[[\"status\",\"=\",\"Closed\"]]")
    assert other.json() == {"data": [{"name": "todo-0"}, {"name": "todo-3"}]}
    assert len(compiled) == 2
    assert len(listing.compiled_lists) == 2


def test_filter_values_of_other_types_are_other_statements(admin_client, db):
    ToDoFactory(name="as-number", description="1")
    ToDoFactory(name="as-word", description="True")
    one = admin_client.get("/api/resource/ToDo", {"filters": json.dumps([["description", "=", 1]])})
    true = admin_client.get("/api/resource/ToDo", {"filters": json.dumps([["description", "=", True]])})
    assert one.json() == {"data": [{"name": "as-number"}]}
    assert true.json() == {"data": [{"name": "as-word"}]}
    assert len(listing.compiled_lists) == 2


def test_a_reader_restricted_by_if_owner_never_uses_nor_keeps_a_statement(admin_client, db):
    alice = client_for("alice")  # All: read, if_owner
    ToDoFactory(name="alices", owner="alice")
    ToDoFactory(name="bobs", owner="bob")
    assert admin_client.get("/api/resource/ToDo?order_by=name asc").json() == {
        "data": [{"name": "alices"}, {"name": "bobs"}]}
    assert len(listing.compiled_lists) == 1
    assert alice.get("/api/resource/ToDo?order_by=name asc").json() == {"data": [{"name": "alices"}]}
    assert len(listing.compiled_lists) == 1


def test_a_list_reaching_another_doctype_is_not_kept(admin_client, db):
    CustomerFactory(customer_name="Acme")
    answer = admin_client.get("/api/resource/Customer?fields=[\"name\",\"territory.territory_name\"]")
    assert answer.json() == {"data": [{"name": "Acme", "territory_name": None}]}
    assert len(listing.compiled_lists) == 0


def test_date_relative_filters_are_not_kept(admin_client, rows):
    for condition in (["date", "timespan", "this year"], ["date", "between", ["2026-01-01"]],
                      ["modified", "previous", "1 week"]):
        assert admin_client.get("/api/resource/ToDo", {"filters": json.dumps([condition])}).status_code == 200
    assert len(listing.compiled_lists) == 0


def test_a_registry_or_settings_change_drops_every_statement(admin_client, rows):
    assert admin_client.get(LISTS[0]).status_code == 200
    assert len(listing.compiled_lists) == 1
    registry.invalidate()
    assert admin_client.get("/api/resource/Note").json() == {"data": [{"name": "note-2"}, {"name": "note-1"}]}
    assert len(listing.compiled_lists) == 1  # the Note list alone: the ToDo list went with the old registry
    with override_settings(FRAPPE_API={"MAX_PAGE_LENGTH": 1}):
        assert len(listing.compiled_lists) == 0
        assert admin_client.get("/api/resource/Note").json() == {"data": [{"name": "note-2"}]}


def test_a_kept_statement_runs_as_many_sql_statements_as_the_queryset(admin_client, rows, monkeypatch):
    assert admin_client.get("/api/resource/Note?debug=1").status_code == 200  # the registry and roles, read
    with monkeypatch.context() as patched:
        patched.setattr(Statement, "for_list", classmethod(lambda cls, compiled, meta: None))
        with CaptureQueriesContext(connection) as queryset:
            admin_client.get(LISTS[0])
    with CaptureQueriesContext(connection) as compiled:
        admin_client.get(LISTS[0])
    with CaptureQueriesContext(connection) as kept:
        admin_client.get(LISTS[0])
    assert len(listing.compiled_lists) == 1
    assert len(kept) == len(compiled) == len(queryset) == 3  # session, user, the rows
    assert kept[-1]["sql"] == compiled[-1]["sql"] == queryset[-1]["sql"]


def test_debug_and_count_take_the_queryset(admin_client, rows):
    debug = admin_client.get("/api/resource/ToDo?debug=1")
    counted = admin_client.get("/api/v2/document/ToDo?include=count&limit=2")
    assert debug.status_code == counted.status_code == 200
    assert len(listing.compiled_lists) == 0


def test_a_count_keeps_its_statement_and_answers_the_same_number(admin_client, rows, monkeypatch):
    paths = ["/api/v2/doctype/ToDo/count?filters={\"status\":\"Open\"}",
             "/api/method/frappe.client.get_count?doctype=ToDo&filters={\"status\":\"Open\"}",
             "/api/method/frappe.desk.reportview.get_count?doctype=ToDo&filters={\"status\":\"Open\"}&limit=2"]
    with monkeypatch.context() as patched:
        patched.setattr(Statement, "counting", classmethod(lambda cls, queryset, meta: (queryset.count(), None)))
        expected = [admin_client.get(path).content for path in paths]
    assert len(listing.compiled_lists) == 0
    assert [admin_client.get(path).content for path in paths] == expected
    assert [admin_client.get(path).content for path in paths] == expected
    assert expected[0] == b'{"data":4}'
    assert len(listing.compiled_lists) == 2  # v2 and frappe.client share one, the limited count is another
    ToDoFactory(name="todo-new", status="Open")
    assert admin_client.get(paths[0]).json() == {"data": 5}


def test_a_restricted_reader_counts_without_a_kept_statement(admin_client, db):
    alice = client_for("alice")
    ToDoFactory(name="alices", owner="alice")
    ToDoFactory(name="bobs", owner="bob")
    assert admin_client.get("/api/v2/doctype/ToDo/count").json() == {"data": 2}
    assert alice.get("/api/v2/doctype/ToDo/count").json() == {"data": 1}
    assert len(listing.compiled_lists) == 1
