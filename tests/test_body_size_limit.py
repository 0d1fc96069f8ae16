"""One limit for every request body and query string under /api/ (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``):
413 ``RequestEntityTooLarge`` beyond it on every surface, JSON bodies included; files go by ``MAX_FILE_SIZE``."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from example_project.demo.models import ToDo

from .conftest import APIClient, server_messages

pytestmark = pytest.mark.django_db

LIMIT = 2000
MESSAGE = f"Request data exceeds the maximum allowed size of {LIMIT} bytes"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def assert_413(response, version=1):
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if version == 2:
        assert body == {"errors": [{"type": "RequestEntityTooLarge", "message": MESSAGE, "title": "Message",
                                    "indicator": "red"}]}
    else:
        assert body["exc_type"] == "RequestEntityTooLarge"
        assert server_messages(body)[0]["message"] == MESSAGE


def test_json_create_beyond_the_limit_is_refused_and_not_stored(admin_client):
    assert_413(admin_client.post_json("/api/resource/ToDo", {"description": "x" * LIMIT}))
    assert_413(admin_client.post_json("/api/v2/document/ToDo", {"description": "x" * LIMIT}), version=2)
    assert_413(admin_client.post_json("/api/method/frappe.client.insert",
                                      {"doc": {"doctype": "ToDo", "description": "x" * LIMIT}}))
    assert not ToDo.objects.exists()


def test_json_body_within_the_limit_is_served(admin_client):
    response = admin_client.post_json("/api/resource/ToDo", {"description": "x" * (LIMIT - 100)})
    assert response.status_code == 200
    assert ToDo.objects.get().description == "x" * (LIMIT - 100)


def test_json_update_beyond_the_limit_is_refused(admin_client):
    todo = ToDo.objects.create(description="small")
    assert_413(admin_client.put_json(f"/api/resource/ToDo/{todo.pk}", {"description": "x" * LIMIT}))
    assert ToDo.objects.get().description == "small"


def test_form_body_beyond_the_limit_is_refused(admin_client):
    assert_413(admin_client.post("/api/resource/ToDo", {"description": "x" * LIMIT}))
    assert_413(admin_client.post("/api/method/frappe.client.get_list",
                                 {"doctype": "ToDo", "filters": json.dumps({"description": "x" * LIMIT})}))
    assert not ToDo.objects.exists()


def test_filter_value_beyond_the_limit_in_the_query_string_is_refused(admin_client):
    filters = json.dumps([["description", "=", "x" * LIMIT]])
    assert_413(admin_client.get("/api/resource/ToDo", {"filters": filters}))
    assert_413(admin_client.get("/api/v2/document/ToDo", {"filters": filters}), version=2)
    assert_413(admin_client.get("/api/method/frappe.client.get_list", {"doctype": "ToDo", "filters": filters}))


def test_long_get_list_within_the_limit_is_served(admin_client):
    names = [f"name-{i}" for i in range(100)]
    response = admin_client.get("/api/resource/ToDo", {"filters": json.dumps([["name", "in", names]])})
    assert response.status_code == 200 and response.json() == {"data": []}


def test_json_parser_reads_no_further_than_the_limit_whatever_the_declared_length():
    from frappe_api.api.parsers import OrjsonParser
    from frappe_api.exceptions import RequestEntityTooLarge

    stream = io.BytesIO(json.dumps({"description": "x" * LIMIT * 10}).encode())
    with pytest.raises(RequestEntityTooLarge):
        OrjsonParser().parse(stream, "application/json", {})
    assert stream.tell() == LIMIT + 1


def test_legacy_cmd_json_body_beyond_the_limit_is_refused(admin_client):
    assert_413(admin_client.post("/?cmd=frappe.client.insert",
                                 json.dumps({"doc": {"doctype": "ToDo", "description": "x" * LIMIT}}),
                                 content_type="application/json"))
    assert not ToDo.objects.exists()


def test_file_uploads_go_by_max_file_size_not_the_body_limit(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = b"y" * (LIMIT * 3)
    response = admin_client.post("/api/method/upload_file",
                                 {"file": SimpleUploadedFile("big.txt", content, "text/plain")})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["message"]["file_size"] == len(content)


def test_guest_gets_the_413_before_anything_else(db):
    assert_413(APIClient().post_json("/api/method/login", {"usr": "x" * LIMIT, "pwd": "secret"}))
