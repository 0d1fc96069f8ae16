"""Comments on a document (Frappe's ``Comment`` rows): added by anyone who may read the document.

Deleting or renaming the document takes its comments along (``attachments``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .. import signals
from ..exceptions import ValidationError
from ..gate import readable_meta
from ..meta import DocTypeMeta
from ..naming import make_hash
from ..permissions import check_permission, user_name
from ..registry import registry
from . import values
from .serialize import read_values


def add_comment(meta: DocTypeMeta, name: Any, text: Any, user: Any) -> dict[str, Any]:
    """Store ``text`` as a ``Comment`` on the document ``name`` and answer the comment (null fields as null).

    Needs ``read`` on the document (403 for one outside the user's rows, 404 when missing, before anything is
    written); empty text is a 417."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("Comment text is required")
    check_permission(meta, "read", user)
    read_values(readable_meta(meta, user), name, user=user)  # the read gate's answer: 403, or 404 when missing
    comment_meta = registry.get("Comment")
    comment = comment_meta.model(reference_doctype=meta.doctype, reference_name=str(name), content=text,
                                 comment_type="Comment", comment_email=user_name(user))
    with transaction.atomic():
        values.stamp(comment_meta, comment, user, creating=True)
        comment.name = make_hash()
        values.full_clean(comment_meta, comment)
        values.save(comment_meta, comment, creating=True)
        signals.doc_changed.send(sender=comment_meta.model, meta=comment_meta, instance=comment, name=comment.name,
                                 action="insert", user=user)
    return read_values(comment_meta, comment.name, include_nulls=True)
