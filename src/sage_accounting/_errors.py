"""The error tree every public call raises from.

``SageError`` is the root.  Transport failures are ``APIConnectionError`` (``APITimeoutError`` for
timeouts); answers with an error status are ``APIStatusError`` subclasses chosen by status; failures
to renew the OAuth connection are ``TokenRefreshError`` (``ReauthorizationRequired`` when the user
must sign in again).  No error message ever contains a token, a code or a client secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ._headers import parse_retry_after, request_id_of

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BusinessMismatchError",
    "ErrorItem",
    "InternalServerError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReauthorizationRequired",
    "SageError",
    "TokenRefreshError",
    "TokenStoreError",
    "UnprocessableEntityError",
    "UnsupportedMediaTypeError",
]


@dataclass(frozen=True)
class ErrorItem:
    """One entry of Sage's error array: ``{"$severity", "$dataCode", "$message", "$source"}``."""

    severity: str | None
    data_code: str | None
    message: str | None
    source: str | None

    @classmethod
    def from_json(cls, item: Any) -> ErrorItem:
        """Build from one element of Sage's error array (tolerates missing keys and non-objects)."""
        if not isinstance(item, Mapping):
            return cls(severity=None, data_code=None, message=str(item), source=None)

        def text(key: str) -> str | None:
            value = item.get(key)
            return None if value is None else str(value)

        return cls(
            severity=text("$severity"),
            data_code=text("$dataCode"),
            message=text("$message"),
            source=text("$source"),
        )

    def __str__(self) -> str:
        parts = [p for p in (self.data_code, self.message) if p]
        text = ": ".join(parts) if parts else "(no message)"
        if self.source and self.source not in ("", "base"):
            text += f" (field: {self.source})"
        return text


class SageError(Exception):
    """Root of every error this library raises on purpose."""


class BusinessMismatchError(SageError):
    """Sage answered for a different business than the one the request named in ``X-Business``."""

    def __init__(self, *, requested: str, answered: str, request_id: str | None) -> None:
        self.requested = requested
        self.answered = answered
        self.request_id = request_id
        super().__init__(
            f"Sage answered for business {answered!r} but the request asked for {requested!r}"
            f" (request id {request_id or 'unknown'}); check the business id and the user's access to it."
        )


class APIConnectionError(SageError):
    """The request did not get an HTTP answer (connection refused, reset, dropped …).

    ``maybe_committed`` is true when the request may have reached Sage and changed data (a POST
    whose connection broke after it was sent): check before creating the record again.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        maybe_committed: bool = False,
    ) -> None:
        self.request = request
        self.maybe_committed = maybe_committed
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out before an answer arrived."""


class APIStatusError(SageError):
    """Sage answered with an error status.

    Attributes: ``status_code``, ``request_id`` (Sage's ``x_request_id`` header), ``errors`` (the parsed
    error array, possibly empty), ``headers``, ``body`` (the decoded JSON, or the text when the body
    is not JSON), ``method`` and ``path`` of the request, ``maybe_committed`` (true when a POST got a
    5xx: the record may have been created).
    """

    def __init__(
        self,
        *,
        status_code: int,
        errors: list[ErrorItem],
        headers: Mapping[str, str],
        body: Any,
        method: str | None = None,
        path: str | None = None,
        maybe_committed: bool = False,
        hint: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.errors = errors
        self.headers = dict(headers)
        self.body = body
        self.method = method
        self.path = path
        self.maybe_committed = maybe_committed
        self.hint = hint
        self.after_lost_answer = False
        """True when an earlier attempt of this request got no usable answer (a 5xx, a broken
        connection) and may have been carried out: this answer may reflect its effect."""
        self.request_id = request_id_of(self.headers)
        super().__init__(self._sentence())

    @property
    def data_code(self) -> str | None:
        """The ``$dataCode`` of the first error item, if any."""
        return self.errors[0].data_code if self.errors else None

    @property
    def message(self) -> str | None:
        """The ``$message`` of the first error item, if any."""
        return self.errors[0].message if self.errors else None

    def _sentence(self) -> str:
        head = f"{self.status_code}"
        reason = _REASONS.get(self.status_code)
        if reason:
            head += f" {reason}"
        if self.errors:
            detail = "; ".join(str(e) for e in self.errors)
        elif isinstance(self.body, str) and self.body.strip():
            detail = self.body.strip()[:200]
        elif isinstance(self.body, Mapping) and self.body:
            detail = ", ".join(f"{k}={v}" for k, v in list(self.body.items())[:4])[:200]
        else:
            detail = "no error details in the body"
        where = f" on {self.method} {self.path}" if self.method and self.path else ""
        text = f"{head}: {detail}{where} (request id {self.request_id or 'unknown'})."
        if self.hint:
            text += f" {self.hint}"
        return text


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


# ``$dataCode``s of a 401 that mean the access token itself was refused.
TOKEN_ERROR_CODES = frozenset({"AccessTokenVerificationError", "AccessTokenExpiredError", "invalid_token"})


class AuthenticationError(APIStatusError):
    """401: the access token was refused (even after one refresh), or Sage refused the request for
    another reason (``AuthorizationFailure``: a business the user cannot reach, no active
    subscription, a readonly token writing); :attr:`token_refused` tells which."""

    @property
    def token_refused(self) -> bool:
        """True when the access token itself was refused (the user may have to sign in again);
        False when the token was fine but the business, subscription or scope was refused."""
        codes = [item.data_code for item in self.errors]
        return not codes or any(code is None or code in TOKEN_ERROR_CODES for code in codes)


class PermissionDeniedError(APIStatusError):
    """403: the user's role does not allow this (``MultiUserAccessDenied``)."""


class NotFoundError(APIStatusError):
    """404: no such record (``RecordNotFound``) or no such path."""


class MethodNotAllowedError(APIStatusError):
    """405: the endpoint does not support that HTTP method."""


class UnsupportedMediaTypeError(APIStatusError):
    """415: the body was not JSON."""


class UnprocessableEntityError(APIStatusError):
    """422: Sage refused the record (``RecordInvalid``); ``errors`` names the fields."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` is Sage's ``Retry-After`` in seconds, if given."""

    @property
    def retry_after(self) -> float | None:
        """Seconds Sage asked us to wait, from the ``Retry-After`` header."""
        return parse_retry_after(self.headers)


class InternalServerError(APIStatusError):
    """5xx: Sage failed; GET/PUT/DELETE are retried before this is raised."""


class TokenRefreshError(SageError):
    """Renewing the access token failed (network, ``/token`` error other than ``invalid_grant``).

    ``status_code`` is the token endpoint's HTTP status when it answered; ``unavailable`` is true when
    the failure is Sage's or the network's (a 5xx, no answer), not the sign-in's: try again later.
    """

    def __init__(
        self,
        message: str,
        *,
        connection: str | None = None,
        error: str | None = None,
        status_code: int | None = None,
        unreachable: bool = False,
    ) -> None:
        self.connection = connection
        self.error = error
        self.status_code = status_code
        self.unreachable = unreachable
        super().__init__(message)

    @property
    def unavailable(self) -> bool:
        """True when the token endpoint failed (5xx) or could not be reached."""
        return self.unreachable or (self.status_code is not None and self.status_code >= 500)


class ReauthorizationRequired(TokenRefreshError):
    """The refresh token is no longer accepted (``invalid_grant``): the user must sign in again."""


class TokenStoreError(SageError):
    """The token store could not be read or written."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    415: UnsupportedMediaTypeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The most specific ``APIStatusError`` subclass for a status."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)
