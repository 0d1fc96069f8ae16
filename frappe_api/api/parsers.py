"""Request body parsers: JSON via orjson (bad JSON is Frappe's 417, never a 500)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework.parsers import BaseParser

from ..query.params import parse_json_param


class OrjsonParser(BaseParser):
    """Parse a JSON body; an empty body is ``{}``, malformed or too deeply nested JSON a 417, and a body past
    Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` a 413 (as for form bodies)."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = (stream.read() if limit is None else stream.read(limit + 1)) if stream is not None else b""
        if limit is not None and len(body) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        if not body.strip():
            return {}
        return parse_json_param("body", body)
