"""The built-in ``upload_file`` and ``frappe.handler.download_file`` methods."""

from __future__ import annotations

from typing import Any

from ..document import read_values
from ..query.params import parse_bool
from ..registry import registry
from .context import current_request, current_user
from .whitelist import register_method, whitelist


@whitelist(allow_guest=True, methods=["POST"], name="upload_file")
def upload_file(file: Any = None, file_url: str | None = None, is_private: Any = 0, folder: str = "Home",
                doctype: str | None = None, docname: str | None = None, fieldname: str | None = None,
                file_name: str | None = None) -> dict[str, Any]:
    """Store a multipart ``file`` (or a ``file_url``), attach it, and answer the ``File`` document."""
    from ..files import save_upload

    request = current_request()
    upload = file if hasattr(file, "chunks") else (request.FILES.get("file") if request is not None else None)
    row = save_upload(user=current_user(), upload=upload, file_url=file_url or None, file_name=file_name,
                      is_private=parse_bool("is_private", is_private, False), folder=folder, doctype=doctype,
                      docname=docname, fieldname=fieldname)
    return read_values(registry.get("File"), row.name)


@whitelist(allow_guest=True, methods=["GET"], name="frappe.handler.download_file")
def download_file(file_url: str) -> Any:
    """The file's bytes as an attachment (403 when missing or not permitted)."""
    from ..api.files import file_response, find_file

    return file_response(find_file(file_url, current_user()), as_attachment=True)


register_method("frappe.handler.upload_file", upload_file)
