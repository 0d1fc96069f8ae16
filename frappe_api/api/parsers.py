"""Request body parsers: JSON via orjson (bad JSON is Frappe's 417, never a 500)."""

from __future__ import annotations

from typing import Any

from rest_framework.parsers import BaseParser

from ..query.params import parse_json_param


class OrjsonParser(BaseParser):
    """Parse a JSON body; an empty body is ``{}``, malformed or too deeply nested JSON a 417."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        body = stream.read() if stream is not None else b""
        if not body.strip():
            return {}
        return parse_json_param("body", body)
