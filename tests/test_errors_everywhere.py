"""Every error under /api/ is Frappe JSON, whatever raised it and wherever (other middleware included), and an
unexpected one is logged with its traceback; other paths keep the host project's pages."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404

from .conftest import APIClient

pytestmark = pytest.mark.django_db

RAISES = {"crash": RuntimeError("secret internal detail"), "database": OperationalError("server closed"),
          "missing": Http404("gone"), "forbidden": PermissionDenied("no"), "suspicious": SuspiciousOperation("odd")}


class RaisingMiddleware:
    """Raises the exception the ``X-Raise`` header names, before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.headers.get("X-Raise") in RAISES:
            raise RAISES[request.headers["X-Raise"]]
        return self.get_response(request)


@pytest.fixture
def raising(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_errors_everywhere.RaisingMiddleware"]
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example"]
    return APIClient(raise_request_exception=False)


def test_exception_in_middleware_is_a_json_500_without_detail_and_logged_with_traceback(raising, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = raising.get("/api/method/ping", HTTP_X_RAISE="crash")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["exc_type"] == "Exception"
    assert body["exception"] == "frappe.exceptions.FrappeAPIException: Internal Server Error"
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 1 and logged[0].exc_info[0] is RuntimeError


def test_exception_in_middleware_on_v2_is_a_v2_error_body(raising):
    response = raising.get("/api/v2/method/ping", HTTP_X_RAISE="crash")
    assert response.status_code == 500
    assert response.json() == {"errors": [{"type": "Exception", "message": "Internal Server Error",
                                           "title": "Message", "indicator": "red"}]}


def test_database_error_in_middleware_is_a_503_with_retry_after(raising):
    response = raising.get("/api/resource/ToDo", HTTP_X_RAISE="database")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["exc_type"] == "DatabaseUnavailable"


@pytest.mark.parametrize("name, status, exc_type", [("missing", 404, "DoesNotExistError"),
                                                    ("forbidden", 403, "PermissionError"),
                                                    ("suspicious", 400, "Exception")])
def test_django_error_pages_under_api_become_frappe_json(raising, name, status, exc_type):
    response = raising.get("/api/resource/ToDo", HTTP_X_RAISE=name)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["exc_type"] == exc_type


def test_error_answer_keeps_the_cors_headers_of_the_page_it_replaces(raising):
    response = raising.get("/api/method/ping", HTTP_X_RAISE="crash", HTTP_ORIGIN="https://front.example")
    assert response.status_code == 500
    assert response["Access-Control-Allow-Origin"] == "https://front.example"
    assert response["Content-Type"] == "application/json"


def test_disallowed_host_under_api_is_json(db):
    response = APIClient(raise_request_exception=False).get("/api/method/ping", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_other_paths_keep_the_host_projects_error_pages(raising):
    response = raising.get("/admin/", HTTP_X_RAISE="crash")
    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")
    assert raising.get("/no-such-page").status_code == 404
    assert not raising.get("/no-such-page")["Content-Type"].startswith("application/json")
