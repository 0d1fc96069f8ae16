"""Frappe's query language, independent of HTTP.

``parse_list_params`` turns request parameters into a ``ListQuery``;
``compile_list`` validates every name against a DocType and builds one
queryset; ``fetch_rows`` reads it with ``values_list()``.
"""

from .compile import CompiledList, compile_list, fetch_rows, fetch_rows_with_debug
from .params import ListQuery, parse_json_param, parse_list_params

__all__ = ["CompiledList", "ListQuery", "compile_list", "fetch_rows", "fetch_rows_with_debug", "parse_json_param",
           "parse_list_params"]
