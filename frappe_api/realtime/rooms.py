"""The names of the rooms of a site's namespace (Frappe's, plus one per owner for ``if_owner`` readers)."""

from __future__ import annotations

from typing import Any

WEBSITE = "website"
ALL = "all"


def user_room(user: str) -> str:
    """Every socket of ``user``."""
    return f"user:{user}"


def doctype_room(doctype: str) -> str:
    """Subscribers of a DocType who may read every one of its documents."""
    return f"doctype:{doctype}"


def owner_room(doctype: str, owner: Any) -> str:
    """Subscribers of a DocType who may read only the documents they own (``if_owner``), per owner."""
    return f"doctype_owner:{doctype}/{owner}"


def doc_room(doctype: str, name: Any) -> str:
    """Subscribers of one document."""
    return f"doc:{doctype}/{name}"


def open_doc_room(doctype: str, name: Any) -> str:
    """Sockets that have the document open (``doc_viewers``)."""
    return f"open_doc:{doctype}/{name}"


def task_room(task_id: Any) -> str:
    """Subscribers of a background task's progress."""
    return f"task_progress:{task_id}"
