"""Frappe's query language, independent of HTTP, settings and users.

A caller builds one ``ListQuery`` (``list_query`` reads Frappe's parameter values; the caller resolves its
own parameter names), then ``compile_list`` validates every name against a DocType and builds one queryset,
reaching other DocTypes through the caller's ``DocTypeResolver`` and capped by its ``QueryConfig``;
``fetch_rows`` reads it with ``values_list()``. Errors are ``QueryError``\\s (``frappe_api.query.errors``).

Modules: ``params`` (the request, the caps, parameter readers), ``filters`` (filters to ``Q``), ``compile``
(fields, order, grouping, paging), ``children`` (child-row columns), ``values`` (values as field types),
``timespan`` (date ranges), ``lookups`` (``frappe_like``), ``resolver`` (the DocType resolver protocol),
``statements`` (compiled list SQL kept per process), ``errors``.
"""

from .compile import CompiledList, Compiler, compile_list, fetch_rows, fetch_rows_with_debug, filter_queryset
from .errors import (
    IllegalQuery,
    InvalidFilter,
    InvalidParameter,
    InvalidValue,
    LimitExceeded,
    NameNotPermitted,
    QueryError,
)
from .params import ListQuery, QueryConfig, list_query, parse_bool, parse_int, parse_json_param
from .resolver import DocTypeResolver, Unrestricted
from .statements import CompiledLists, Statement
from .values import PlainRows

__all__ = ["CompiledList", "CompiledLists", "Compiler", "DocTypeResolver", "IllegalQuery", "InvalidFilter",
           "InvalidParameter", "InvalidValue", "LimitExceeded", "ListQuery", "NameNotPermitted", "PlainRows", "QueryConfig",
           "QueryError", "Statement", "Unrestricted", "compile_list", "fetch_rows", "fetch_rows_with_debug",
           "filter_queryset", "list_query", "parse_bool", "parse_int", "parse_json_param"]
