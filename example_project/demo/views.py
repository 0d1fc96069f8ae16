"""Demo-only pages: the home page, a plain 404 page and the OAuth client's callback."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

FRAPPE_API_DOCS = "https://docs.frappe.io/framework/user/en/api/rest"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """``/``: links to the API, the login page, the admin and the documentation."""
    return render(request, "demo/home.html", {"docs_url": FRAPPE_API_DOCS})


def not_found(request: HttpRequest, exception: Any = None, **kwargs: Any) -> HttpResponse:
    """A plain 404 page for paths outside ``/api`` (Django's technical page would show every URL pattern,
    even with DEBUG on)."""
    return render(request, "demo/not_found.html", {"path": request.path}, status=404)


def oauth_callback(request: HttpRequest) -> JsonResponse:
    """Where the demo OAuth client is redirected after Allow/Deny: shows ``code``/``state`` (or ``error``) so
    they can be exchanged by hand with curl."""
    return JsonResponse(request.GET.dict())
