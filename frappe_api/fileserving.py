"""Serving a stored file's bytes (``/files/<name>``, ``/private/files/<name>``, ``frappe.handler.download_file``).

A file is served with the type fixed at upload (``File.content_type``), never one derived from its
user-editable name; only inert types are shown inline, and nothing is sniffed.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404

from .exceptions import PermissionError
from .files import readable_file, storage
from .filetypes import OCTET_STREAM, served_inline
from .models import File


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
