"""The DRF view base every Frappe endpoint shares: renderer, parsers, policies and error handling."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..auth.cookies import clear_login_cookies
from ..conf import api_settings
from ..exceptions import DoesNotExistError, ValidationError
from ..meta import DocTypeMeta
from ..gate import meta_for
from ..registry import registry
from ..rpc.context import response_headers
from .answers import JSONAnswer
from .errors import exception_handler
from .parsers import LimitedFormParser, OrjsonParser, check_request_size
from .renderers import OrjsonRenderer


class JSONNegotiation(BaseContentNegotiation):
    """Frappe answers JSON under /api/ whatever the Accept header asks for."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        for parser in parsers:
            if request.content_type and request.content_type.split(";")[0].strip() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


_SHARED: dict[tuple[type, ...], tuple[Any, ...]] = {}


def shared_instances(classes: Any) -> tuple[Any, ...]:
    """One instance of each of ``classes`` for every request: authenticators, parsers and renderers keep no
    per-request state, so a hot path need not build them again each time (throttles do keep state)."""
    key = tuple(classes)
    instances = _SHARED.get(key)
    if instances is None:
        instances = _SHARED.setdefault(key, tuple(cls() for cls in key))
    return instances


class FrappeAPIView(APIView):
    """Base view: orjson rendering, Frappe errors, and the DRF policies from ``api_settings``.

    DRF's per-request work a Frappe endpoint does not need is skipped: authenticators, parsers and renderers
    are built once per process (``shared_instances``), and content negotiation is the first renderer's JSON
    (Frappe answers JSON under /api/ whatever the Accept header asks for)."""

    api_version = 1
    renderer_classes = [OrjsonRenderer]
    parser_classes = [OrjsonParser, LimitedFormParser, MultiPartParser]
    content_negotiation_class = JSONNegotiation
    permission_classes: list = []

    def get_authenticators(self) -> tuple[Any, ...]:
        return shared_instances(api_settings.AUTHENTICATION_CLASSES)

    def get_parsers(self) -> tuple[Any, ...]:
        return shared_instances(self.parser_classes)

    def get_renderers(self) -> tuple[Any, ...]:
        return shared_instances(self.renderer_classes)

    def get_content_negotiator(self) -> Any:
        return shared_instances((self.content_negotiation_class,))[0]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    def get_throttles(self) -> list:
        return [throttle() for throttle in api_settings.THROTTLE_CLASSES]

    def get_exception_handler(self) -> Any:
        return exception_handler

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Handle the request in the API's time zone (``api_settings.TIME_ZONE``, the admin's when set) when one
        is set: the answer is rendered inside it, and the thread's zone is restored afterwards, so no zone leaks
        into the next request the thread serves."""
        zone = api_settings.TIME_ZONE
        if not zone:
            return super().dispatch(request, *args, **kwargs)
        with timezone.override(zone):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()  # dates are formatted while rendering
            return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        check_request_size(request)
        super().initial(request, *args, **kwargs)
        registry.refresh_if_stale()

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        """Frappe's ``session_expired: 1`` (and cleared cookies) when a dead session was sent, the request
        budget's ``X-RateLimit-*`` headers, and any header a called method asked for."""
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in response_headers(request).items():
            response[name] = value
        budget = getattr(request._request, "frappe_budget", None)
        if budget is not None:
            response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"], response["X-RateLimit-Reset"] = (
                str(value) for value in budget)
        if getattr(request._request, "frappe_session_expired", False) and isinstance(response, (Response, JSONAnswer)) \
                and isinstance(response.data, dict):
            response.data["session_expired"] = 1
            if isinstance(response, JSONAnswer):
                response.render_again()
            clear_login_cookies(response)
        return response

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(status=200)

    # --- helpers for subclasses ------------------------------------------------------
    def get_meta(self, doctype: str) -> DocTypeMeta:
        """The DocType as the user sees it; 404 for those allowed to know it is missing, 403 for everyone else."""
        return meta_for(doctype, self.request.user)

    def form_dict(self, request: Request) -> dict[str, Any]:
        """Frappe's request arguments: a non-empty JSON body alone, else query string plus form fields.

        A JSON list body becomes ``{"data": [...]}``; any other JSON scalar is refused.
        """
        content_type = (request.content_type or "").split(";")[0].strip()
        if content_type == "application/json":
            data = request.data
            if isinstance(data, list):
                return {"data": data}
            if not isinstance(data, dict):
                raise ValidationError("Invalid request arguments")
            if data:
                return dict(data)
        args: dict[str, Any] = dict(request.query_params.items())
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            args.update(request.data.items())
        args.pop("_", None)
        return args


class NotFoundView(FrappeAPIView):
    """Any unknown path under /api/: Frappe's JSON 404."""

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise DoesNotExistError(f"Not found: {request.path}")

    get = post = put = patch = delete = head = _not_found
