"""Mount every Frappe endpoint with one line in the host project's urls.py::

    path("", include("frappe_api.urls")),

With ``frappe_api.oauth`` installed, Frappe's OAuth endpoints come too.
"""

from django.apps import apps
from django.urls import include, path, re_path

from .api.base import NotFoundView
from .api.files import file_patterns
from .api.rpc import MethodV2View, MethodView, method_patterns
from .api.urls import v1_patterns, v2_patterns
from .openapi.urls import openapi_patterns
from .pages import LoginPageView, UpdatePasswordPageView

app_name = "frappe_api"

# The document routes first: Django tries the patterns in order, and these serve most requests. No OpenAPI or
# OAuth path matches them (``resource/``, ``document/``, ``doctype/``, ``method/login``, ``method/logout``, and
# ``method/<doctype>/<method>`` whose doctype has no dot, unlike the OAuth methods).
urlpatterns = [
    path("api/v2/", include((v2_patterns, "v2"))),
    path("api/v1/", include((v1_patterns, "v1"))),
    path("api/", include((v1_patterns, "api"))),
    *openapi_patterns,
    *([path("", include("frappe_api.oauth.urls"))] if apps.is_installed("frappe_api.oauth") else []),
    path("api/v2/", include((method_patterns(MethodV2View), "v2-rpc"))),
    path("api/v1/", include((method_patterns(MethodView), "v1-rpc"))),
    path("api/", include((method_patterns(MethodView), "rpc"))),
    re_path(r"^api(?:/.*)?$", NotFoundView.as_view(), name="not-found"),
    path("login", LoginPageView.as_view(), name="login-page"),
    path("update-password", UpdatePasswordPageView.as_view(), name="update-password-page"),
    path("", include((file_patterns, "files"))),
]
