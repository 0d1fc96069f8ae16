"""``run_doc_method`` (also ``runserverobj``): call a whitelisted method of one document, the way Frappe's desk
and frappe-ui's resources do (``dt``/``dn`` or ``docs``, ``method``, ``args``), answering ``message`` and ``docs``.

The rules are the document service's (``document.run_doc_method``), the same as API v2's: ``read`` on the
document (as Frappe's), ``write`` too for any verb but GET (whose writes are rolled back), all checked before a
stale ``modified`` in ``docs`` is refused.
"""

from __future__ import annotations

from typing import Any

from .. import document
from ..gate import meta_for
from ..document.answer import written_doc
from ..exceptions import ValidationError
from ..arguments import parse_json_param
from .context import current_request, current_user, set_response_key
from .whitelist import register_method, whitelist

NAMES = ("runserverobj", "frappe.handler.run_doc_method", "frappe.handler.runserverobj",
         "frappe.desk.form.run_method.runserverobj")


def _decoded(name: str, value: Any) -> Any:
    """``value`` decoded when it is JSON text of an object, a list, a string or null; else as sent."""
    if isinstance(value, str) and (value.strip()[:1] in ("[", "{", '"') or value.strip() == "null"):
        return parse_json_param(name, value)
    return value


def _arguments(args: Any, arg: Any) -> dict[str, Any]:
    """The method's keyword arguments: ``args`` (or the older ``arg``) as an object or its JSON; null or empty
    is none; any other value is passed as the method's ``args`` parameter."""
    value = args if args not in (None, "") else arg
    value = _decoded("args", value)
    if value in (None, ""):
        return {}
    return value if isinstance(value, dict) else {"args": value}


@whitelist(name="run_doc_method")
def run_doc_method(method: str, docs: Any = None, dt: Any = None, dn: Any = None, arg: Any = None,
                   args: Any = None) -> Any:
    """Run ``method`` on the document ``dt``/``dn`` (a Single when ``dn`` is missing) or on the stored
    document ``docs`` describes, and answer its result; the document, as the caller may read it, goes in
    ``docs``."""
    if dt not in (None, ""):
        name, modified = (dn if dn not in (None, "") else dt), None
        meta = meta_for(dt, current_user())
    else:
        sent = _decoded("docs", docs)
        if not isinstance(sent, dict):
            raise ValidationError("run_doc_method needs dt and dn, or docs")
        meta = meta_for(sent.get("doctype"), current_user())
        name, modified = sent.get("name"), sent.get("modified")
        if meta.options.issingle:
            name = meta.doctype
    http_method = getattr(current_request(), "method", "POST")
    result = document.run_doc_method(meta, name, str(method or ""), _arguments(args, arg), current_user(),
                                     http_method, modified=modified)
    set_response_key("docs", [written_doc(meta, meta.doctype if meta.options.issingle else name,
                                            current_user())])
    return result


for _name in NAMES:
    register_method(_name, run_doc_method)
