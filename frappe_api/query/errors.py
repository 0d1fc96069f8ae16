"""The query language's errors: what a client got wrong in a list request, free of any HTTP framework.

The API maps them onto Frappe's errors (``frappe_api.api.errors.to_frappe_exception``): a
``NameNotPermitted`` is Frappe's ``DataError``, every other ``QueryError`` its ``ValidationError`` (both 417).
"""

from __future__ import annotations


class QueryError(Exception):
    """Base of every error the query language raises; ``message`` is what the client is told."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidParameter(QueryError):
    """A parameter that cannot be read: bad JSON, a wrong type, a non-number where a number goes."""


class InvalidFilter(QueryError):
    """A filter of the wrong shape, or an unknown operator."""


class InvalidValue(QueryError):
    """A value the field it is compared with (or stored in) cannot hold."""


class IllegalQuery(QueryError):
    """SQL text where only names go (comments, sub-queries, ``union``, functions in ``order_by``)."""


class LimitExceeded(QueryError):
    """Too many conditions, values or nesting levels, or a pattern too long."""


class NameNotPermitted(QueryError):
    """A field, DocType or function name the query may not use (unknown, or above the user's levels)."""
