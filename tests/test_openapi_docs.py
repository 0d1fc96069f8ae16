"""GET /api/docs: Swagger UI over /api/openapi.json, its assets served locally (drf-spectacular-sidecar)."""

import pytest
from django.contrib.staticfiles import finders

from frappe_api.auth.csrf import session_csrf_token

pytestmark = pytest.mark.django_db

ASSETS = ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
          "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
          "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")


def test_docs_page_loads_swagger_ui_from_local_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    for asset in ASSETS:
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset  # shipped by the package, no CDN
    assert "https://" not in html and "//cdn" not in html
    assert 'url: "/api/openapi.json"' in html
    assert r'request.headers["X\u002DFrappe\u002DCSRF\u002DToken"] = window.csrf_token' in html  # escapejs


def test_docs_page_gives_the_session_csrf_token_to_try_it_out(admin_client):
    response = admin_client.get("/api/docs/")
    token = session_csrf_token(response.wsgi_request)
    assert token and f'window.csrf_token = "{token}";' in response.content.decode()


def test_docs_page_refuses_a_post(client):
    assert client.post("/api/docs").status_code == 405
