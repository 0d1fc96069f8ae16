"""API v1: ``/api/resource/{doctype}`` and ``/api/resource/{doctype}/{name}`` (also under ``/api/v1/``)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from rest_framework.request import Request
from rest_framework.response import Response

from .. import document
from ..exceptions import ValidationError
from ..permissions import check_permission
from ..conf import api_settings
from ..query import compile_list, fetch_rows, fetch_rows_with_debug, parse_list_params
from ..query.params import parse_bool
from .base import FrappeAPIView


def document_data(args: dict[str, Any]) -> dict[str, Any]:
    """The document a create or update sends: a ``data`` field holding JSON, or the arguments themselves."""
    data = args.get("data")
    if isinstance(data, (str, bytes)):
        try:
            data = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise ValidationError("Invalid JSON in field 'data'") from None
    if data is None:
        data = args
    if not isinstance(data, dict):
        raise ValidationError("The document must be a JSON object")
    data = dict(data)
    data.pop("doctype", None)
    return data


class ResourceListView(FrappeAPIView):
    """``GET`` lists documents; ``POST`` creates one (answering 200, as Frappe does)."""

    def get(self, request: Request, doctype: str) -> Response:
        meta = self.get_meta(doctype)
        check_permission(meta, "read", request.user)
        query = parse_list_params(self.form_dict(request))
        compiled = compile_list(meta, query, user=request.user)
        if query.debug and api_settings.DEBUG_PERMISSION(request.user):
            rows, debug_lines = fetch_rows_with_debug(compiled)
            encoded = json.dumps(debug_lines)
            return Response({"data": rows, "exc": encoded, "_debug_messages": encoded})
        return Response({"data": fetch_rows(compiled)})

    def post(self, request: Request, doctype: str) -> Response:
        meta = self.get_meta(doctype)
        name = document.insert_doc(meta, document_data(self.form_dict(request)), request.user)
        return Response({"data": document.read_values(meta, name)})


class ResourceDetailView(FrappeAPIView):
    """``GET`` reads, ``PUT`` updates (partially), ``DELETE`` deletes one document."""

    def get(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        expand_links = parse_bool("expand_links", request.query_params.get("expand_links"), False)
        return Response({"data": document.get_doc(meta, name, request.user, expand=expand_links)})

    def put(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        new_name = document.update_doc(meta, name, document_data(self.form_dict(request)), request.user)
        return Response({"data": document.read_values(meta, new_name)})

    def delete(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        document.delete_doc(meta, name, request.user)
        return Response({"data": "ok", "message": "ok"}, status=202)
