"""URLs for tests only: the demo's URLs plus views that raise on demand."""

from django.urls import include, path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from example_project.demo.models import ToDo

from frappe_api import exceptions
from frappe_api.api.base import FrappeAPIView
from frappe_api.api.filters import FrappeFilterBackend


class RaiseView(FrappeAPIView):
    """Raises the exception class named in the URL (or a plain Python error for ``crash``)."""

    def get(self, request: Request, name: str):
        if name == "crash":
            raise RuntimeError("secret internal detail")
        raise getattr(exceptions, name)(f"{name} happened")


class RaiseV2View(RaiseView):
    api_version = 2


class ToDoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ToDo
        fields = ["name", "status", "priority"]


class HostToDoList(generics.ListAPIView):
    """A host project's own DRF view, with DRF's default settings, using Frappe filters."""

    queryset = ToDo.objects.all()
    serializer_class = ToDoSerializer
    filter_backends = [FrappeFilterBackend]
    permission_classes = [AllowAny]
    authentication_classes: list = []


urlpatterns = [
    path("host/todos", HostToDoList.as_view()),
    path("api/test/raise/<str:name>", RaiseView.as_view()),
    path("api/v2/test/raise/<str:name>", RaiseV2View.as_view()),
    path("", include("example_project.urls")),
]
