"""``FrappeFilterBackend``: Frappe's ``filters``, ``or_filters`` and ``order_by`` on any DRF view."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from ..query.compile import filter_queryset, order_queryset
from ..query.params import parse_json_param
from ..registry import registry


class FrappeFilterBackend(BaseFilterBackend):
    """A DRF filter backend reading Frappe's list parameters from the query string.

    Names are checked against the model's DocType (or, for a model that is
    not registered, against its own fields); refusals are Frappe's 417.
    """

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        meta = registry.describe(queryset.model)
        params = request.query_params
        queryset = filter_queryset(meta, queryset, parse_json_param("filters", params.get("filters")),
                                   parse_json_param("or_filters", params.get("or_filters")))
        order_by = (params.get("order_by") or "").strip()
        return order_queryset(meta, queryset, order_by) if order_by else queryset
