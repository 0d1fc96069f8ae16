"""Every error under /api/ is Frappe's JSON body with Frappe's status code; no traceback leaves by default."""

import datetime
import decimal
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from frappe_api.api.renderers import dumps

from .conftest import server_messages

pytestmark = pytest.mark.django_db

STATUS = [
    ("ValidationError", 417), ("MandatoryError", 417), ("DataError", 417), ("TimestampMismatchError", 417),
    ("LinkValidationError", 417), ("LinkExistsError", 417), ("FrappeTypeError", 417),
    ("DoesNotExistError", 404), ("PermissionError", 403), ("DuplicateEntryError", 409), ("NameError", 409),
    ("AuthenticationError", 401), ("CSRFTokenError", 400), ("TooManyRequestsError", 429),
    ("RateLimitExceededError", 429), ("UnsupportedMediaType", 415),
]


@pytest.mark.urls("tests.urls")
@pytest.mark.parametrize("name, status", STATUS)
def test_error_body_for_each_exception_class(guest_client, name, status):
    response = guest_client.get(f"/api/test/raise/{name}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["exc_type"] == name
    assert body["exception"] == f"frappe.exceptions.{name}: {name} happened"
    assert server_messages(body)[0]["message"] == f"{name} happened"
    assert server_messages(body)[0]["indicator"] == "red"
    if status == 404:
        assert "exc" not in body
    else:
        assert json.loads(body["exc"]) == [body["exception"]]


@pytest.mark.urls("tests.urls")
@pytest.mark.parametrize("name, status", STATUS)
def test_v2_error_body_for_each_exception_class(guest_client, name, status):
    response = guest_client.get(f"/api/v2/test/raise/{name}")
    assert response.status_code == status
    title = {"PermissionError": "Not Permitted", "DuplicateEntryError": "Duplicate Name"}.get(name, "Message")
    assert response.json() == {"errors": [{"type": name, "message": f"{name} happened", "title": title,
                                            "indicator": "red"}]}


@pytest.mark.urls("tests.urls")
def test_unexpected_error_is_a_json_500_without_the_traceback(guest_client):
    guest_client.raise_request_exception = False
    response = guest_client.get("/api/test/raise/crash")
    assert response.status_code == 500
    body = response.json()
    assert body["exc_type"] == "Exception"
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.urls("tests.urls")
def test_traceback_is_sent_only_when_the_setting_allows_it(guest_client):
    hidden = guest_client.get("/api/test/raise/ValidationError").json()
    assert "Traceback" not in hidden["exc"]
    with override_settings(FRAPPE_API={"SHOW_TRACEBACK": True}):
        shown = guest_client.get("/api/test/raise/ValidationError").json()
    assert json.loads(shown["exc"])[0].startswith("Traceback (most recent call last)")
    assert shown["exception"] == "frappe.exceptions.ValidationError: ValidationError happened"


def test_unknown_api_path_is_a_json_404(guest_client):
    for path in ("/api/nonexistent/path", "/api", "/api/v1/nothing", "/api/resource"):
        response = guest_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["exc_type"] == "DoesNotExistError"


def test_wrong_method_is_a_json_405_with_allow(admin_client):
    response = admin_client.patch("/api/resource/ToDo/x")
    assert response.status_code == 405
    assert response.json()["exc_type"] == "MethodNotAllowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"}
    listing = admin_client.delete("/api/resource/ToDo")
    assert listing.status_code == 405
    assert set(listing["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_options_is_an_empty_200(guest_client):
    response = guest_client.options("/api/resource/ToDo")
    assert response.status_code == 200
    assert response.content == b""


def test_errors_are_json_whatever_the_accept_header(admin_client):
    response = admin_client.get("/api/resource/ToDo/missing", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response.json()["exc_type"] == "DoesNotExistError"


def test_renderer_writes_frappe_value_formats(settings):
    settings.TIME_ZONE = "UTC"
    value = {
        "datetime": datetime.datetime(2024, 5, 1, 10, 11, 12, tzinfo=datetime.timezone.utc),
        "date": datetime.date(2024, 5, 1),
        "time": datetime.time(9, 30),
        "decimal": decimal.Decimal("12.50"),
    }
    assert json.loads(dumps(value)) == {"datetime": "2024-05-01 10:11:12.000000", "date": "2024-05-01",
                                        "time": "09:30:00", "decimal": 12.5}


def test_renderer_writes_datetimes_in_the_current_time_zone_with_six_decimals():
    utc = datetime.timezone.utc
    value = {"aware": [datetime.datetime(2024, 5, 1, 10, 11, 12, 345, tzinfo=utc),
                       datetime.datetime(2024, 12, 31, 20, 0, tzinfo=utc)],
             "naive": datetime.datetime(2024, 5, 1, 10, 11, 12),
             "early": datetime.datetime(999, 1, 2, 3, 4, 5, 6)}
    with timezone.override("Asia/Kathmandu"):
        assert json.loads(dumps(value)) == {
            "aware": ["2024-05-01 15:56:12.000345", "2025-01-01 01:45:00.000000"],
            "naive": "2024-05-01 10:11:12.000000",
            "early": datetime.datetime(999, 1, 2, 3, 4, 5, 6).strftime("%Y-%m-%d %H:%M:%S.%f")}
