"""Serving files: ``/files/<name>``, ``/private/files/<name>`` and ``frappe.handler.download_file``."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.http import FileResponse, Http404
from django.urls import re_path
from rest_framework.request import Request

from ..exceptions import PermissionError
from ..files import INLINE_UNSAFE, may_read, storage
from ..models import File
from .base import FrappeAPIView


def file_response(row: File, *, as_attachment: bool = False) -> FileResponse:
    """The file's bytes; HTML and SVG always as attachments, never sniffed."""
    content_type = mimetypes.guess_type(row.file_name)[0] or "application/octet-stream"
    attachment = as_attachment or content_type in INLINE_UNSAFE
    response = FileResponse(storage().open(row.storage_path, "rb"), as_attachment=attachment,
                            filename=row.file_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if row.is_private:
        response["Cache-Control"] = "private, no-store"
    return response


def find_file(file_url: str, user: Any) -> File:
    """The stored ``File`` behind ``file_url``, if the user may read it (403 otherwise, as Frappe answers)."""
    row = File.objects.filter(file_url=file_url).exclude(storage_path="").first()
    if row is None or not may_read(row, user):
        raise PermissionError("Not permitted")
    return row


class FileView(FrappeAPIView):
    """``GET /files/<name>`` and ``GET /private/files/<name>``."""

    private = False

    def get(self, request: Request, name: str) -> Any:
        file_url = f"{'/private' if self.private else ''}/files/{name}"
        row = File.objects.filter(file_url=file_url).exclude(storage_path="").first()
        if row is None:
            raise Http404(name)
        if not may_read(row, request.user):
            raise PermissionError("Not permitted")
        return file_response(row)


file_patterns = [
    re_path(r"^files/(?P<name>[^/]+)$", FileView.as_view(), name="public-file"),
    re_path(r"^private/files/(?P<name>[^/]+)$", FileView.as_view(private=True), name="private-file"),
]
