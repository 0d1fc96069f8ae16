"""``GET /api/openapi.json`` (the document as the caller may use the API) and ``GET /api/docs`` (Swagger UI,
its assets served from drf-spectacular-sidecar's static files, no CDN)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from rest_framework.request import Request

from ..api.base import FrappeAPIView
from ..conf import api_settings
from .document import document_json
from .security import CSRF_HEADER

DOCUMENT_PATH = "/api/openapi.json"


class OpenAPIView(FrappeAPIView):
    """The OpenAPI 3.1 document: what the caller may use (everything with ``OPENAPI_PUBLIC``)."""

    def get(self, request: Request) -> HttpResponse:
        user = None if api_settings.OPENAPI_PUBLIC else request.user
        response = HttpResponse(document_json(user), content_type="application/json")
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Cookie, Authorization"
        return response


@method_decorator(never_cache, name="dispatch")
class DocsView(TemplateView):
    """Swagger UI over ``/api/openapi.json``. "Try it out" sends the page's session cookie with its CSRF token
    (``window.csrf_token``) or the API key / Bearer token entered under "Authorize"."""

    template_name = "frappe_api/openapi/docs.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(document_url=DOCUMENT_PATH, csrf_header=CSRF_HEADER, title=api_settings.OPENAPI_TITLE)
        return context

