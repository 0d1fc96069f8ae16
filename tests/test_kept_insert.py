"""The kept INSERT of a new row (``frappe_api.document.inserts``): the row ``save()`` writes, without Django's
insert compiler, and ``save()`` itself wherever the model or a value needs it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.signals import post_save, pre_save
from django.db.models.sql.compiler import SQLInsertCompiler
from django.utils import timezone

from example_project.demo.models import Note, ToDo
from frappe_api.document import inserts

from .conftest import logged_in
from .factories import AdministratorFactory

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=datetime.timezone.utc)


@pytest.fixture
def no_insert_compiler(monkeypatch):
    """Django's insert compiler refuses to run: only the kept statement may write."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("Django's insert compiler ran")

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", refuse)


def _note(name, **values):
    return Note(name=name, owner="x@example.com", modified_by="x@example.com", creation=WHEN, modified=WHEN,
                **values)


@pytest.fixture
def client():
    return logged_in(AdministratorFactory())


def test_an_api_create_writes_its_row_with_the_kept_statement(client, no_insert_compiler):
    response = client.post_json("/api/resource/ToDo", {"description": "Call", "status": "Closed",
                                                       "priority": "High", "date": "2025-01-02"})
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    row = ToDo.objects.filter(name=data["name"]).values().get()
    assert isinstance(row.pop("creation"), datetime.datetime) and isinstance(row.pop("modified"), datetime.datetime)
    assert row == {"name": data["name"], "owner": "Administrator", "modified_by": "Administrator", "docstatus": 0,
                   "idx": 0, "description": "Call", "status": "Closed", "priority": "High",
                   "date": datetime.date(2025, 1, 2), "allocated_to_id": None, "reference_type": "",
                   "reference_name": ""}
    assert client.get(f"/api/resource/ToDo/{data['name']}").json()["data"] == data


def test_the_kept_statement_writes_what_save_writes(monkeypatch):
    saved = _note("saved", title="T", content="Body", public=True)
    saved.save(force_insert=True)
    kept = _note("kept", title="T", content="Body", public=True)
    monkeypatch.setattr(SQLInsertCompiler, "as_sql", lambda *args, **kwargs: pytest.fail("compiler ran"))
    inserts.insert(kept)
    monkeypatch.undo()
    assert not kept._state.adding and kept._state.db == "default"
    rows = {row.pop("name"): row for row in Note.objects.values()}
    assert rows["kept"] == rows["saved"] == {
        "owner": "x@example.com", "modified_by": "x@example.com", "creation": WHEN, "modified": WHEN,
        "docstatus": 0, "idx": 0, "title": "T", "content": "Body", "public": True}


def test_a_row_the_database_refuses_raises_as_save_does(no_insert_compiler):
    inserts.insert(_note("taken", title="T"))
    with pytest.raises(IntegrityError), transaction.atomic():
        inserts.insert(_note("taken", title="Again"))
    assert Note.objects.get(name="taken").title == "T"


def test_an_unsaved_related_row_is_refused_as_save_refuses_it(no_insert_compiler):
    todo = ToDo(name="t1", description="x", allocated_to=get_user_model()(username="unsaved"))
    with pytest.raises(ValueError, match="unsaved related object 'allocated_to'"):
        inserts.insert(todo)
    assert not ToDo.objects.exists()


@pytest.mark.parametrize("signal", [pre_save, post_save])
def test_save_receivers_make_it_a_save(signal):
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append((instance.name, kwargs.get("created")))

    signal.connect(receiver, sender=Note, weak=False, dispatch_uid="test_kept_insert")
    try:
        inserts.insert(_note("heard", title="T"))
    finally:
        signal.disconnect(sender=Note, dispatch_uid="test_kept_insert")
    assert heard == [("heard", None if signal is pre_save else True)]
    assert Note.objects.filter(name="heard").exists()


def test_a_save_of_the_models_own_runs(monkeypatch):
    calls = []
    original = Note.save

    def save(self, *args, **kwargs):
        calls.append(kwargs)
        self.content = "from save()"
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Note, "save", save)
    inserts.insert(_note("own", title="T"))
    assert calls == [{"force_insert": True}]
    assert Note.objects.get(name="own").content == "from save()"


def test_an_expression_value_is_written_by_save():
    inserts.insert(_note("expr", title=Lower(Value("ABC"))))
    assert Note.objects.get(name="expr").title == "abc"


def test_a_database_assigned_key_is_written_by_save():
    user = get_user_model()(username="kept-insert", date_joined=timezone.now())
    inserts.insert(user)
    assert user.pk is not None and get_user_model().objects.get(pk=user.pk).username == "kept-insert"
