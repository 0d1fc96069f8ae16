"""Whitelisted functions ``upload_file``'s ``method`` argument hands an upload to (test_upload_file_options)."""

from frappe_api import whitelist
from frappe_api.rpc.context import current_user


@whitelist(allow_guest=True, methods=["POST"])
def file_summary(file=None, title: str = ""):
    data = file.read() if file is not None else b""
    return {"name": getattr(file, "name", None), "size": len(data), "head": data[:4].hex(), "title": title,
            "user": current_user().get_username() or "Guest"}


@whitelist(methods=["POST"])
def members_only(file=None):
    return "members"


@whitelist(methods=["GET"])
def get_only(file=None):
    return "got"


def not_whitelisted(file=None):
    return "should never run"
