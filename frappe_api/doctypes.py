"""DocTypes frappe_api itself provides."""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Q

from .gate import all_rows_readable, readable_rows
from .models import ApiRequestLog, ApiSettings, Comment, File
from .permissions import has_permission
from .registry import register, registry

def readable_comments(user: Any) -> Q:
    """Comments on documents the user may read, as the read gate decides (``if_owner`` and
    ``permission_query`` of the commented DocType applied): one condition per DocType, sub-queries where only
    some of its rows are the user's."""
    condition = Q(pk__in=[])
    for doctype in registry.doctypes():
        meta = registry.get(doctype)
        if meta.options.istable or meta.model is Comment or not has_permission(meta, "read", user):
            continue  # (comments on comments: none are made, and reading them would recurse)
        if all_rows_readable(meta, user):
            condition |= Q(reference_doctype=doctype)
        else:
            names = readable_rows(meta, user).values(meta.name.lookup)
            condition |= Q(reference_doctype=doctype, reference_name__in=names)
    return condition


register(Comment, doctype="Comment", title_field="content", permission_query=readable_comments,
         permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},
                      {"role": "All", "read": 1}])
register(File, doctype="File", title_field="file_name", hidden_fields=["storage_path", "content_type"],
         read_only_fields=["file_url", "file_size", "content_hash", "is_private"],
         permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},
                      {"role": "All", "if_owner": 1, "read": 1, "write": 1, "delete": 1}])
register(ApiRequestLog, doctype="API Request Log", sort_field="creation", read_only_fields=[
    "path", "method", "user", "status", "duration_ms", "ip_address"],
         permissions=[{"role": "System Manager", "read": 1}])
register(Group, doctype="Role", name_field="name", naming_rule="field:name",
         permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1},
                      {"role": "All", "read": 1}])
register(ApiSettings, doctype="System Settings", issingle=True,  # as in Frappe: System Manager only
         permissions=[{"role": "System Manager", "read": 1, "write": 1}])
