"""API v2: ``/api/v2/document``, ``/api/v2/doctype`` and the v2 method routes (seeds 001 and 002).

Answers carry ``data`` (documents with null fields as ``null``); errors are
``{"errors": [...]}`` with the same status codes as v1.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from .. import document
from ..conf import api_settings
from ..doctype_meta import describe
from ..document import listing
from ..document.answer import written_doc
from ..document.serialize import not_found
from ..exceptions import FrappeAPIException, PermissionError, ValidationError
from ..gate import readable_meta
from ..permissions import check_permission, has_permission, permission_scope, user_name
from ..registry import registry
from ..query.params import parse_int, parse_json_param
from ..rpc.dispatch import execute
from ..rpc.whitelist import call_with_arguments, whitelisted
from ..transactions import READ_METHODS, request_transaction
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
        args["limit"] = limit + 1  # one more row tells whether there is a next page, without a count
        rows, debug_lines = listing.get_list(meta, args, request.user, start_key="start", length_keys=("limit",),
                                             max_page_length=limit + 1)
        body: dict[str, Any] = {"data": rows[:limit], "has_next_page": len(rows) > limit}
        if "count" in str(args.get("include") or ""):
            body["count"] = listing.get_count(meta, args, request.user)
        if debug_lines is not None:
            body["debug"] = [{"message": line} for line in debug_lines]
        return Response(body)

    def post(self, request: Request, doctype: str) -> Response:
        meta = self.get_meta(doctype)
        data = self.body(request)
        name = document.insert_doc(meta, data, request.user, honour_client_name=isinstance(data.get("name"), (str, int)))
        return Response({"data": written_doc(meta, name, request.user, include_nulls=True)})


class DocumentDetailView(V2View):
    """``GET`` reads, ``PATCH``/``PUT`` update, ``DELETE`` deletes (202)."""

    def get(self, request: Request, doctype: str, name: str) -> Response:
        meta = self.get_meta(doctype)
        return Response({"data": document.get_doc(meta, name, request.user, include_nulls=True)})

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
                result = add_comment(meta, name, args.get("text"), request.user)
            elif method == "rename":
                name = result = document.rename_doc(meta, name, args.get("name"), request.user)
            else:
                result = document.run_doc_method(meta, name, method, args, request.user, request.method)
            return Response({"data": result, "docs": [written_doc(meta, name, request.user, include_nulls=True)]})

    get = post = call


def add_comment(meta: Any, name: Any, text: Any, user: Any) -> dict[str, Any]:
    """Store a ``Comment`` on a document the user may read, and answer it."""

    if not isinstance(text, str) or not text.strip():
        raise ValidationError("Comment text is required")
    document.get_doc(meta, name, user)
    comment_meta = registry.get("Comment")
    comment = comment_meta.model(reference_doctype=meta.doctype, reference_name=str(name), content=text,
                                 comment_type="Comment", comment_email=user_name(user))
    with transaction.atomic():
        from ..document import values
        from ..naming import make_hash

        values.stamp(comment_meta, comment, user, creating=True)
        comment.name = make_hash()
        values.full_clean(comment_meta, comment)
        values.save(comment_meta, comment, creating=True)
    return document.read_values(comment_meta, comment.name, include_nulls=True)


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
        return Response({"data": describe(meta)})


class DocTypeCountView(V2View):
    def get(self, request: Request, doctype: str) -> Response:
        meta = self.get_meta(doctype)
        return Response({"data": listing.get_count(meta, _check_types(self.form_dict(request)), request.user)})


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
    """``/api/v2/method/run_doc_method``: ``method``, ``document`` (dict or JSON), ``kwargs``; stale ``modified``
    refused."""

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


def _bulk(items: list[Any], operation: Any, done_key: str) -> dict[str, Any]:
    """Run ``operation`` per item in its own savepoint; failures are reported, successes kept."""
    done, failed = [], []
    for index, item in enumerate(items):
        try:
            with transaction.atomic():
                done.append(operation(item))
        except FrappeAPIException as exc:
            failed.append({"index": index, "name": item.get("name") if isinstance(item, dict) else item,
                           "error": exc.message, "exc_type": type(exc).__name__})
    return {done_key: done, "failed": failed, "total": len(items), "success_count": len(done),
            "failure_count": len(failed)}


def _preloaded(items: list[Any], meta_of: Any, ptype: str, user: Any) -> dict[tuple[str, str], Any]:
    """Every named document of the batch, loaded and row-locked in one query per DocType; DocTypes on which
    the user lacks ``ptype`` are never looked up."""
    by_doctype: dict[str, tuple[Any, list[Any]]] = {}
    for item in items:
        try:
            meta = meta_of(item)
        except FrappeAPIException:
            continue
        if permission_scope(meta, ptype, user) == "none":
            continue
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, (str, int)):
            by_doctype.setdefault(meta.doctype, (meta, []))[1].append(name)
    loaded = {}
    for doctype, (meta, names) in by_doctype.items():
        for name, instance in document.load_many_for_update(meta, names).items():
            loaded[(doctype, name)] = instance
    return loaded


class BulkView(V2View):
    """``POST /api/v2/document/{doctype}/bulk_delete|bulk_update|bulk_insert`` and the cross-DocType
    ``POST /api/v2/method/bulk_delete|bulk_update``."""

    action = "delete"

    def post(self, request: Request, doctype: str | None = None) -> Response:
        args = self.form_dict(request)
        user = request.user

        def meta_of(item: Any) -> Any:
            return self.get_meta(doctype or (item.get("doctype") if isinstance(item, dict) else None))

        key = "names" if doctype and self.action == "delete" else "docs"
        items = _bulk_limit(args.get(key), key)
        with transaction.atomic():
            ptype = "delete" if self.action == "delete" else "write"
            loaded = _preloaded(items, meta_of, ptype, user) if self.action != "insert" else {}

            def stored(meta: Any, name: Any) -> Any:
                check_permission(meta, ptype, user)  # the same 403 whether or not the name exists
                instance = loaded.get((meta.doctype, str(name)))
                if instance is None:
                    raise not_found(meta, name)
                return instance

            def delete(item: Any) -> Any:
                meta = meta_of(item)
                name = item.get("name") if isinstance(item, dict) else item
                document.delete_doc(meta, name, user, instance=stored(meta, name))
                return name

            def update(item: Any) -> Any:
                item = dict(item) if isinstance(item, dict) else {}
                meta = meta_of(item)
                item.pop("doctype", None)
                return document.update_doc(meta, item.get("name"), item, user,
                                           instance=stored(meta, item.get("name")))

            def insert(item: Any) -> Any:
                item = dict(item) if isinstance(item, dict) else {}
                item.pop("doctype", None)
                return document.insert_doc(meta_of({}), item, user,
                                           honour_client_name=isinstance(item.get("name"), str))

            operation, done_key = {"delete": (delete, "deleted"), "update": (update, "updated"),
                                   "insert": (insert, "inserted")}[self.action]
            return Response({"data": _bulk(items, operation, done_key)})
