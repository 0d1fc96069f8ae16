"""The hot endpoints answer ``JSONAnswer``s, built and rendered in the view: the same bytes, Content-Type and
headers as DRF's ``Response`` gave, dates in the API's time zone, ``session_expired`` added after rendering."""

import datetime

import pytest
from django.test import Client, override_settings

from frappe_api.api.answers import JSONAnswer

from .factories import ToDoFactory

pytestmark = pytest.mark.django_db

STAMP = datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def dated(db):
    return ToDoFactory(name="dated", description="Dated", modified=STAMP, creation=STAMP)


@pytest.mark.parametrize("path, allow, body", [
    ('/api/resource/ToDo?fields=["name","modified"]', "GET, POST, HEAD, OPTIONS",
     b'{"data":[{"name":"dated","modified":"2024-01-01 05:30:00.000000"}]}'),
    ("/api/resource/ToDo/dated?fields=[]", "GET, POST, PUT, DELETE, HEAD, OPTIONS", None),
    ('/api/v2/document/ToDo?fields=["name","modified"]', "GET, POST, HEAD, OPTIONS",
     b'{"data":[{"name":"dated","modified":"2024-01-01 05:30:00.000000"}],"has_next_page":false}'),
    ("/api/v2/doctype/ToDo/count", "GET, HEAD, OPTIONS", b'{"data":1}'),
    ("/api/method/frappe.client.get_count?doctype=ToDo", None, b'{"message":1}'),
])
def test_reads_answer_compact_json_in_the_api_time_zone_with_drf_headers(admin_client, dated, path, allow, body):
    with override_settings(FRAPPE_API={"TIME_ZONE": "Asia/Kolkata"}):
        response = admin_client.get(path)
    assert response.status_code == 200
    assert isinstance(response, JSONAnswer)
    assert response["Content-Type"] == "application/json"
    if allow is not None:
        assert response["Allow"] == allow
    if body is not None:
        assert response.content == body
    else:
        assert response.json()["data"]["modified"] == "2024-01-01 05:30:00.000000"


@pytest.mark.parametrize("path", ["/api/resource/ToDo", "/api/v2/document/ToDo"])
def test_a_create_answers_its_dates_in_the_api_time_zone(admin_client, path):
    with override_settings(FRAPPE_API={"TIME_ZONE": "Asia/Kolkata"}):
        response = admin_client.post_json(path, {"description": "Zoned"})
    assert response.status_code == 200 and isinstance(response, JSONAnswer)
    data = response.json()["data"]
    creation = datetime.datetime.fromisoformat(data["creation"])
    assert creation.tzinfo is None
    # the stored instant, spelt in Kolkata's time (UTC+05:30)
    stored = response.data["data"]["creation"]
    assert creation == stored.astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=30))).replace(tzinfo=None)


def test_session_expired_is_rendered_into_an_answer_built_before_it(db):
    client = Client()
    client.cookies["sid"] = "no-such-session"
    response = client.get("/api/method/ping")
    assert isinstance(response, JSONAnswer)
    assert response.content == b'{"message":"pong","session_expired":1}'
