"""DocTypes frappe_api itself provides."""

from .models import Comment
from .registry import register

register(Comment, doctype="Comment", title_field="content",
         permissions=[{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}])
