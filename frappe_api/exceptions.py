"""Frappe's exception classes, each carrying its HTTP status code.

The names and status codes follow ``frappe/exceptions.py`` (v15), so clients
that switch on ``exc_type`` keep working. Raise them anywhere a request is
served; the API's exception handler turns them into Frappe's error body.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import APIException


class FrappeAPIException(APIException):
    """Base of every error frappe_api answers with a Frappe error body.

    It is also a DRF ``APIException``, so a host project's DRF views using
    frappe_api pieces (such as ``FrappeFilterBackend``) answer it with the
    right status code through DRF's own exception handler.
    """

    http_status_code = 500
    title = "Message"

    def __init__(self, message: str = "", *, title: str | None = None, error_message: str | None = None,
                 **extra: Any) -> None:
        super().__init__(str(message) or None)
        self.message = str(message)
        if title is not None:
            self.title = title
        self.error_message = error_message
        self.extra = extra

    @property
    def status_code(self) -> int:  # DRF reads the status from here
        return self.http_status_code

    def __str__(self) -> str:
        return self.message

    @classmethod
    def qualified_name(cls) -> str:
        """The dotted class name clients see in ``exception`` (Frappe's module for Frappe's classes)."""
        module = "frappe.exceptions" if cls.__module__ == __name__ else cls.__module__
        return f"{module}.{cls.__name__}"


# --- 417: validation ----------------------------------------------------------
class ValidationError(FrappeAPIException):
    http_status_code = 417


class FrappeTypeError(ValidationError):
    pass


class MandatoryError(ValidationError):
    pass


class DataError(ValidationError):
    pass


class LinkValidationError(ValidationError):
    pass


class LinkExistsError(ValidationError):
    pass


class TimestampMismatchError(ValidationError):
    pass


class DocstatusTransitionError(ValidationError):
    pass


class UpdateAfterSubmitError(ValidationError):
    pass


class UniqueValidationError(ValidationError):
    pass


class CharacterLengthExceededError(ValidationError):
    pass


class InvalidNameError(ValidationError):
    pass


# --- 401 / 403 / 404 / 409 ------------------------------------------------------
class AuthenticationError(FrappeAPIException):
    http_status_code = 401


class SessionExpired(AuthenticationError):
    pass


class PermissionError(FrappeAPIException):  # noqa: A001 - Frappe's name, clients switch on it
    http_status_code = 403
    title = "Not Permitted"


class DoesNotExistError(ValidationError):
    """Frappe derives it from ValidationError but answers 404."""

    http_status_code = 404


class PageDoesNotExistError(DoesNotExistError):
    pass


class NameError(FrappeAPIException):  # noqa: A001 - Frappe's name
    http_status_code = 409


class DuplicateEntryError(NameError):
    title = "Duplicate Name"


# --- 400 / 405 / 413 / 415 / 429 ------------------------------------------------
class CSRFTokenError(FrappeAPIException):
    http_status_code = 400


class InvalidAuthorizationHeader(CSRFTokenError):
    pass


class InvalidAuthorizationPrefix(CSRFTokenError):
    pass


class InvalidAuthorizationToken(CSRFTokenError):
    pass


class MethodNotAllowed(FrappeAPIException):
    """A wrong HTTP verb. Frappe answers werkzeug's HTML 405; we answer JSON."""

    http_status_code = 405


class RequestEntityTooLarge(FrappeAPIException):
    http_status_code = 413


class UnsupportedMediaType(FrappeAPIException):
    http_status_code = 415


class TooManyRequestsError(FrappeAPIException):
    http_status_code = 429


class RateLimitExceededError(TooManyRequestsError):
    pass


# --- 503 ----------------------------------------------------------------------
class DatabaseUnavailable(FrappeAPIException):
    """The database cannot be reached (not a bug: retry after ``Retry-After`` seconds). Not in Frappe."""

    http_status_code = 503

