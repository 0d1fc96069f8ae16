"""One exception handler turning every error under ``/api/`` into Frappe's JSON error body.

v1 body: ``exc_type``, ``exception`` (``module.Class: message``), ``exc`` (a
JSON-encoded list holding the exception line; the full traceback only when
``SHOW_TRACEBACK`` is on; absent on 404 as in Frappe) and
``_server_messages`` (a JSON list of JSON-encoded ``{message, title,
indicator}``). v2 body: ``{"errors": [{type, message, title, indicator}]}``.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError as DatabaseDataError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .. import exceptions as fx
from ..query import errors as query_errors
from ..auth.challenge import www_authenticate
from ..conf import api_settings
from ..resilience import log_degraded
from .parsers import size_limit, too_large

logger = logging.getLogger("frappe_api")

# Seconds a client should wait before retrying when the database is unreachable.
DATABASE_RETRY_AFTER = 5


# The query language's errors as Frappe's (most specific first): the class a client sees in ``exc_type``.
QUERY_ERRORS: tuple[tuple[type[query_errors.QueryError], type[fx.FrappeAPIException]], ...] = (
    (query_errors.NameNotPermitted, fx.DataError),
    (query_errors.QueryError, fx.ValidationError),
)


def query_error(error: query_errors.QueryError) -> fx.FrappeAPIException:
    """Frappe's error (417, ``DataError`` or ``ValidationError``) for an error of the query language."""
    frappe_class = next(frappe for query, frappe in QUERY_ERRORS if isinstance(error, query))
    return frappe_class(error.message)


def to_frappe_exception(exc: BaseException) -> fx.FrappeAPIException:
    """The Frappe exception a client should see for ``exc`` (the query language's, DRF's and Django's mapped
    onto Frappe's)."""
    if isinstance(exc, fx.FrappeAPIException):
        return exc
    if isinstance(exc, query_errors.QueryError):
        return query_error(exc)
    if isinstance(exc, drf.ParseError):
        return fx.ValidationError(f"Invalid request body: {exc.detail}")
    if isinstance(exc, MultiPartParserError):  # request.POST on a malformed multipart body (no boundary, ...)
        return fx.ValidationError(f"Invalid request body: {exc}")
    if isinstance(exc, drf.MethodNotAllowed):
        return fx.MethodNotAllowed(str(exc.detail))
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return fx.AuthenticationError(str(exc.detail))
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        return fx.PermissionError(str(getattr(exc, "detail", "")) or "Not permitted")
    if isinstance(exc, (drf.NotFound, Http404)):
        return fx.DoesNotExistError(str(getattr(exc, "detail", "")) or "Not found")
    if isinstance(exc, drf.Throttled):
        error = fx.TooManyRequestsError(str(exc.detail))
        error.extra["retry_after"] = exc.wait
        return error
    if isinstance(exc, drf.UnsupportedMediaType):
        return fx.UnsupportedMediaType(str(exc.detail))
    if isinstance(exc, RequestDataTooBig):
        return too_large(size_limit() or 0)
    if isinstance(exc, (DatabaseOperationalError, DatabaseInterfaceError)):
        error = fx.DatabaseUnavailable("The database is unavailable, please try again shortly")
        error.extra["retry_after"] = DATABASE_RETRY_AFTER
        return error
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):  # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES
        return fx.RequestEntityTooLarge("Too many parameters or files in the request")
    if isinstance(exc, (DatabaseDataError, OverflowError)):
        return fx.DataError("A value is out of range for the database")
    if isinstance(exc, (drf.ValidationError, DjangoValidationError)):
        messages = getattr(exc, "messages", None) or [str(getattr(exc, "detail", exc))]
        return fx.ValidationError("; ".join(str(m) for m in messages))
    if isinstance(exc, drf.APIException):
        error = fx.FrappeAPIException(str(exc.detail))
        error.http_status_code = exc.status_code
        return error
    return fx.FrappeAPIException("Internal Server Error")


def _server_message(error: fx.FrappeAPIException) -> str:
    # Frappe encodes each message with json.dumps' default separators; clients parse it twice.
    return json.dumps({"message": error.message, "title": error.title, "indicator": "red", "raise_exception": 1})


def error_body(error: fx.FrappeAPIException, *, version: int, original: BaseException) -> dict[str, Any]:
    """Frappe's error body for ``error`` under API ``version`` (1 or 2)."""
    exc_type = type(error).__name__ if type(error) is not fx.FrappeAPIException else "Exception"
    exception_line = f"{type(error).qualified_name()}: {error.message}" if error.message else type(
        error).qualified_name()
    show_traceback = api_settings.SHOW_TRACEBACK
    trace = "".join(traceback.format_exception(original)) if show_traceback else exception_line
    if version == 2:
        entry: dict[str, Any] = {"type": exc_type, "message": error.message, "title": error.title,
                                 "indicator": "red"}
        if show_traceback:
            entry["exception"] = trace
        return {"errors": [entry]}
    body: dict[str, Any] = {"exc_type": exc_type, "exception": exception_line}
    if error.http_status_code != 404:
        body["exc"] = json.dumps([trace])
    if error.message:
        body["_server_messages"] = json.dumps([_server_message(error)])
    if error.error_message:
        body["_error_message"] = error.error_message
    for key, value in error.extra.items():
        if key in ("message", "session_expired"):
            body[key] = value
    return body


# Exceptions mapped onto a Frappe error the client caused: nothing to log.
EXPECTED = (query_errors.QueryError, drf.APIException, Http404, DjangoPermissionDenied, DjangoValidationError,
            RequestDataTooBig, DatabaseDataError, OverflowError, TooManyFieldsSent, TooManyFilesSent,
            MultiPartParserError)


def report(exc: BaseException, error: fx.FrappeAPIException, path: str) -> None:
    """Log ``exc`` with its traceback when it is unexpected (a database outage at most once a minute)."""
    if isinstance(error, fx.DatabaseUnavailable) and error is not exc:
        log_degraded("database", f"The database is unreachable ({type(exc).__name__}: {exc}) on {path}: "
                                 f"answering 503", exc)
    elif error is not exc and not isinstance(exc, EXPECTED):
        logger.error("Unhandled error on %s", path, exc_info=exc)


def error_headers(error: fx.FrappeAPIException, request: Any = None) -> dict[str, str]:
    """The headers going with ``error``: ``Retry-After`` for 429 and 503, ``WWW-Authenticate`` naming the
    accepted schemes for a 401 (and a Bearer token's error)."""
    headers: dict[str, str] = {}
    if request is not None and (error.http_status_code == 401 or getattr(request, "frappe_bearer_error", None)):
        challenge = www_authenticate(request)
        if challenge:
            headers["WWW-Authenticate"] = challenge
    if "retry_after" in error.extra:
        headers["Retry-After"] = str(int(error.extra["retry_after"] or 0))
    return headers


def exception_handler(exc: BaseException, context: dict[str, Any]) -> Response:
    """DRF exception handler answering every error with Frappe's body and status code."""
    error = to_frappe_exception(exc)
    report(exc, error, getattr(context.get("request"), "path", "?"))
    version = getattr(context.get("view"), "api_version", 1)
    set_rollback()
    response = Response(error_body(error, version=version, original=exc), status=error.http_status_code,
                        headers=error_headers(error, context.get("request")))
    if isinstance(error, fx.DatabaseUnavailable):
        response._has_been_logged = True  # report() logs the outage once a minute; not django.request per request
    return response
