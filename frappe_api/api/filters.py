"""``FrappeFilterBackend``: Frappe's ``filters``, ``or_filters`` and ``order_by`` on any DRF view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from ..arguments import parse_json_param, query_config
from ..document.listing import GateResolver
from ..gate import readable_meta
from ..query import Compiler, QueryError, filter_queryset
from ..query.compile import order_queryset_for
from ..registry import registry
from .errors import query_error


class FrappeFilterBackend(BaseFilterBackend):
    """A DRF filter backend reading Frappe's list parameters from the query string.

    Names are checked against the model's DocType (or, for a model that is
    not registered, against its own fields) as the request's user may read
    it, through the read gate: fields above their permission levels are
    unknown, and a Link or child table reaches only what they may read there.
    Refusals are Frappe's 417 (403 for a DocType they may not read), also
    through DRF's own exception handler. The rows of the view's own queryset
    are the view's to decide.
    """

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        user = getattr(request, "user", None) or AnonymousUser()
        compiler = Compiler(readable_meta(registry.meta_for_model(queryset.model), user), GateResolver(user),
                            query_config())
        params = request.query_params
        try:
            queryset = filter_queryset(queryset, parse_json_param("filters", params.get("filters")),
                                       parse_json_param("or_filters", params.get("or_filters")), compiler)
            order_by = (params.get("order_by") or "").strip()
            return order_queryset_for(compiler, queryset, order_by) if order_by else queryset
        except QueryError as error:
            raise query_error(error) from None
