"""The events the document service's writes publish, after commit: ``doc_update``, ``list_update``,
``doc_rename`` and ``docinfo_update``.

``list_update`` names a document, so it goes only where the document may be
read: to the DocType's room (subscribers who may read every document) and to
the room of the document's owner (subscribers who may read their own
documents only). One emit per room, whatever the number of sockets.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ..api.renderers import json_default
from ..meta import DocTypeMeta
from ..models import Comment, File
from ..permissions import owner_of, user_name
from ..rpc.form import COMMENT_LISTS
from .publish import jsonable, queue
from .rooms import doc_room, doctype_room, owner_room

DOCINFO_ACTIONS = {"insert": "add", "delete": "delete"}


def _modified(meta: DocTypeMeta, instance: models.Model) -> str | None:
    """``modified`` exactly as the REST API renders it."""
    api_field = meta.fields.get("modified")
    value = getattr(instance, api_field.attname, None) if api_field and api_field.attname else None
    return json_default(value) if value is not None else None


def document_changed(sender: Any, *, meta: DocTypeMeta, instance: models.Model, name: Any, action: str,
                     user: Any, **kwargs: Any) -> None:
    """``doc_update`` to the document's room; ``list_update`` to its readers, except for Single and child
    DocTypes (as Frappe); ``docinfo_update`` for a comment or an attachment."""
    name = str(name)
    queue("doc_update", {"doctype": meta.doctype, "name": name, "modified": _modified(meta, instance)},
          doc_room(meta.doctype, name))
    if not (meta.options.issingle or meta.options.istable):
        message = {"doctype": meta.doctype, "name": name, "user": user_name(user)}
        queue("list_update", message, doctype_room(meta.doctype))
        owner = owner_of(meta, instance) if "owner" in meta.fields else None
        if owner:
            queue("list_update", message, owner_room(meta.doctype, owner))
    _docinfo(instance, name, DOCINFO_ACTIONS.get(action, "update"))


def _docinfo(instance: models.Model, name: str, action: str) -> None:
    """Frappe's ``docinfo_update {doc, key, action}`` to the room of the document a comment or file is on,
    ``doc`` in the shape ``getdoc``'s docinfo lists it."""
    if isinstance(instance, Comment):
        key = COMMENT_LISTS.get(instance.comment_type)
        target = (instance.reference_doctype, instance.reference_name)
        doc = {"name": name, "creation": instance.creation, "content": instance.content,
               "owner": instance.owner, "comment_type": instance.comment_type}
    elif isinstance(instance, File):
        key, target = "attachments", (instance.attached_to_doctype, instance.attached_to_name)
        doc = {"name": name, "file_name": instance.file_name, "file_url": instance.file_url,
               "is_private": int(instance.is_private)}
    else:
        return
    if key is None or not all(target):
        return
    queue("docinfo_update", {"doc": jsonable(doc), "key": key, "action": action}, doc_room(*target))


def document_renamed(sender: Any, *, meta: DocTypeMeta, old_name: Any, new_name: Any, **kwargs: Any) -> None:
    """``doc_rename {doctype, old, new}`` to the room of the old name."""
    queue("doc_rename", {"doctype": meta.doctype, "old": str(old_name), "new": str(new_name)},
          doc_room(meta.doctype, old_name))
