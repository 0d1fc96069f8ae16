"""Frappe's request arguments read with this site's settings: the query language's readers bound to
``api_settings`` (``MAX_JSON_DEPTH``), and the ``QueryConfig`` lists run with.

The query language (``frappe_api.query``) reads no settings; views, RPC functions and the listing service take
its caps from here.
"""

from __future__ import annotations

from typing import Any

from .conf import api_settings
from .query import params
from .query.params import QueryConfig, parse_bool, parse_int

__all__ = ["parse_bool", "parse_fields", "parse_int", "parse_json_param", "parse_names", "query_config"]


def query_config() -> QueryConfig:
    """The caps and conventions of the query language as this site sets them (the admin's max page length
    included)."""
    return QueryConfig(max_page_length=api_settings.MAX_PAGE_LENGTH,
                       default_page_length=api_settings.DEFAULT_PAGE_LENGTH,
                       max_filters=api_settings.MAX_FILTERS, max_in_values=api_settings.MAX_IN_VALUES,
                       max_json_depth=api_settings.MAX_JSON_DEPTH,
                       first_day_of_week=api_settings.FIRST_DAY_OF_WEEK)


def parse_json_param(name: str, value: Any) -> Any:
    """Decode a JSON parameter sent as a string (decoded values pass through); bad JSON, or JSON nested deeper
    than ``MAX_JSON_DEPTH``, is a 417."""
    return params.parse_json_param(name, value, api_settings.MAX_JSON_DEPTH)


def parse_fields(value: Any) -> tuple[Any, ...]:
    """``fields`` as Frappe clients send it (see ``frappe_api.query.params.parse_fields``)."""
    return params.parse_fields(value, api_settings.MAX_JSON_DEPTH)


def parse_names(name: str, value: Any) -> tuple[str, ...]:
    """A list of field names sent as JSON, a JSON string, or a bare name."""
    return params.parse_names(name, value, api_settings.MAX_JSON_DEPTH)
