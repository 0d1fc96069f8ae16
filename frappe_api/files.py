"""Files: store uploads through Django's storage API and decide who may read them.

The stored name is made by the server (no client text reaches a storage
path); public files are served at ``/files/<name>``, private ones at
``/private/files/<name>`` to their owner and to users who may read the
document they are attached to.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
from typing import Any
from urllib.parse import urlsplit

from .conf import api_settings
from .document.attachments import attachment_target, storage
from .document.uploads import insert_file
from .exceptions import PermissionError, RequestEntityTooLarge, ValidationError
from .filetypes import OCTET_STREAM, served_type
from .models import File
from .naming import make_hash
from .permissions import document_permitted, is_superuser, meta_for_user, user_name
from .registry import registry

_SAFE_EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")
LOCAL_PREFIXES = ("/files/", "/private/files/")

__all__ = ["check_upload", "may_read", "readable_file", "save_upload", "storage", "upload_type"]


def _extension(file_name: str) -> str:
    extension = os.path.splitext(file_name)[1].lower()
    return extension if _SAFE_EXTENSION.match(extension) else ""


def _clean_name(file_name: Any) -> str:
    """A client's file name without directories or control characters (as Django cleans a multipart file's
    name); ``file`` when nothing is left."""
    base = os.path.basename(str(file_name or "").replace("\\", "/"))
    return "".join(char for char in base if char.isprintable()).strip() or "file"


def _check_type(file_name: str, content_type: str | None, user: Any) -> None:
    if getattr(user, "is_staff", False) or is_superuser(user):
        return
    guessed = mimetypes.guess_type(file_name)[0] or content_type or "application/octet-stream"
    if guessed not in api_settings.RESTRICTED_UPLOAD_MIME_TYPES:
        raise ValidationError("You can only upload JPG, PNG, PDF, TXT, CSV or Microsoft documents.")


def _check_remote_url(file_url: str) -> None:
    parts = urlsplit(file_url)
    if parts.scheme not in ("http", "https") or parts.hostname not in api_settings.ALLOWED_FILE_URL_HOSTS:
        raise ValidationError(f"File URL not allowed: {file_url}")


def _record_url(row: File, file_url: str, file_name: str | None, user: Any) -> None:
    """Point ``row`` at ``file_url``: a remote address on an allowed host, or a stored file the user may read
    (whose bytes, type and privacy the new row then shares)."""
    parts = urlsplit(file_url)
    row.file_url = file_url
    row.file_name = _clean_name(file_name or parts.path)
    if parts.scheme or parts.netloc:
        _check_remote_url(file_url)
        return
    source = readable_file(file_url, user) if file_url.startswith(LOCAL_PREFIXES) else None
    if source is None:
        raise ValidationError(f"File URL not allowed: {file_url}")
    row.file_name = _clean_name(file_name or source.file_name)
    if _extension(row.file_name) != _extension(source.file_name):
        raise ValidationError("The extension of a file cannot be changed")
    row.storage_path, row.content_type, row.is_private = source.storage_path, source.content_type, source.is_private
    row.file_size, row.content_hash = source.file_size, source.content_hash


def upload_name(upload: Any, file_name: str | None = None) -> str:
    """The name an upload is stored under (its last path part, printable characters only; ``file`` when empty)."""
    return _clean_name(file_name or upload.name)


def check_upload(user: Any, upload: Any, file_name: str | None = None) -> str:
    """Refuse an upload ``user`` may not make (a Guest without ``ALLOW_GUEST_UPLOADS``: 403; too large: 413; a
    type outside ``RESTRICTED_UPLOAD_MIME_TYPES`` for a user without desk access: 417); answer its name."""
    check_guest_upload(user)
    if upload.size > api_settings.MAX_FILE_SIZE:
        raise RequestEntityTooLarge(f"File size exceeded the maximum allowed size of "
                                    f"{api_settings.MAX_FILE_SIZE} bytes")
    original = upload_name(upload, file_name)
    _check_type(original, getattr(upload, "content_type", None), user)
    return original


def check_guest_upload(user: Any) -> None:
    """403 for a Guest unless ``ALLOW_GUEST_UPLOADS`` is on."""
    if not getattr(user, "is_authenticated", False) and not api_settings.ALLOW_GUEST_UPLOADS:
        raise PermissionError("Guests are not allowed to upload files")


def upload_type(upload: Any, file_name: str | None = None) -> str:
    """The type the upload would be served with (from its extension and its bytes; see ``filetypes``)."""
    upload.seek(0)
    content_type = served_type(_extension(upload_name(upload, file_name)), upload.chunks())
    upload.seek(0)
    return content_type


def _store(row: File, upload: Any, file_name: str | None, user: Any) -> None:
    """Save the upload's bytes under a server-made name and fix the type it will be served with."""
    original = check_upload(user, upload, file_name)
    extension = _extension(original)
    digest = hashlib.md5(usedforsecurity=False)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    row.content_type = served_type(extension, upload.chunks())
    upload.seek(0)
    row.storage_path = storage().save(f"{'private' if row.is_private else 'public'}/files/{make_hash()}{extension}",
                                      upload)
    row.file_name, row.file_size, row.content_hash = original, upload.size, digest.hexdigest()
    row.file_url = f"{'/private' if row.is_private else ''}/files/{os.path.basename(row.storage_path)}"


def save_upload(*, user: Any, upload: Any = None, file_url: str | None = None, file_name: str | None = None,
                is_private: bool = False, folder: str = "Home", doctype: str | None = None,
                docname: str | None = None, fieldname: str | None = None) -> File:
    """Store one upload (or record a ``file_url``), attach it, and answer the ``File`` row."""
    check_guest_upload(user)
    target_meta = attachment_target(doctype, docname, user)[0] if doctype and docname else None
    if upload is None and not file_url:
        raise ValidationError("No file attached")
    row = File(name=make_hash(), folder=folder or "Home", is_private=bool(is_private), content_type=OCTET_STREAM,
               attached_to_doctype=doctype or "", attached_to_name=str(docname or ""),
               attached_to_field=fieldname or "", owner=user_name(user), modified_by=user_name(user))
    if upload is not None:
        _store(row, upload, file_name, user)
    else:
        _record_url(row, file_url, file_name, user)
    try:
        insert_file(row, user, target=target_meta, docname=docname, fieldname=fieldname)
    except BaseException:
        if upload is not None:  # nothing half written: bytes no row names are not kept
            storage().delete(row.storage_path)
        raise
    return row


def may_read(row: File, user: Any) -> bool:
    """Public files are for everyone; private ones for their owner and readers of the attached document
    (if_owner and permission_query applied, as for the document itself)."""
    if not row.is_private or is_superuser(user):
        return True
    if getattr(user, "is_authenticated", False) and row.owner == user_name(user):
        return True
    if not (row.attached_to_doctype and row.attached_to_name):
        return False
    try:
        meta = meta_for_user(registry.get(row.attached_to_doctype), user)
        instance = meta.model._default_manager.filter(**{meta.name.attname: row.attached_to_name}).first()
    except Exception:  # noqa: BLE001 - a vanished DocType or an impossible name grants nothing
        return False
    return instance is not None and document_permitted(meta, "read", user, instance)


def readable_file(file_url: str, user: Any) -> File | None:
    """A stored ``File`` row behind ``file_url`` that ``user`` may read (rows sharing the bytes each grant
    access on their own terms); None when there is none."""
    rows = File.objects.filter(file_url=file_url).exclude(storage_path="").order_by("creation", "name")
    return next((row for row in rows if may_read(row, user)), None)
