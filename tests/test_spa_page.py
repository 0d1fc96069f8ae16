"""The page a host mounts at its single-page app's URL (the demo's ``/app``): ``window.csrf_token`` and
``window.site_name`` set as Frappe's SPA pages set them, guests sent to log in, never cached."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from .conftest import APIClient

pytestmark = pytest.mark.django_db

BOOT_RE = re.compile(r'<script>window\.csrf_token = "([^"]+)"; window\.site_name = "([^"]+)";</script>')


def test_spa_page_sets_csrf_token_and_site_name_that_the_api_accepts(admin_client, settings):
    """frappe/www/app.py and frappe-ui's jinjaBootData: the page boots csrf_token and site_name; the token is the
    session's, which a cookie write then sends as X-Frappe-CSRF-Token."""
    settings.ALLOWED_HOSTS = ["erp.example.com", "testserver"]
    page = admin_client.get("/app/todos/123", HTTP_HOST="erp.example.com:8000")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "no-store" in page["Cache-Control"]
    token, site_name = BOOT_RE.search(page.content.decode()).groups()
    assert site_name == "erp.example.com"
    sibling = {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://shop.example.com"}  # needs the token
    written = admin_client.post_json("/api/resource/Note", {"title": "from the SPA"}, HTTP_X_FRAPPE_CSRF_TOKEN=token,
                                     HTTP_X_FRAPPE_SITE_NAME=site_name, **sibling)
    assert written.status_code == 200, written.content
    refused = admin_client.post_json("/api/resource/Note", {"title": "forged"}, HTTP_X_FRAPPE_CSRF_TOKEN="x" * 64,
                                     **sibling)
    assert refused.status_code == 400 and refused.json()["exc_type"] == "CSRFTokenError"


def test_spa_page_sends_guests_to_the_login_page_and_back():
    """frappe/www/app.py: a guest is redirected to /login with the page to come back to."""
    response = APIClient().get("/app/todos")
    assert response.status_code == 302
    assert response["Location"] == "/login?redirect-to=/app/todos"


def test_spa_page_answers_get_only(admin_client):
    """The page is read-only: other verbs are refused."""
    assert admin_client.post("/app").status_code == 405


def test_frappe_boot_tag_escapes_what_could_end_the_script():
    """frappe-ui's jinjaBootData equivalent: values are JSON-encoded with <, > and & escaped."""
    request = RequestFactory().get("/app", HTTP_HOST="testserver")
    request.session = None
    html = Template("{% load frappe_api_tags %}{% frappe_boot %}").render(
        Context({"request": request, "site_name": "</script><script>alert(1)</script>&"}))
    assert "</script><script>alert" not in html
    assert '\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E\\u0026' in html
