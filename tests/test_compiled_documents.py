"""Document statements (``Statement.by_name``): one document's SQL compiled once per DocType as a user reads it,
run with each name asked for; only for readers of every row, with the same JSON and SQL as the queryset."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frappe_api.document import serialize
from frappe_api.models import DocPerm
from frappe_api.query import Statement
from frappe_api.registry import registry

from .conftest import client_for
from .factories import ToDoFactory
from .test_read_gate import change_options, restore_options

pytestmark = pytest.mark.django_db


@pytest.fixture
def todos(db):
    modified = timezone.make_aware(datetime.datetime(2026, 3, 4, 5, 6, 7, 891011), datetime.timezone.utc)
    ToDoFactory(name="first", description="One", status="Open", date=datetime.date(2026, 1, 2), modified=modified,
                owner="alice")
    ToDoFactory(name="second", description="Two", status="Closed", date=None, modified=modified, owner="bob")
    ToDoFactory(name="it's 100%", description="Quoted", status="Open", owner="bob")


@pytest.mark.parametrize("path", ["/api/resource/ToDo/first", "/api/resource/ToDo/second",
                                  "/api/resource/ToDo/it's 100%", "/api/v2/document/ToDo/first",
                                  "/api/resource/Note/missing", "/api/resource/ToDo/with\x00nul"])
def test_a_kept_statement_answers_the_same_bytes_as_the_queryset(admin_client, todos, monkeypatch, path):
    with monkeypatch.context() as patched:
        patched.setattr(Statement, "by_name", classmethod(lambda cls, queryset, meta, compile_for: None))
        expected = admin_client.get(path)
    first, second = admin_client.get(path), admin_client.get(path)
    assert first.status_code == second.status_code == expected.status_code
    assert first.content == second.content == expected.content


def test_one_statement_serves_every_name_of_a_doctype(admin_client, todos):
    answers = {name: admin_client.get(f"/api/resource/ToDo/{name}").json()["data"]
               for name in ("first", "second", "it's 100%", "first")}
    assert len(serialize.compiled_documents) == 1
    assert (answers["first"]["description"], answers["first"]["date"], answers["first"]["modified"]) == (
        "One", "2026-01-02", "2026-03-04 05:06:07.891011")
    assert answers["second"]["description"] == "Two" and "date" not in answers["second"]
    assert answers["it's 100%"]["name"] == "it's 100%"
    assert admin_client.get("/api/resource/ToDo/third").status_code == 404


def test_a_kept_statement_runs_as_many_sql_statements_as_the_queryset(admin_client, todos, monkeypatch):
    assert admin_client.get("/api/resource/ToDo/first").status_code == 200  # the registry and roles, read
    serialize.compiled_documents.clear()
    counts = []
    for use_statements in (False, True, True):
        with monkeypatch.context() as patched:
            if not use_statements:
                patched.setattr(Statement, "by_name", classmethod(lambda cls, queryset, meta, compile_for: None))
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get("/api/resource/ToDo/second").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_a_repeated_read_is_not_compiled_again(admin_client, todos, monkeypatch):
    compiled = []
    by_name = Statement.by_name.__func__
    monkeypatch.setattr(Statement, "by_name", classmethod(
        lambda cls, *args: compiled.append(args) or by_name(cls, *args)))
    for name in ("first", "second", "first"):
        assert admin_client.get(f"/api/resource/ToDo/{name}").status_code == 200
    assert len(compiled) == 1


def test_a_reader_restricted_by_if_owner_never_uses_the_statement(admin_client, todos):
    alice = client_for("alice")  # All: read, if_owner
    assert admin_client.get("/api/resource/ToDo/second").status_code == 200
    assert len(serialize.compiled_documents) == 1
    refused = alice.get("/api/resource/ToDo/second")
    assert refused.status_code == 403
    assert alice.get("/api/resource/ToDo/first").json()["data"]["name"] == "first"
    assert alice.get("/api/v2/document/ToDo/second").status_code == 403
    assert len(serialize.compiled_documents) == 1


def test_a_field_above_the_readers_level_is_never_read_through_the_admins_statement(admin_client, todos):
    original = change_options("ToDo", field_permlevels={"description": 1})
    try:
        DocPerm.objects.filter(doctype__name="ToDo").update(if_owner=False)
        registry.invalidate()
        assert admin_client.get("/api/resource/ToDo/first").json()["data"]["description"] == "One"
        reader = client_for("reader")
        seen = reader.get("/api/resource/ToDo/first").json()["data"]
        assert seen["name"] == "first" and "description" not in seen
        assert len(serialize.compiled_documents) == 2  # the DocType as each of them reads it
    finally:
        restore_options("ToDo", original)


def test_a_registry_or_settings_change_drops_every_statement(admin_client, todos):
    assert admin_client.get("/api/resource/ToDo/first").status_code == 200
    assert len(serialize.compiled_documents) == 1
    registry.invalidate()
    assert admin_client.get("/api/resource/ToDo/second").status_code == 200
    assert len(serialize.compiled_documents) == 1
    with override_settings(FRAPPE_API={"MAX_PAGE_LENGTH": 1}):
        assert len(serialize.compiled_documents) == 0


def test_a_doctype_with_computed_fields_keeps_its_queryset(admin_client, administrator, monkeypatch):
    kept = []
    rows = Statement.rows
    monkeypatch.setattr(Statement, "rows", lambda self, *args: kept.append(self) or rows(self, *args))
    answer = admin_client.get(f"/api/resource/User/{administrator.username}")
    assert answer.status_code == 200
    assert answer.json()["data"]["name"] == administrator.username
    assert "full_name" in answer.json()["data"]
    assert kept == []
    assert [statement.sql for statement in serialize.compiled_documents._statements.values()] == [None]
