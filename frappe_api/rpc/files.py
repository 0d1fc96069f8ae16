"""The built-in ``upload_file`` and ``frappe.handler.download_file`` methods."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ..document import read_values
from ..exceptions import ValidationError
from ..files import check_guest_upload, check_upload, save_upload, upload_name, upload_type
from ..fileserving import file_response, find_file
from ..images import DEFAULT_MAX_HEIGHT, DEFAULT_MAX_WIDTH, FORMATS as IMAGE_FORMATS, ImageNotOptimized, \
    optimize_image
from ..query.params import parse_bool
from ..registry import registry
from .context import current_request, current_user, msgprint
from .dispatch import execute
from .whitelist import register_method, whitelist

MAX_DIMENSION = 10000
# Arguments meant for upload_file itself, not for the method it hands the upload to (``method`` above all:
# a method naming upload_file again would call itself for ever).
UPLOAD_ONLY = frozenset({"method", "optimize", "max_width", "max_height", "file"})


def _dimension(name: str, value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a whole number") from None
    if not 1 <= number <= MAX_DIMENSION:
        raise ValidationError(f"{name} must be between 1 and {MAX_DIMENSION}")
    return number


def _optimized(upload: Any, file_name: str | None, max_width: Any, max_height: Any) -> Any:
    """The upload, shrunk and recompressed when it is a raster image (in its own format, so its served type
    stays); unchanged otherwise, or (with a message, as Frappe) when Pillow cannot read it."""
    width = _dimension("max_width", max_width, DEFAULT_MAX_WIDTH)
    height = _dimension("max_height", max_height, DEFAULT_MAX_HEIGHT)
    content_type = upload_type(upload, file_name)
    if content_type not in IMAGE_FORMATS:
        return upload
    content = upload.read()
    upload.seek(0)
    try:
        optimized = optimize_image(content, content_type, width, height)
    except ImageNotOptimized as error:
        msgprint(f"Failed to optimize image: {error}")
        return upload
    if optimized is content:
        return upload
    return SimpleUploadedFile(upload_name(upload, file_name), optimized, content_type)


@whitelist(allow_guest=True, methods=["POST"], name="upload_file")
def upload_file(file: Any = None, file_url: str | None = None, is_private: Any = 0, folder: str = "Home",
                doctype: str | None = None, docname: str | None = None, fieldname: str | None = None,
                file_name: str | None = None, optimize: Any = 0, max_width: Any = None, max_height: Any = None,
                method: str | None = None) -> Any:
    """Store a multipart ``file`` (or a ``file_url``), attach it, and answer the ``File`` document.

    ``optimize=1`` shrinks a raster image to ``max_width`` x ``max_height`` (1024 x 768) first. With ``method``
    the upload is checked as usual but not stored: that whitelisted method is called (with the caller's rights,
    as ``/api/method`` calls it) with the request's arguments and the upload as ``file``, and its result is the
    answer."""
    request = current_request()
    user = current_user()
    upload = file if hasattr(file, "chunks") else (request.FILES.get("file") if request is not None else None)
    if upload is not None:
        check_upload(user, upload, file_name)
        if parse_bool("optimize", optimize, False):
            upload = _optimized(upload, file_name, max_width, max_height)
    if method:
        check_guest_upload(user)
        arguments = {key: value for key, value in request.frappe_arguments.items() if key not in UPLOAD_ONLY}
        if upload is not None:
            arguments["file"] = upload
        return execute(method, arguments, request)
    row = save_upload(user=user, upload=upload, file_url=file_url or None, file_name=file_name,
                      is_private=parse_bool("is_private", is_private, False), folder=folder, doctype=doctype,
                      docname=docname, fieldname=fieldname)
    return read_values(registry.get("File"), row.name)


@whitelist(allow_guest=True, methods=["GET"], name="frappe.handler.download_file")
def download_file(file_url: str) -> Any:
    """The file's bytes as an attachment (403 when missing or not permitted)."""
    return file_response(find_file(file_url, current_user()), as_attachment=True)


register_method("frappe.handler.upload_file", upload_file)
