"""API v2: ``/api/v2/document``, ``/api/v2/doctype`` and the v2 method routes (seeds 001 and 002).

Answers carry ``data`` (documents with null fields as ``null``); errors are
``{"errors": [...]}`` with the same status codes as v1.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from .. import document
from ..conf import api_settings
from ..frappe_meta import as_frappe_meta
from ..document import bulk, listing
from ..document.answer import created_doc, written_doc
from ..exceptions import PermissionError, ValidationError
from ..gate import readable_meta
from ..permissions import has_permission
from ..registry import registry
from ..arguments import parse_json_param
from ..query import ListQuery, QueryConfig, list_query
from ..query.params import parse_int
from ..rpc.dispatch import execute
from ..rpc.whitelist import call_with_arguments, whitelisted
from ..transactions import READ_METHODS, request_transaction
from .answers import JSONAnswer
from .base import FrappeAPIView

TYPE_CHECKS = (("fields", list, "'fields' must be a list"),
               ("filters", (list, dict), "'filters' must be a list or dictionary"),
               ("or_filters", (list, dict), "'or_filters' must be a list or dictionary"),
               ("order_by", str, "'order_by' must be a string"),
               ("group_by", str, "'group_by' must be a string"))


class V2View(FrappeAPIView):
    api_version = 2

    def body(self, request: Request) -> dict[str, Any]:
        args = self.form_dict(request)
        args.pop("doctype", None)
        return args


def _check_types(args: dict[str, Any]) -> dict[str, Any]:
    checked = dict(args)
    for key, expected, message in TYPE_CHECKS:
        value = args.get(key)
        if value in (None, ""):
            continue
        decoded = parse_json_param(key, value) if key not in ("order_by", "group_by") else value
        if decoded is not None and not isinstance(decoded, expected):
            raise ValidationError(message)
        checked[key] = decoded
    return checked


class DocumentListView(V2View):
    """``GET`` lists (``start``, ``limit``, ``has_next_page`` from one ``limit + 1`` query, ``include=count``);
    ``POST`` creates, honouring a client ``name``."""

    def get(self, request: Request, doctype: str) -> Response:
        meta = self.get_meta(doctype)
        args = _check_types(self.form_dict(request))
        limit = min(parse_int("limit", args.get("limit"), 0) or api_settings.DEFAULT_PAGE_LENGTH,
                    api_settings.MAX_PAGE_LENGTH)

        def read_query(config: QueryConfig) -> ListQuery:
            # the row past the page may exceed the cap: it is only looked at, never answered
            config = dataclasses.replace(config, max_page_length=max(config.max_page_length, limit + 1))
            return list_query(config, fields=args.get("fields"), filters=args.get("filters"),
                              or_filters=args.get("or_filters"), order_by=args.get("order_by"),
                              group_by=args.get("group_by"), start=parse_int("start", args.get("start"), 0),
                              page_length=limit + 1,  # one more row tells whether there is a next page
                              as_dict=args.get("as_dict"), debug=args.get("debug"), expand=args.get("expand"))

        answer = listing.get_list(meta, read_query, request.user, parent=args.get("parent"),
                                  count="count" in str(args.get("include") or ""))
        rows, has_next_page = answer.rows, len(answer.rows) > limit
        del rows[limit:]  # in place: the rows keep their type (``PlainRows`` renders faster)
        body: dict[str, Any] = {"data": rows, "has_next_page": has_next_page}
        if answer.count is not None:
            body["count"] = answer.count
        if answer.debug is not None:
            body["debug"] = [{"message": line} for line in answer.debug]
        return JSONAnswer(body)

    def post(self, request: Request, doctype: str) -> JSONAnswer:
        meta = self.get_meta(doctype)
        data = self.body(request)
        return JSONAnswer({"data": created_doc(meta, data, request.user, include_nulls=True,
                                               honour_client_name=isinstance(data.get("name"), (str, int)))})


class DocumentDetailView(V2View):
    """``GET`` reads, ``PATCH``/``PUT`` update, ``DELETE`` deletes (202)."""

    def get(self, request: Request, doctype: str, name: str) -> JSONAnswer:
        meta = self.get_meta(doctype)
        return JSONAnswer({"data": document.get_doc(meta, name, request.user, include_nulls=True)})

    def patch(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        saved = document.update_doc(meta, name, self.body(request), request.user)
        return Response({"data": written_doc(meta, saved, request.user, include_nulls=True)})

    put = patch

    def delete(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        document.delete_doc(meta, name, request.user)
        return Response({"data": "ok"}, status=202)


COPY_DROPPED = frozenset({"name", "owner", "creation", "modified", "modified_by", "docstatus", "amended_from"})
CHILD_DROPPED = COPY_DROPPED | {"parent"}


class DocumentCopyView(V2View):
    """An unsaved copy, as Frappe's ``copy_doc``: no name, owner, timestamps or docstatus (child rows kept,
    without theirs)."""

    def get(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        source = document.get_doc(meta, name, request.user)
        copy = {key: value for key, value in source.items() if key not in COPY_DROPPED}
        for table in (table for table in meta.child_tables if table in source):  # those the caller may read
            copy[table] = [{key: value for key, value in row.items() if key not in CHILD_DROPPED}
                           for row in source.get(table, [])]
        return Response({"data": copy})


class DocumentMethodView(V2View):
    """``GET``/``POST .../{name}/method/{method}``: whitelisted document methods and the built-ins
    ``add_comment``, ``submit``, ``cancel`` and ``rename`` (these refused on GET). The document, as the caller
    may read it, is returned in ``docs``; everything a GET did is rolled back."""

    def call(self, request: Request, doctype: str, name: str, method: str) -> Response:
        meta = self.get_meta(doctype)
        args = self.body(request)
        with request_transaction(request.method):
            if method in ("add_comment", "rename") and request.method in READ_METHODS:
                raise PermissionError("Not permitted")
            if method == "add_comment":
                result = document.add_comment(meta, name, args.get("text"), request.user)
            elif method == "rename":
                name = result = document.rename_doc(meta, name, args.get("name"), request.user)
            else:
                result = document.run_doc_method(meta, name, method, args, request.user, request.method)
            return Response({"data": result, "docs": [written_doc(meta, name, request.user, include_nulls=True)]})

    get = post = call


class DocTypeMetaView(V2View):
    """The DocType's metadata, for a logged-in user who may read (or select) it, or, for a child table, one of
    its parents (Guest: 403). Any other DocType is answered exactly as a missing one."""

    def get(self, request: Request, doctype: str) -> Response:
        if not request.user.is_authenticated:
            raise PermissionError("Not permitted")
        meta = readable_meta(self.get_meta(doctype), request.user)
        owners = [owner for owner in registry.parents_of(meta.doctype)  # parents whose table the user may read
                  if readable_meta(owner, request.user).child_table_for(meta.doctype)] \
            if meta.options.istable else [meta]
        if not any(has_permission(owner, "select", request.user) for owner in owners):
            message = f"No permission for {doctype}"
            raise PermissionError(message, error_message=message)
        return Response({"data": as_frappe_meta(meta)})


class DocTypeCountView(V2View):
    def get(self, request: Request, doctype: str) -> JSONAnswer:
        meta = self.get_meta(doctype)
        args = _check_types(self.form_dict(request))
        return JSONAnswer({"data": listing.get_count(meta, args.get("filters"), args.get("or_filters"), request.user,
                                                     parent=args.get("parent"))})


class DocTypeMethodView(V2View):
    """``/api/v2/method/{doctype}/{method}``: a whitelisted static or class method of the DocType's model."""

    def call(self, request: Request, doctype: str, method: str) -> Response:
        meta = self.get_meta(doctype)
        target = getattr(meta.model, method, None) if not method.startswith("_") else None
        entry = whitelisted(target)
        if target is None or entry is None:
            return Response({"data": execute(f"{doctype}.{method}", self.form_dict(request), request)})
        if not request.user.is_authenticated and not entry.allow_guest or request.method not in entry.methods:
            raise PermissionError("Not permitted")
        with request_transaction(request.method):
            result = call_with_arguments(target, self.form_dict(request))
        return Response({"data": result})

    get = post = put = delete = call


class RunDocMethodView(V2View):
    """``/api/v2/method/run_doc_method``: ``method``, ``document`` (dict or JSON), ``kwargs``. The rights come
    first (``read``, and ``write`` for any verb but GET), then a stale ``modified`` is refused
    (``document.run_doc_method``); one transaction holds the call and the answer's read."""

    def call(self, request: Request) -> Response:
        args = self.form_dict(request)
        doc = parse_json_param("document", args.get("document")) or {}
        kwargs = parse_json_param("kwargs", args.get("kwargs")) or {}
        if not isinstance(doc, dict) or not isinstance(kwargs, dict):
            raise ValidationError("'document' and 'kwargs' must be objects")
        meta = self.get_meta(doc.get("doctype"))
        with request_transaction(request.method):
            result = document.run_doc_method(meta, doc.get("name"), str(args.get("method") or ""), kwargs,
                                             request.user, request.method, modified=doc.get("modified"))
            return Response({"data": result,
                             "docs": [written_doc(meta, doc.get("name"), request.user, include_nulls=True)]})

    get = post = call


def _bulk_limit(items: Any, key: str) -> list[Any]:
    if not isinstance(items, list):
        raise ValidationError(f"'{key}' must be a list")
    if len(items) > api_settings.MAX_BULK_ITEMS:
        raise ValidationError(f"At most {api_settings.MAX_BULK_ITEMS} items in one bulk request")
    return items


def _values(item: Any) -> dict[str, Any]:
    """A bulk item's field values (``doctype`` names the DocType, it is no value)."""
    return {field: value for field, value in item.items() if field != "doctype"} if isinstance(item, dict) else {}


def _failure(failure: bulk.Failure) -> dict[str, Any]:
    item = failure.item
    return {"index": failure.index, "name": item.get("name") if isinstance(item, dict) else item,
            "error": failure.error.message, "exc_type": failure.exc_type}


class BulkView(V2View):
    """``POST /api/v2/document/{doctype}/bulk_delete|bulk_update|bulk_insert`` and the cross-DocType
    ``POST /api/v2/method/bulk_delete|bulk_update``: one transaction, each row in a savepoint, failures
    reported per row (``document.bulk``)."""

    action = "delete"

    def post(self, request: Request, doctype: str | None = None) -> Response:
        args = self.form_dict(request)
        key = "names" if doctype and self.action == "delete" else "docs"
        items = _bulk_limit(args.get(key), key)

        def meta_of(item: Any) -> Any:
            return self.get_meta(doctype or (item.get("doctype") if isinstance(item, dict) else None))

        def named(item: Any) -> tuple[Any, Any, dict[str, Any]]:
            meta = meta_of(item)
            return meta, item.get("name") if isinstance(item, dict) else item, _values(item)

        def described(item: Any) -> tuple[Any, dict[str, Any]]:
            return meta_of({}), _values(item)

        if self.action == "insert":
            outcome = bulk.insert_many(items, described, request.user,
                                       honour_client_name=lambda data: isinstance(data.get("name"), str))
        else:
            run = bulk.delete_many if self.action == "delete" else bulk.update_many
            outcome = run(items, named, request.user)
        done_key = {"delete": "deleted", "update": "updated", "insert": "inserted"}[self.action]
        return Response({"data": {done_key: outcome.done, "failed": [_failure(f) for f in outcome.failed],
                                  "total": len(items), "success_count": len(outcome.done),
                                  "failure_count": len(outcome.failed)}})
