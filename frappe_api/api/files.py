"""The file routes: ``/files/<name>`` and ``/private/files/<name>`` (the bytes are served by ``fileserving``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import re_path
from rest_framework.request import Request

from ..fileserving import file_response, find_file
from ..models import File
from .base import FrappeAPIView


class FileView(FrappeAPIView):
    """``GET /files/<name>`` and ``GET /private/files/<name>`` (a private one missing or not the caller's to
    read is the same 403)."""

    private = False

    def get(self, request: Request, name: str) -> Any:
        file_url = f"{'/private' if self.private else ''}/files/{name}"
        if not self.private and not File.objects.filter(file_url=file_url).exclude(storage_path="").exists():
            raise Http404(name)
        # a private URL is refused alike whether or not it exists (as Frappe does): its name is no one's to learn
        return file_response(find_file(file_url, request.user))


file_patterns = [
    re_path(r"^files/(?P<name>[^/]+)$", FileView.as_view(), name="public-file"),
    re_path(r"^private/files/(?P<name>[^/]+)$", FileView.as_view(private=True), name="private-file"),
]
