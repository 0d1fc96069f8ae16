"""Permission rows in the admin: deleting one revokes the right (the ``delete`` right no longer hides
``Model.delete()``), deleting a DocType stops serving it, and ``delete`` keeps its name in the API."""

import pytest
from django.contrib.contenttypes.models import ContentType

from example_project.demo.models import Note
from frappe_api.models import DocPerm, DocType

from .conftest import code_doctype_form, doctype_change_url
from .factories import NoteFactory

pytestmark = pytest.mark.django_db

def test_deleting_a_permission_row_in_the_admin_revokes_the_right_at_the_next_request(admin_client, jane_client):
    NoteFactory(name="n1", title="A")
    row = DocType.objects.get(name="Note")
    granted = DocPerm.objects.create(doctype=row, role="All", read=True, can_delete=True)
    assert jane_client.get("/api/resource/Note").json() == {"data": [{"name": "n1"}]}

    response = admin_client.post(doctype_change_url(row),
                                 code_doctype_form(row, delete=[granted]))

    assert response.status_code == 302
    assert not DocPerm.objects.filter(pk=granted.pk).exists()
    assert jane_client.get("/api/resource/Note").status_code == 403
    assert jane_client.get("/api/resource/Note/n1").status_code == 403
    assert jane_client.delete("/api/resource/Note/n1").status_code == 403


def test_deleting_an_admin_doctype_in_the_admin_stops_serving_it_and_removes_its_rows(admin_client, jane_client):
    NoteFactory(name="n1", title="A")
    row = DocType.objects.create(name="Memo", model=ContentType.objects.get_for_model(Note))
    DocPerm.objects.create(doctype=row, role="All", read=True, can_delete=True)
    assert jane_client.get("/api/resource/Memo").json() == {"data": [{"name": "n1"}]}

    response = admin_client.post(f"/admin/frappe_api/doctype/{row.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not DocType.objects.filter(name="Memo").exists() and not DocPerm.objects.filter(doctype_id=row.pk).exists()
    assert admin_client.get("/api/resource/Memo").status_code == 404
    assert jane_client.get("/api/resource/Memo").status_code == 403  # Frappe's answer to others for an unknown DocType


def test_the_delete_right_keeps_its_name_in_the_api_and_in_code_defaults(admin_client):
    row = DocType.objects.get(name="ToDo")
    stored = {perm.role: perm for perm in row.permissions.all()}
    assert stored["All"].can_delete and stored["All"].if_owner  # from the code's {"delete": 1, "if_owner": 1}
    meta = admin_client.get("/api/v2/doctype/ToDo/meta").json()["data"]
    assert {"role": "All", "permlevel": 0, "if_owner": 1, "select": 0, "read": 1, "write": 1, "create": 1,
            "delete": 1, "submit": 0, "cancel": 0, "amend": 0} in meta["permissions"]
