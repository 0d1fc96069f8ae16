"""``/api/openapi.json`` and ``/api/docs`` (mounted by ``frappe_api.urls`` before the ``/api/`` 404 catch-all)."""

from django.urls import re_path

from .views import DocsView, OpenAPIView

openapi_patterns = [
    re_path(r"^api/openapi\.json$", OpenAPIView.as_view(), name="openapi"),
    re_path(r"^api/docs/?$", DocsView.as_view(), name="api-docs"),
]
