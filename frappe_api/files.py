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

from django.core.files.storage import storages
from django.db import transaction

from . import document
from .conf import api_settings
from .runtime import setting
from .document import listing
from .exceptions import PermissionError, RequestEntityTooLarge, ValidationError
from .models import File
from .naming import make_hash
from .permissions import check_document, check_permission, has_permission, is_superuser, user_name

_SAFE_EXTENSION = re.compile(r"^\.[a-z0-9]{1,10}$")
INLINE_UNSAFE = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")


def storage() -> Any:
    """Django's default storage (local media, or S3 and friends through ``STORAGES``)."""
    return storages["default"]


def _extension(file_name: str) -> str:
    extension = os.path.splitext(file_name)[1].lower()
    return extension if _SAFE_EXTENSION.match(extension) else ""


def _check_type(file_name: str, content_type: str | None, user: Any) -> None:
    if getattr(user, "is_staff", False) or is_superuser(user):
        return
    guessed = mimetypes.guess_type(file_name)[0] or content_type or "application/octet-stream"
    if guessed not in api_settings.RESTRICTED_UPLOAD_MIME_TYPES:
        raise ValidationError("You can only upload JPG, PNG, PDF, TXT, CSV or Microsoft documents.")


def _check_file_url(file_url: str) -> None:
    parts = urlsplit(file_url)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.hostname not in api_settings.ALLOWED_FILE_URL_HOSTS:
            raise ValidationError(f"File URL not allowed: {file_url}")
    elif not file_url.startswith(("/files/", "/private/files/")):
        raise ValidationError(f"File URL not allowed: {file_url}")


def save_upload(*, user: Any, upload: Any = None, file_url: str | None = None, file_name: str | None = None,
                is_private: bool = False, folder: str = "Home", doctype: str | None = None,
                docname: str | None = None, fieldname: str | None = None) -> File:
    """Store one upload (or record a ``file_url``), attach it, and answer the ``File`` row."""
    if not getattr(user, "is_authenticated", False) and not setting("ALLOW_GUEST_UPLOADS"):
        raise PermissionError("Guests are not allowed to upload files")
    target_meta = None
    if doctype and docname:
        target_meta = listing.meta_for(doctype, user)
        check_permission(target_meta, "write", user)  # before the lookup: no answer tells which names exist
        instance = document.load_for_update(target_meta, docname)
        check_document(target_meta, "write", user, instance, docname)
    if upload is None and not file_url:
        raise ValidationError("No file attached")
    row = File(name=make_hash(), folder=folder or "Home", is_private=bool(is_private),
               attached_to_doctype=doctype or "", attached_to_name=str(docname or ""),
               attached_to_field=fieldname or "", owner=user_name(user), modified_by=user_name(user))
    if upload is not None:
        if upload.size > api_settings.MAX_FILE_SIZE:
            raise RequestEntityTooLarge(f"File size exceeded the maximum allowed size of "
                                        f"{api_settings.MAX_FILE_SIZE} bytes")
        original = os.path.basename(str(file_name or upload.name or "file")).strip() or "file"
        _check_type(original, getattr(upload, "content_type", None), user)
        stored = f"{make_hash()}{_extension(original)}"
        digest = hashlib.md5(usedforsecurity=False)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        row.storage_path = storage().save(f"{'private' if row.is_private else 'public'}/files/{stored}", upload)
        row.file_name, row.file_size, row.content_hash = original, upload.size, digest.hexdigest()
        row.file_url = f"{'/private' if row.is_private else ''}/files/{os.path.basename(row.storage_path)}"
    else:
        _check_file_url(file_url)
        row.file_url = file_url
        row.file_name = os.path.basename(file_name or urlsplit(file_url).path) or "file"
    with transaction.atomic():
        row.full_clean()
        row.save(force_insert=True)
        if target_meta is not None and fieldname:
            document.update_doc(target_meta, docname, {fieldname: row.file_url}, user)
    return row


def may_read(row: File, user: Any) -> bool:
    """Public files are for everyone; private ones for their owner and readers of the attached document."""
    if not row.is_private or is_superuser(user):
        return True
    if getattr(user, "is_authenticated", False) and row.owner == user_name(user):
        return True
    if row.attached_to_doctype and row.attached_to_name:
        from .permissions import meta_for_user
        from .registry import registry

        try:
            meta = meta_for_user(registry.get(row.attached_to_doctype), user)
            instance = meta.model._default_manager.get(**{meta.name.attname: row.attached_to_name})
        except Exception:  # noqa: BLE001 - a vanished DocType or document grants nothing
            return False
        from .permissions import owner_of

        return has_permission(meta, "read", user, owner=owner_of(meta, instance))
    return False
