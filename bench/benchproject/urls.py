"""Every contender in one URL configuration: (a) ``/plain/``, (b) ``/drf/``, (c) frappe_api's ``/api/``."""

from django.urls import include, path

urlpatterns = [
    path("plain/", include("benchapp.plain_urls")),
    path("drf/", include("benchapp.drf_urls")),
    path("", include("frappe_api.urls")),
]
