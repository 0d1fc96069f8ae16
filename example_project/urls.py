"""URLs of the demo project: a home page, the admin, every Frappe endpoint, the demo OAuth client's callback and
``/app``, a single-page app's page (``SPAPageView``: ``window.csrf_token`` and ``window.site_name`` set).

Any other path answers the demo's plain 404 page (with DEBUG on too; ``/api/...`` keeps Frappe's JSON 404).
"""

from django.contrib import admin
from django.urls import include, path, re_path

from example_project.demo.views import home, not_found, oauth_callback
from frappe_api.pages import SPAPageView

urlpatterns = [
    path("", home, name="demo-home"),
    path("admin/", admin.site.urls),
    path("oauth-callback", oauth_callback, name="demo-oauth-callback"),
    re_path(r"^app(?:/.*)?$", SPAPageView.as_view(extra_context={"title": "Demo app"}), name="demo-app"),
    path("", include("frappe_api.urls")),
    re_path(r"^(?!static/)", not_found, name="demo-not-found"),
]

handler404 = not_found
