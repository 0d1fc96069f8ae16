"""Serving files: ``/files/<name>``, ``/private/files/<name>`` and ``frappe.handler.download_file``.

A file is served with the type fixed at upload (``File.content_type``), never one derived from its
user-editable name; only inert types are shown inline, and nothing is sniffed.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import re_path
from rest_framework.request import Request

from ..exceptions import PermissionError
from ..files import readable_file, storage
from ..filetypes import OCTET_STREAM, served_inline
from ..models import File
from .base import FrappeAPIView


def file_response(row: File, *, as_attachment: bool = False) -> FileResponse:
    """The file's bytes with its stored type: inline only for inert types, never sniffed (404 when the bytes
    are gone)."""
    content_type = row.content_type or OCTET_STREAM
    attachment = as_attachment or not served_inline(content_type)
    try:
        stored = storage().open(row.storage_path, "rb")
    except FileNotFoundError:
        raise Http404(row.file_url) from None
    response = FileResponse(stored, as_attachment=attachment, filename=row.file_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if row.is_private:
        response["Cache-Control"] = "private, no-store"
    return response


def find_file(file_url: str, user: Any) -> File:
    """The stored ``File`` behind ``file_url``, if the user may read it (403 otherwise, as Frappe answers)."""
    row = readable_file(file_url, user)
    if row is None:
        raise PermissionError("Not permitted")
    return row


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
