"""URLs of the demo project: the admin, every Frappe endpoint and the demo OAuth client's callback."""

from django.contrib import admin
from django.urls import include, path

from example_project.demo.views import oauth_callback

urlpatterns = [
    path("admin/", admin.site.urls),
    path("oauth-callback", oauth_callback, name="demo-oauth-callback"),
    path("", include("frappe_api.urls")),
]
