"""URLs of the demo project: the admin and every Frappe endpoint."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("frappe_api.urls")),
]
