"""Files and comments belong to their document: who may attach, and what happens on delete and rename.

Attaching a ``File`` to a document (at upload, or by editing the File's
``attached_to_*`` fields on any write path) needs ``write`` on that document,
and moving an attachment away needs ``write`` on the document it leaves.
Deleting a document deletes its Files and Comments (the stored bytes go after
commit, once no File row names them); renaming it moves them along.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import storages
from django.db import models, transaction

from ..exceptions import DoesNotExistError, ValidationError
from ..meta import DocTypeMeta
from ..models import Comment, File
from ..permissions import check_document, check_permission
from ..registry import registry
from ..gate import meta_for
from .loading import name_value, not_found

ATTACHMENT_FIELDS = ("attached_to_doctype", "attached_to_name", "attached_to_field")


def storage() -> Any:
    """Django's default storage (local media, or S3 and friends through ``STORAGES``)."""
    return storages["default"]


def attachment_target(doctype: Any, name: Any, user: Any) -> tuple[DocTypeMeta, models.Model]:
    """The document ``doctype``/``name`` a File is to be attached to, once ``user`` is known to may write it
    (403 otherwise; 404 when it does not exist)."""
    meta = meta_for(doctype, user)
    check_permission(meta, "write", user)  # before the lookup: no answer tells which names exist
    instance = meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).first()
    if instance is None:
        raise not_found(meta, name)
    check_document(meta, "write", user, instance, name)
    return meta, instance


def _check_detach(doctype: str, name: str, user: Any) -> None:
    """``write`` on the document an attachment leaves; a document (or DocType) that is gone protects nothing."""
    try:
        meta = registry.get(doctype)
        exists = meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).exists()
    except DoesNotExistError:
        return
    if exists:
        attachment_target(doctype, name, user)


def check_write(meta: DocTypeMeta, instance: models.Model, data: Mapping[str, Any], user: Any) -> None:
    """Before a File row is inserted or saved with ``data``: changing what it is attached to needs ``write`` on
    the old and the new document, and an uploaded file keeps its extension. Other DocTypes pass untouched."""
    if not isinstance(instance, File):
        return
    old = {field: str(getattr(instance, field) or "") for field in ATTACHMENT_FIELDS}
    new = {field: str(data.get(field) or "") if field in data else old[field] for field in ATTACHMENT_FIELDS}
    if new != old:
        if old["attached_to_doctype"] and old["attached_to_name"]:
            _check_detach(old["attached_to_doctype"], old["attached_to_name"], user)
        if new["attached_to_doctype"] and new["attached_to_name"]:
            attachment_target(new["attached_to_doctype"], new["attached_to_name"], user)
    if "file_name" in data and not instance._state.adding:
        old_extension = os.path.splitext(instance.file_name)[1].lower()
        if os.path.splitext(str(data.get("file_name") or ""))[1].lower() != old_extension:
            raise ValidationError("The extension of a file cannot be changed")


def remove_attachments(meta: DocTypeMeta, instance: models.Model) -> None:
    """When ``instance`` is deleted: delete the Files attached to it and its Comments; the stored bytes (a
    deleted File's own too) are removed after commit when no remaining File row names them."""
    name = str(getattr(instance, meta.name.attname))
    files = File.objects.filter(attached_to_doctype=meta.doctype, attached_to_name=name)
    paths = set(files.exclude(storage_path="").values_list("storage_path", flat=True))
    if isinstance(instance, File) and instance.storage_path:
        paths.add(instance.storage_path)
    files.delete()
    Comment.objects.filter(reference_doctype=meta.doctype, reference_name=name).delete()
    if paths:
        transaction.on_commit(lambda: _remove_unused(paths), robust=True)


def _remove_unused(paths: set[str]) -> None:
    still_named = set(File.objects.filter(storage_path__in=paths).values_list("storage_path", flat=True))
    for path in sorted(paths - still_named):
        storage().delete(path)


def move_attachments(meta: DocTypeMeta, old_name: Any, new_name: Any) -> None:
    """Inside a rename: the Files and Comments of ``old_name`` now belong to ``new_name``."""
    File.objects.filter(attached_to_doctype=meta.doctype, attached_to_name=str(old_name)).update(
        attached_to_name=str(new_name))
    Comment.objects.filter(reference_doctype=meta.doctype, reference_name=str(old_name)).update(
        reference_name=str(new_name))
