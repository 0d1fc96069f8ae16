"""Whitelisted functions used by the RPC tests."""

from django.http import HttpResponse

from example_project.demo.models import Note
from frappe_api import rate_limit, whitelist
from frappe_api.rpc.context import current_user


@whitelist(allow_guest=True)
def echo(text: str = "", times: int = 1, flag: bool = False, items: list | None = None, **extra):
    return {"text": text * times, "flag": flag, "items": items, "extra": sorted(extra)}


@whitelist
def who_am_i():
    return current_user().get_username()


@whitelist
def nothing():
    return None


@whitelist(methods=["POST"])
def post_only():
    return "posted"


@whitelist
def write_note(title: str):
    Note.objects.create(name=title, title=title)
    return title


@whitelist
def raw_response():
    return HttpResponse("plain text", content_type="text/plain")


@whitelist
def needs_arg(required: int):
    return required


def not_whitelisted():
    return "should never run"


@whitelist(allow_guest=True)
@rate_limit(limit=2, seconds=60)
def limited(text: str = ""):
    return text


@whitelist(allow_guest=True)
@rate_limit(key="email", limit=1, seconds=60, ip_based=False, methods=["POST"])
def limited_by_email(email: str = ""):
    return email
