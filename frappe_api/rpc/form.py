"""``frappe.desk.form.load``: a DocType's form metadata (``getdoctype``) and a document with its timeline
(``getdoc``, ``get_docinfo``), as Frappe's desk and frappe-ui's ``Filter`` and ``DataImport`` read them.

Both answer at the top level of the body (``docs``, ``docinfo``), not in
``message``. Metadata holds only the fields the caller may read; the document
goes through the read gate (``document.get_doc``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from .. import document
from ..frappe_meta import as_frappe_meta
from ..document.serialize import name_value
from ..exceptions import DoesNotExistError, PermissionError
from ..gate import meta_for, readable_meta
from ..meta import DocTypeMeta
from ..models import Comment, File
from ..permissions import RIGHTS, check_permission, document_permitted, has_permission
from ..registry import registry
from .context import current_user, set_response_key
from .whitelist import whitelist

COMMENT_LISTS = {"Comment": "comments", "Shared": "shared", "Unshared": "shared",
                 "Assignment Completed": "assignment_logs", "Assigned": "assignment_logs",
                 "Attachment": "attachment_logs", "Attachment Removed": "attachment_logs", "Info": "info_logs",
                 "Edit": "info_logs", "Label": "info_logs", "Like": "like_logs", "Workflow": "workflow_logs"}
"""Which ``docinfo`` list each comment type goes to (other types are counted nowhere, as in Frappe)."""


def _bundle(meta: DocTypeMeta, user: Any) -> list[dict[str, Any]]:
    """The DocType's metadata, then each child table's, as ``user`` may read them."""
    bundle = [as_frappe_meta(meta)]
    for table in meta.child_tables.values():
        bundle.append(as_frappe_meta(readable_meta(registry.get(table.doctype), user)))
    return bundle


def _selectable(meta: DocTypeMeta, user: Any) -> bool:
    owners = registry.parents_of(meta.doctype) if meta.options.istable else [meta]
    return any(has_permission(owner, "select", user) for owner in owners)


@whitelist(name="frappe.desk.form.load.getdoctype", read_only=True)
def getdoctype(doctype: str, with_parent: Any = False, cached_timestamp: Any = None) -> None:
    """``docs``: the DocType's metadata and its child tables' (``with_parent``: a child table's parent's,
    named in ``parent_dt``), and ``user_settings``; needs ``select`` on the DocType, or on a parent of a child
    table, as the v2 meta endpoint."""
    user = current_user()
    meta = meta_for(doctype, user)
    if not _selectable(meta, user):
        message = f"No permission for {meta.doctype}"
        raise PermissionError(message, error_message=message)
    shown = meta
    if with_parent not in (None, "", False, 0, "0", "false") and meta.options.istable:
        parent = next((owner for owner in registry.parents_of(meta.doctype) if has_permission(owner, "select", user)),
                      None)
        if parent is not None:
            shown = readable_meta(parent, user)
            set_response_key("parent_dt", shown.doctype)
    set_response_key("user_settings", "{}")
    set_response_key("docs", _bundle(shown, user))


def _user_info(users: set[str]) -> dict[str, dict[str, Any]]:
    """Frappe's ``user_info`` for the named users (one query): full name, image, name, email, time zone."""
    model = get_user_model()
    field = model.USERNAME_FIELD
    found = {str(getattr(row, field)): row for row in model._default_manager.filter(**{f"{field}__in": users})}
    info = {}
    for user in sorted(users):
        row = found.get(user)
        full_name = (row.get_full_name() if row is not None and hasattr(row, "get_full_name") else "") or user
        info[user] = {"fullname": full_name, "image": None, "name": user,
                      "email": getattr(row, "email", None) or user, "time_zone": None}
    return info


def _docinfo(meta: DocTypeMeta, name: Any, user: Any, instance: Any) -> dict[str, Any]:
    """The document's timeline as this server holds it: comments (by type), attachments and the caller's
    rights; what it does not hold (communications, versions, views...) is empty."""
    info: dict[str, Any] = {"user_info": {}, **{key: [] for key in dict.fromkeys(COMMENT_LISTS.values())}}
    comments = list(Comment.objects.filter(reference_doctype=meta.doctype, reference_name=str(name))
                    .order_by("-creation").values("name", "creation", "content", "owner", "comment_type"))
    for comment in comments:
        key = COMMENT_LISTS.get(comment["comment_type"])
        if key is not None:
            info[key].append(comment)
    attachments = list(File.objects.filter(attached_to_doctype=meta.doctype, attached_to_name=str(name))
                       .order_by("-creation").values("name", "file_name", "file_url", "is_private"))
    for attachment in attachments:
        attachment["is_private"] = int(attachment["is_private"])
    info.update({
        "doctype": meta.doctype,
        "name": name,
        "attachments": attachments,
        "communications": [],
        "automated_messages": [],
        "total_comments": len(info["comments"]),
        "versions": [],
        "assignments": [],
        "permissions": {right: int(document_permitted(meta, right, user, instance)) for right in RIGHTS},
        "views": [],
        "energy_point_logs": [],
        "additional_timeline_content": [],
        "milestones": [],
        "is_document_followed": 0,
        "tags": "",
        "document_email": None,
    })
    info["user_info"] = _user_info({comment["owner"] for comment in comments if comment["owner"]})
    return info


def _stored(meta: DocTypeMeta, name: Any) -> Any:
    return meta.model._default_manager.filter(**{meta.name.attname: name_value(meta, name)}).first()


@whitelist(name="frappe.desk.form.load.getdoc", read_only=True)
def getdoc(doctype: str, name: Any = None) -> list[Any] | None:
    """``docs``: the document (through the read gate, nulls included), ``docinfo`` and ``_link_titles``; a
    missing document answers ``[]``, as Frappe, once the caller is known to may read the DocType."""
    user = current_user()
    meta = meta_for(doctype, user)
    check_permission(meta, "read", user)  # before any lookup: no answer tells which names exist
    if meta.options.issingle or name in (None, ""):
        name = meta.doctype
    try:
        doc = document.get_doc(meta, name, user, include_nulls=True)
    except DoesNotExistError:
        return []
    instance = meta.model._default_manager.first() if meta.options.issingle else _stored(meta, name)
    set_response_key("docs", [doc])
    set_response_key("docinfo", _docinfo(meta, doc["name"], user, instance))
    set_response_key("_link_titles", {})
    return None


@whitelist(name="frappe.desk.form.load.get_docinfo", read_only=True)
def get_docinfo(doctype: str, name: Any) -> None:
    """``docinfo`` of a document the caller may read."""
    user = current_user()
    meta = meta_for(doctype, user)
    check_permission(meta, "read", user)
    doc = document.get_doc(meta, meta.doctype if meta.options.issingle else name, user)
    instance = meta.model._default_manager.first() if meta.options.issingle else _stored(meta, name)
    set_response_key("docinfo", _docinfo(meta, doc["name"], user, instance))
