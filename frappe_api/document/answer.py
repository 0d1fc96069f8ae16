"""What a write answers: the saved document, as the caller may read it."""

from __future__ import annotations

from typing import Any

from ..exceptions import PermissionError
from ..meta import DocTypeMeta
from .serialize import get_doc


def written_doc(meta: DocTypeMeta, name: Any, user: Any, *, include_nulls: bool = False) -> dict[str, Any]:
    """The document just written, through the read gate (``document.get_doc``): fields above the user's
    permission levels left out, and only ``name`` and ``doctype`` when the user may write it but not read it."""
    try:
        return get_doc(meta, name, user, include_nulls=include_nulls)
    except PermissionError:
        return {"name": name, "doctype": meta.doctype}
