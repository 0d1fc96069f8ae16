"""One bulk helper, one error policy (issue 16): v2 ``bulk_update``/``bulk_delete`` and
``frappe.client.bulk_update`` run each row in a savepoint of one transaction; a Frappe error is reported per
row with its type and message, anything unexpected is logged and reported without its text."""

import json
import logging

import pytest

from example_project.demo.models import Note
from frappe_api.exceptions import ValidationError

from .factories import NoteFactory

pytestmark = pytest.mark.django_db

D = "/api/v2/document"
BULK_UPDATE = "/api/method/frappe.client.bulk_update"


@pytest.fixture
def notes():
    return [NoteFactory(name=f"n{i}", title=f"Note {i}") for i in range(3)]


@pytest.fixture
def fragile_note(monkeypatch):
    """Note whose ``validate`` refuses the title ``refused`` (a Frappe error) and breaks on ``boom`` (a bug in
    the hook, with a text no client should see), and whose ``on_update`` breaks after the row is written."""

    def validate(self):
        if self.title == "refused":
            raise ValidationError("Title refused")
        if self.title == "boom":
            raise RuntimeError("secret internals")

    def on_update(self):
        if self.title == "late":
            raise ValidationError("Too late")

    monkeypatch.setattr(Note, "validate", validate, raising=False)
    monkeypatch.setattr(Note, "on_update", on_update, raising=False)


def titles():
    return dict(Note.objects.values_list("name", "title"))


def test_v2_bulk_update_reports_frappe_errors_per_row_and_keeps_the_rest(admin_client, notes, fragile_note):
    response = admin_client.post_json(f"{D}/Note/bulk_update", {"docs": [
        {"name": "n0", "title": "kept"}, {"name": "missing", "title": "x"}, {"name": "n1", "title": "refused"},
        {"name": "n2", "title": "late"}]})
    assert response.status_code == 200
    assert response.json() == {"data": {
        "updated": ["n0"],
        "failed": [
            {"index": 1, "name": "missing", "error": "Note missing not found", "exc_type": "DoesNotExistError"},
            {"index": 2, "name": "n1", "error": "Title refused", "exc_type": "ValidationError"},
            {"index": 3, "name": "n2", "error": "Too late", "exc_type": "ValidationError"}],
        "total": 4, "success_count": 1, "failure_count": 3}}
    # a failed row leaves nothing behind, even what it wrote before failing (n2's UPDATE ran before on_update)
    assert titles() == {"n0": "kept", "n1": "Note 1", "n2": "Note 2"}


def test_v2_bulk_update_answers_an_unexpected_error_without_its_text_and_logs_it(admin_client, notes, fragile_note,
                                                                                  caplog):
    with caplog.at_level(logging.ERROR, logger="frappe_api"):
        response = admin_client.post_json(f"{D}/Note/bulk_update", {"docs": [
            {"name": "n0", "title": "boom"}, {"name": "n1", "title": "kept"}]})
    assert response.status_code == 200
    assert response.json() == {"data": {
        "updated": ["n1"],
        "failed": [{"index": 0, "name": "n0", "error": "Internal Server Error", "exc_type": "Exception"}],
        "total": 2, "success_count": 1, "failure_count": 1}}
    assert "secret internals" not in response.content.decode()
    logged = [record for record in caplog.records if record.exc_info]
    assert len(logged) == 1 and logged[0].exc_info[0] is RuntimeError
    assert titles() == {"n0": "Note 0", "n1": "kept", "n2": "Note 2"}


def test_rpc_bulk_update_reports_frappe_errors_as_sent_and_keeps_the_rest(admin_client, notes, fragile_note):
    docs = [{"doctype": "Note", "docname": "n0", "title": "kept"},
            {"doctype": "Note", "docname": "missing", "title": "x", "flags": {"ignore": 1}},
            {"doctype": "Note", "docname": "n1", "title": "refused"},
            {"doctype": "Nope", "docname": "n2", "title": "x"}]
    response = admin_client.post(BULK_UPDATE, {"docs": json.dumps(docs)})
    assert response.status_code == 200
    assert response.json() == {"message": {"failed_docs": [
        {"doc": {"doctype": "Note", "docname": "missing", "title": "x"},
         "exc": "DoesNotExistError: Note missing not found"},
        {"doc": {"doctype": "Note", "docname": "n1", "title": "refused"}, "exc": "ValidationError: Title refused"},
        {"doc": {"doctype": "Nope", "docname": "n2", "title": "x"}, "exc": "DoesNotExistError: DocType Nope not found"},
    ]}}
    assert titles() == {"n0": "kept", "n1": "Note 1", "n2": "Note 2"}


def test_rpc_bulk_update_answers_an_unexpected_error_without_its_text_and_logs_it(admin_client, notes, fragile_note,
                                                                                  caplog):
    with caplog.at_level(logging.ERROR, logger="frappe_api"):
        response = admin_client.post_json(BULK_UPDATE, {"docs": [
            {"doctype": "Note", "docname": "n0", "title": "boom"}, {"doctype": "Note", "docname": "n1",
                                                                     "title": "kept"}]})
    assert response.status_code == 200
    assert response.json() == {"message": {"failed_docs": [
        {"doc": {"doctype": "Note", "docname": "n0", "title": "boom"}, "exc": "Exception: Internal Server Error"}]}}
    assert "secret internals" not in response.content.decode()
    assert [record.exc_info[0] for record in caplog.records if record.exc_info] == [RuntimeError]
    assert titles() == {"n0": "Note 0", "n1": "kept", "n2": "Note 2"}


def test_a_row_named_again_after_a_failure_starts_from_the_stored_document(admin_client, notes, fragile_note):
    for send in (lambda docs: admin_client.post_json(f"{D}/Note/bulk_update", {"docs": docs}),
                 lambda docs: admin_client.post_json(BULK_UPDATE, {"docs": [
                     {"doctype": "Note", "docname": doc.pop("name"), **doc} for doc in docs]})):
        response = send([{"name": "n0", "title": "refused", "content": "not kept"}, {"name": "n0", "content": "c"}])
        assert response.status_code == 200
        stored = Note.objects.get(name="n0")
        assert (stored.title, stored.content) == ("Note 0", "c")
        stored.content = ""
        stored.save()


def test_v2_bulk_delete_of_a_name_twice_deletes_it_once(admin_client, notes):
    response = admin_client.post_json(f"{D}/Note/bulk_delete", {"names": ["n0", "n0", "n1"]})
    assert response.json() == {"data": {
        "deleted": ["n0", "n1"],
        "failed": [{"index": 1, "name": "n0", "error": "Note n0 not found", "exc_type": "DoesNotExistError"}],
        "total": 3, "success_count": 2, "failure_count": 1}}
    assert titles() == {"n2": "Note 2"}


@pytest.mark.parametrize("path", ["v2", "rpc"])
def test_bulk_update_locks_the_rows_in_one_query_and_costs_a_savepoint_and_an_update_per_row(
        admin_client, notes, path, django_assert_num_queries):
    admin_client.get("/api/method/frappe.auth.get_logged_user")
    if path == "v2":
        def send():
            return admin_client.post_json(f"{D}/Note/bulk_update", {"docs": [
                {"name": name, "title": "bulk"} for name in ("n0", "n1", "n2")]})
        # session, user, the three rows locked in one SELECT, then per row: savepoint, UPDATE, release
        expected = 3 + 3 * 3
    else:
        def send():
            return admin_client.post_json(BULK_UPDATE, {"docs": [
                {"doctype": "Note", "docname": name, "title": "bulk"} for name in ("n0", "n1", "n2")]})
        expected = 3 + 3 * 3 + 2  # and the method's own transaction (a savepoint under the test's)
    with django_assert_num_queries(expected):
        response = send()
    assert response.status_code == 200
    assert titles() == {"n0": "bulk", "n1": "bulk", "n2": "bulk"}
