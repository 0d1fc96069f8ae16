"""URL patterns of the API; mounted under ``/api/`` and ``/api/v1/`` by ``frappe_api.urls``."""

from django.urls import re_path

from . import v1

v1_patterns = [
    re_path(r"^resource/(?P<doctype>[^/]+)/?$", v1.ResourceListView.as_view(), name="resource-list"),
    re_path(r"^resource/(?P<doctype>[^/]+)/(?P<name>.+?)/?$", v1.ResourceDetailView.as_view(),
            name="resource-detail"),
]
