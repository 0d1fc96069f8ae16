"""Mount every Frappe endpoint with one line in the host project's urls.py::

    path("", include("frappe_api.urls")),
"""

from django.urls import include, path, re_path

from .api.base import NotFoundView
from .api.files import file_patterns
from .api.rpc import MethodV2View, MethodView, method_patterns
from .api.urls import v1_patterns, v2_patterns
from .pages import LoginPageView

app_name = "frappe_api"

urlpatterns = [
    path("api/v1/", include((v1_patterns, "v1"))),
    path("api/", include((v1_patterns, "api"))),
    path("api/v2/", include((v2_patterns, "v2"))),
    path("api/v2/", include((method_patterns(MethodV2View), "v2-rpc"))),
    path("api/v1/", include((method_patterns(MethodView), "v1-rpc"))),
    path("api/", include((method_patterns(MethodView), "rpc"))),
    re_path(r"^api(?:/.*)?$", NotFoundView.as_view(), name="not-found"),
    path("login", LoginPageView.as_view(), name="login-page"),
    path("", include((file_patterns, "files"))),
]
