"""API v1: ``/api/resource/{doctype}`` and ``/api/resource/{doctype}/{name}`` (also under ``/api/v1/``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from django.http.response import HttpResponseBase
from rest_framework.request import Request
from rest_framework.response import Response

from .. import document
from ..exceptions import ValidationError
from ..document import listing
from ..document.answer import created_doc, written_doc
from ..query import ListQuery, QueryConfig, list_query
from ..query.params import first_given, parse_bool, parse_int
from .answers import JSONAnswer
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


def list_query_v1(args: Mapping[str, Any], config: QueryConfig) -> ListQuery:
    """A list request in v1's (and ``frappe.client``'s) names: ``limit_start``, and ``limit_page_length`` or
    ``limit``."""
    length = first_given(args.get("limit_page_length"), args.get("limit"))
    return list_query(config, fields=args.get("fields"), filters=args.get("filters"),
                      or_filters=args.get("or_filters"), order_by=args.get("order_by"), group_by=args.get("group_by"),
                      start=parse_int("limit_start", args.get("limit_start"), 0),
                      page_length=parse_int("limit_page_length", length, config.default_page_length),
                      as_dict=args.get("as_dict"), debug=args.get("debug"), expand=args.get("expand"))


class ResourceListView(FrappeAPIView):
    """``GET`` lists documents; ``POST`` creates one (answering 200, as Frappe does)."""

    def get(self, request: Request, doctype: str) -> JSONAnswer:
        meta = self.get_meta(doctype)
        args = self.form_dict(request)
        answer = listing.get_list(meta, lambda config: list_query_v1(args, config), request.user,
                                  parent=args.get("parent"))
        if answer.debug is not None:
            encoded = json.dumps(answer.debug)
            return JSONAnswer({"data": answer.rows, "exc": encoded, "_debug_messages": encoded})
        return JSONAnswer({"data": answer.rows})

    def post(self, request: Request, doctype: str) -> JSONAnswer:
        meta = self.get_meta(doctype)
        return JSONAnswer({"data": created_doc(meta, document_data(self.form_dict(request)), request.user)})


class ResourceDetailView(FrappeAPIView):
    """``GET`` reads, ``PUT`` updates (partially), ``DELETE`` deletes one document."""

    def get(self, request: Request, doctype: str, name: str) -> HttpResponseBase:
        meta = self.get_meta(doctype)
        args = self.form_dict(request)
        if args.get("run_method"):
            return self.run_method(request, meta, name, args)
        expand_links = parse_bool("expand_links", args.get("expand_links"), False)
        return JSONAnswer({"data": document.get_doc(meta, name, request.user, expand=expand_links)})

    def post(self, request: Request, doctype: str, name: str) -> Response:
        """``POST ...?run_method=<method>``: call a whitelisted document method (needs ``write``)."""
        meta = self.get_meta(doctype)
        args = self.form_dict(request)
        args.setdefault("run_method", request.query_params.get("run_method"))
        if not args.get("run_method"):
            raise ValidationError("run_method is required to POST to a document")
        return self.run_method(request, meta, name, args)

    def run_method(self, request: Request, meta: Any, name: str, args: dict[str, Any]) -> Response:
        method = str(args.pop("run_method"))
        result = document.run_doc_method(meta, name, method, args, request.user, request.method)
        return Response({"data": result})

    def put(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        new_name = document.update_doc(meta, name, document_data(self.form_dict(request)), request.user)
        return Response({"data": written_doc(meta, new_name, request.user)})

    def delete(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        document.delete_doc(meta, name, request.user)
        return Response({"data": "ok", "message": "ok"}, status=202)
