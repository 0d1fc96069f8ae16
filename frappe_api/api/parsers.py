"""Request body parsers: JSON via orjson (bad JSON is Frappe's 417, never a 500), and form bodies.

Every body and query string is held to one limit, Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB unless
the host project changes it; None lifts it): beyond it the answer is 413 ``RequestEntityTooLarge``. Files in
multipart uploads are limited by ``MAX_FILE_SIZE`` instead; the other multipart fields by Django itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import QueryDict
from rest_framework.parsers import BaseParser, FormParser

from ..exceptions import RequestEntityTooLarge
from ..arguments import parse_json_param


def size_limit() -> int | None:
    """The most bytes a request body (or query string) may hold, or None for no limit."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(limit: int) -> RequestEntityTooLarge:
    """The 413 for data beyond ``limit`` bytes."""
    return RequestEntityTooLarge(f"Request data exceeds the maximum allowed size of {limit} bytes")


def check_request_size(request: Any) -> None:
    """413 before anything is read when the declared body length or the query string is beyond the limit."""
    limit = size_limit()
    if limit is None:
        return
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (declared.isdigit() and int(declared) > limit and not (request.content_type or "").startswith(
            "multipart/form-data")) or len(request.META.get("QUERY_STRING", "")) > limit:
        raise too_large(limit)


def read_body(stream: Any) -> bytes:
    """The body in ``stream``, read no further than the limit (413 beyond it)."""
    if stream is None:
        return b""
    limit = size_limit()
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise too_large(limit)
    return body


class OrjsonParser(BaseParser):
    """Parse a JSON body; an empty body is ``{}``, malformed or too deeply nested JSON a 417, and a body past
    Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` a 413 (as for form bodies)."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        body = read_body(stream)
        if not body.strip():
            return {}
        return parse_json_param("body", body)


class LimitedFormParser(FormParser):
    """DRF's form parser, held to the body limit."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> QueryDict:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(read_body(stream), encoding=encoding)
