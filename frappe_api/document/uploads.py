"""The ``File`` row an upload makes (``upload_file``), written through the document service.

``frappe_api.files`` stores the bytes and checks the upload; the row, and the document field it may fill,
are written here.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .. import signals
from ..meta import DocTypeMeta
from ..models import File
from ..registry import registry
from .lifecycle import update_doc


def insert_file(row: File, user: Any, *, target: DocTypeMeta | None = None, docname: Any = None,
                fieldname: str | None = None) -> File:
    """Insert the ``File`` row of an upload (its owner and attachment set, the attachment already checked by
    ``attachments.attachment_target``) and, with ``fieldname``, put its URL in that field of the ``target``
    document ``docname`` (a save, needing ``write``): both or neither, in one transaction."""
    with transaction.atomic():
        row.full_clean()
        row.save(force_insert=True)
        signals.doc_changed.send(sender=File, meta=registry.get("File"), instance=row, name=row.name,
                                 action="insert", user=user)
        if target is not None and fieldname:
            update_doc(target, docname, {fieldname: row.file_url}, user)
    return row
