"""Sans-I/O decisions shared by the sync and the async client.

Nothing here performs I/O or sleeps: it builds request parts, decides whether to retry and how long
to wait, and turns an error answer into the right exception.  Both clients call these functions, so
their behaviour cannot drift apart.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import platform
import random
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
import orjson

from ._errors import (
    TOKEN_ERROR_CODES,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ErrorItem,
    status_error_class,
)
from ._headers import parse_retry_after, request_id_of
from ._version import __version__

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_AUTHORIZE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_REVOKE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN_URL",
    "NOT_GIVEN",
    "NotGiven",
    "RetryConfig",
    "parse_retry_after",
    "request_id_of",
]

DEFAULT_API_URL: Final = "https://api.accounting.sage.com/v3.1"
DEFAULT_AUTHORIZE_URL: Final = "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"
DEFAULT_TOKEN_URL: Final = "https://oauth.accounting.sage.com/token"
DEFAULT_REVOKE_URL: Final = "https://oauth.accounting.sage.com/revoke"
# Sage's gateway gives up after 45 s; wait a little longer so we see its 504 rather than our timeout.
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2
RETRYABLE_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
SECRET_KEYS: Final = frozenset(
    {
        "access_token",
        "refresh_token",
        "token",
        "code",
        "code_verifier",
        "client_secret",
        "password",
        "authorization",
        "cookie",
        "set-cookie",
    }
)


class NotGiven(Enum):
    """Sentinel type for "argument not given", distinct from an explicit ``None``."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


def check_http_url(url: object, name: str) -> str:
    """``url`` if it is an absolute ``http``/``https`` URL with a host (and a valid port), else
    ``ValueError`` naming ``name``."""
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a string, got {type(url).__name__}")
    problem = None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme.lower() not in ("http", "https"):
            problem = "it must start with http:// or https://"
        elif not parts.hostname:
            problem = "it has no host"
        elif any(ord(c) <= 32 or ord(c) == 127 for c in url):
            problem = "it contains spaces or control characters"
    if problem:
        raise ValueError(f"{name} {url!r} is not a valid URL: {problem}")
    return url


def hosts_from_base(base_url: str) -> dict[str, str]:
    """The four URLs of a Sage-shaped server at ``base_url`` (such as the emulator)."""
    base = check_http_url(base_url, "host").rstrip("/")
    return {
        "api_url": f"{base}/v3.1",
        "authorize_url": f"{base}/oauth2/auth/central?filter=apiv3.1",
        "token_url": f"{base}/token",
        "revoke_url": f"{base}/revoke",
    }


def user_agent() -> str:
    """``sage-accounting-python/<version> httpx/<version> Python/<version>``."""
    return (
        f"sage-accounting-python/{__version__} httpx/{httpx.__version__} Python/{platform.python_version()}"
    )


# --- retries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryConfig:
    """How retries wait: exponential backoff from ``initial_delay`` doubling to ``max_delay``, with
    jitter; a ``Retry-After`` from Sage is honoured up to ``max_retry_after`` seconds."""

    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryConfig.{name} must be >= 0, got {getattr(self, name)!r}")


def should_retry_status(method: str, status_code: int) -> bool:
    """Whether an answer with ``status_code`` may be retried for ``method``.

    GET/PUT/DELETE retry on 408, 429 and 500/502/503/504.  A POST retries only on 429: Sage refused
    it before doing anything.  After a 5xx a POST may have created the record, so it is never
    repeated silently.
    """
    if status_code not in RETRYABLE_STATUSES:
        return False
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return status_code == 429


def never_reached_server(exc: BaseException) -> bool:
    """True when the transport error proves the request was never delivered (no connection made)."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def should_retry_exception(method: str, exc: BaseException) -> bool:
    """Whether a transport error may be retried for ``method`` (POST only if never delivered)."""
    if not isinstance(exc, httpx.TransportError):
        return False
    if never_reached_server(exc):
        return True
    return method.upper() in IDEMPOTENT_METHODS


def backoff(
    attempt: int,
    *,
    retry_after: float | None,
    config: RetryConfig,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0).

    ``Retry-After`` wins (capped at ``config.max_retry_after``); otherwise exponential backoff with
    jitter: ``initial_delay * 2**attempt`` capped at ``max_delay``, scaled by a random 0.75–1.0 so
    that many clients hit by the same outage do not come back in lockstep.
    """
    if retry_after is not None:
        return min(retry_after, config.max_retry_after)
    base = min(config.initial_delay * (2**attempt), config.max_delay)
    jitter: float = (rng or random).uniform(0.75, 1.0)
    return float(base * jitter)


def retry_after_too_long(retry_after: float | None, config: RetryConfig) -> bool:
    """True when Sage asked us to wait longer than ``config.max_retry_after``: rather than sleep
    a capped while and be refused again, the pipeline raises at once (the error carries
    ``retry_after``)."""
    return retry_after is not None and retry_after > config.max_retry_after


# --- requests -------------------------------------------------------------------------------------


def encode_value(value: Any) -> str:
    """One query-string value the way Sage expects it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ValueError(
                f"naive datetime {value!r}: give a timezone-aware datetime (e.g. with tzinfo=UTC)"
            )
        return value.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(encode_value(v) for v in value)
    return str(value)


def encode_params(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query parameters as pairs; ``None`` values are left out."""
    if not params:
        return []
    return [(k, encode_value(v)) for k, v in params.items() if v is not None and v is not NOT_GIVEN]


def _is_pydantic_model(value: Any) -> bool:
    # A model exists only once pydantic is imported: no need to import it (a heavy import) to ask.
    if "pydantic" not in sys.modules:
        return False
    from pydantic import BaseModel

    return isinstance(value, BaseModel)


def jsonable(value: Any) -> Any:
    """Python data (models, ``Decimal``, dates) as JSON-ready data, money kept exact as strings."""
    if _is_pydantic_model(value):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if v is not NOT_GIVEN}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return encode_value(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _non_finite_path(value: Any, path: str) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path or "the body"
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _non_finite_path(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _non_finite_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def dump_json(value: Any) -> bytes:
    """Compact JSON bytes of ``value`` (after :func:`jsonable`).

    NaN and infinities are refused with ``ValueError`` (JSON cannot carry them; Python's ``json``
    would write a bare ``NaN`` that Sage cannot parse).
    """
    data = jsonable(value)
    try:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        where = _non_finite_path(data, "") or "the body"
        raise ValueError(
            f"{where} is NaN or infinite, which JSON cannot carry: give a finite number"
        ) from None
    return text.encode("utf-8")


_ID_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
_ID_HAS_ALNUM = re.compile(r"[A-Za-z0-9]")


def check_id(value: object, name: str = "id") -> str:
    """Validate a record id before it goes into a path.

    Letters, digits, ``_``, ``-`` and ``.``, with at least one letter or digit: ids such as ``.``
    or ``..`` would be collapsed by URL normalisation and address the collection (or its parent).
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value or not _ID_RE.match(value) or not _ID_HAS_ALNUM.search(value):
        raise ValueError(
            f"{name} {value!r} is not a valid Sage id (letters, digits, '_', '-', '.', "
            "with at least one letter or digit)"
        )
    return value


def split_relative(link: str) -> tuple[str, list[tuple[str, str]]]:
    """Split Sage's relative ``$next`` (``/contacts?page=2&…``) into a path and query pairs."""
    parts = urlsplit(link)
    path = parts.path
    # Sage's links are relative to the version root; tolerate ones that repeat it.
    if path.startswith("/v3.1/"):
        path = path[len("/v3.1") :]
    return path, parse_qsl(parts.query, keep_blank_values=True)


# --- errors ---------------------------------------------------------------------------------------


def loads(content: bytes) -> Any:
    """Parse a JSON body (orjson: list pages of 200 full records are parsed on the hot path)."""
    return orjson.loads(content)


def decode_body(content: bytes, content_type: str | None) -> Any:
    """JSON when the body parses as JSON, else the text (``None`` when empty)."""
    if not content:
        return None
    try:
        return orjson.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def error_items(body: Any) -> list[ErrorItem]:
    """Sage's error array (top-level list, or the odd ``{"errors": [...]}`` / OAuth ``{"error": …}``)."""
    if isinstance(body, list):
        return [ErrorItem.from_json(item) for item in body]
    if isinstance(body, Mapping):
        inner = body.get("errors") or body.get("$errors")
        if isinstance(inner, list):
            return [ErrorItem.from_json(item) for item in inner]
        if "$dataCode" in body or "$message" in body:
            return [ErrorItem.from_json(body)]
        if "error" in body:
            return [
                ErrorItem(
                    severity="error",
                    data_code=str(body.get("error")),
                    message=str(body.get("error_description") or body.get("message") or "") or None,
                    source=None,
                )
            ]
    return []


def token_rejected(content: bytes) -> bool:
    """Whether a 401 body says the access token itself was refused (expired, revoked, malformed).

    Only then is a refresh-and-replay worth it.  Sage's ``AuthorizationFailure`` (a business the user
    cannot reach, no active subscription, a readonly token writing) is not a token problem: a new
    token would be refused the same way, and refreshing would rotate the pair for nothing.  A 401
    whose body names no error code (a gateway's HTML, an empty body) is treated as a token problem.
    """
    codes = [item.data_code for item in error_items(decode_body(content, None))]
    if not codes or any(code is None for code in codes):
        return True
    return any(code in TOKEN_ERROR_CODES for code in codes)


def _unauthorized_hint(
    items: list[ErrorItem], *, business: str | None, scope: str | None, method: str | None
) -> str:
    codes = {item.data_code for item in items}
    if not items or None in codes or codes & TOKEN_ERROR_CODES:
        return (
            "Sage refused the access token even after a refresh: the user may have revoked the app's "
            "access; sign in again."
        )
    text = " ".join(str(item.message or "") for item in items).lower()
    sources = {(item.source or "").lower() for item in items}
    which = f"business {business!r}" if business else "the user's lead business"
    if "x-business" in sources:
        return (
            f"The token is valid but {which} is not one this user can reach: list the user's businesses "
            "(businesses.list()) and use one of their ids."
        )
    if "subscription" in text:
        return (
            f"The token is valid but {which} has no active Sage subscription: renew it in Sage "
            "or use another business."
        )
    if (
        "readonly" in text
        or "read-only" in text
        or (scope == "readonly" and (method or "GET").upper() not in ("GET", "HEAD", "OPTIONS"))
    ):
        return (
            "The token has the readonly scope, which does not allow writes: sign in again with "
            "scope 'full_access'."
        )
    return (
        f"Sage refused this request for {which} ({', '.join(sorted(c for c in codes if c))}); the token "
        "itself was not refused, so it was not renewed: check the business id, its subscription and "
        "the connection's scope."
    )


def error_from_response(
    status_code: int,
    headers: Mapping[str, str] | httpx.Headers,
    content: bytes,
    *,
    method: str | None = None,
    path: str | None = None,
    business: str | None = None,
    scope: str | None = None,
) -> APIStatusError:
    """The ``APIStatusError`` subclass for an error answer, with Sage's errors parsed.

    A POST that got a 5xx or a 504 may have been carried out: the error says so and how to check.
    A 401 says what was refused: the token, or the business (``business``: the ``X-Business`` sent;
    ``scope``: the token's scope).
    """
    hdrs = {k.lower(): v for k, v in headers.items()}
    body = decode_body(content, hdrs.get("content-type"))
    maybe_committed = bool(method and method.upper() == "POST" and status_code >= 500)
    items = error_items(body)
    hint = None
    if maybe_committed:
        hint = COMMIT_HINT
    elif status_code == 401:
        hint = _unauthorized_hint(items, business=business, scope=scope, method=method)
    cls = status_error_class(status_code)
    return cls(
        status_code=status_code,
        errors=items,
        headers=hdrs,
        body=body,
        method=method.upper() if method else None,
        path=path,
        maybe_committed=maybe_committed,
        hint=hint,
    )


COMMIT_HINT: Final = (
    "The POST was not retried because Sage may have created the record before failing: list the "
    "records (for example with updated_or_created_since= the time of the call, or search= its "
    "reference) to check before sending it again."
)


def connection_error(
    method: str, path: str, exc: BaseException, request: httpx.Request | None
) -> APIConnectionError:
    """The ``APIConnectionError``/``APITimeoutError`` for a transport failure, with advice."""
    maybe_committed = method.upper() not in IDEMPOTENT_METHODS and not never_reached_server(exc)
    what = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed ({type(exc).__name__}: {exc})"
    message = f"{method.upper()} {path} {what}."
    if maybe_committed:
        message += " " + COMMIT_HINT
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return cls(message, request=request, maybe_committed=maybe_committed)


# --- logging --------------------------------------------------------------------------------------


def redact_url(url: str | httpx.URL) -> str:
    """The URL with the values of secret-looking query parameters replaced by ``***``."""
    parts = urlsplit(str(url))
    if not parts.query:
        return str(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(f"{k}={'***' if k.lower() in SECRET_KEYS else v}" for k, v in pairs)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with ``Authorization``, cookies and the like replaced by ``***``."""
    return {k: ("***" if k.lower() in SECRET_KEYS else v) for k, v in headers}


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """A form or JSON mapping with secret values replaced by ``***``."""
    return {k: ("***" if k.lower() in SECRET_KEYS else v) for k, v in data.items()}
