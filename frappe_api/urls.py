"""Mount every Frappe endpoint with one line in the host project's urls.py::

    path("", include("frappe_api.urls")),
"""

from django.urls import include, path, re_path

from .api.base import NotFoundView
from .api.urls import v1_patterns

app_name = "frappe_api"

urlpatterns = [
    path("api/v1/", include((v1_patterns, "v1"))),
    path("api/", include((v1_patterns, "api"))),
    re_path(r"^api(?:/.*)?$", NotFoundView.as_view(), name="not-found"),
]
