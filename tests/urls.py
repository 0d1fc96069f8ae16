"""URLs for tests only: the demo's URLs plus views that raise on demand."""

from django.urls import include, path
from rest_framework.request import Request

from frappe_api import exceptions
from frappe_api.api.base import FrappeAPIView


class RaiseView(FrappeAPIView):
    """Raises the exception class named in the URL (or a plain Python error for ``crash``)."""

    def get(self, request: Request, name: str):
        if name == "crash":
            raise RuntimeError("secret internal detail")
        raise getattr(exceptions, name)(f"{name} happened")


class RaiseV2View(RaiseView):
    api_version = 2


urlpatterns = [
    path("api/test/raise/<str:name>", RaiseView.as_view()),
    path("api/v2/test/raise/<str:name>", RaiseV2View.as_view()),
    path("", include("example_project.urls")),
]
