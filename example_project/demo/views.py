"""Demo-only pages."""

from django.http import HttpRequest, JsonResponse


def oauth_callback(request: HttpRequest) -> JsonResponse:
    """Where the demo OAuth client is redirected after Allow/Deny: shows ``code``/``state`` (or ``error``) so
    they can be exchanged by hand with curl."""
    return JsonResponse(request.GET.dict())
