"""Sans-I/O decisions: retries, backoff, errors, redaction, query encoding."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import httpx
import pytest

from sage_accounting import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryConfig,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
)
from sage_accounting._core import (
    backoff,
    connection_error,
    encode_params,
    error_from_response,
    jsonable,
    parse_retry_after,
    redact_url,
    should_retry_exception,
    should_retry_status,
    split_relative,
    user_agent,
)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_idempotent_methods_retry_transient_statuses(method: str, status: int) -> None:
    assert should_retry_status(method, status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 415, 422, 501])
def test_client_errors_are_not_retried(status: int) -> None:
    assert not should_retry_status("GET", status)


def test_post_retries_only_on_429() -> None:
    assert should_retry_status("POST", 429)
    for status in (408, 500, 502, 503, 504):
        assert not should_retry_status("POST", status)


def test_post_retries_transport_errors_only_when_never_sent() -> None:
    request = httpx.Request("POST", "https://x/contacts")
    assert should_retry_exception("POST", httpx.ConnectError("refused", request=request))
    assert not should_retry_exception("POST", httpx.ReadTimeout("slow", request=request))
    assert not should_retry_exception("POST", httpx.RemoteProtocolError("dropped", request=request))
    assert should_retry_exception("GET", httpx.RemoteProtocolError("dropped", request=request))
    assert not should_retry_exception("GET", ValueError("not transport"))


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    config = RetryConfig(initial_delay=0.5, max_delay=8.0)
    rng = random.Random(1)
    delays = [backoff(n, retry_after=None, config=config, rng=rng) for n in range(8)]
    for n, delay in enumerate(delays):
        ceiling = min(0.5 * 2**n, 8.0)
        assert 0.75 * ceiling <= delay <= ceiling
    assert max(delays) <= 8.0


def test_retry_after_is_honoured_and_capped() -> None:
    config = RetryConfig(max_retry_after=10)
    assert backoff(0, retry_after=3, config=config) == 3
    assert backoff(0, retry_after=300, config=config) == 10


def test_parse_retry_after_seconds_and_dates() -> None:
    assert parse_retry_after({"retry-after": "7"}) == 7
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "soon"}) is None
    future = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    seconds = parse_retry_after({"retry-after": future.strftime("%a, %d %b %Y %H:%M:%S GMT")})
    assert seconds is not None and 20 <= seconds <= 31


SAGE_422 = (
    b'[{"$severity":"error","$dataCode":"RecordInvalid","$message":"Couldn\'t find Supplier.",'
    b'"$source":"contact"}]'
)


def test_error_from_sage_array() -> None:
    err = error_from_response(
        422, {"x-request-id": "req-1"}, SAGE_422, method="post", path="/purchase_invoices"
    )
    assert isinstance(err, UnprocessableEntityError)
    assert err.status_code == 422
    assert err.request_id == "req-1"
    assert err.errors[0].data_code == "RecordInvalid"
    assert err.errors[0].source == "contact"
    assert err.errors[0].severity == "error"
    text = str(err)
    assert text.startswith("422")
    for part in ("RecordInvalid", "Couldn't find Supplier.", "contact", "req-1"):
        assert part in text
    assert isinstance(err.body, list)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, MethodNotAllowedError),
        (415, UnsupportedMediaTypeError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_status_classes(status: int, cls: type[APIStatusError]) -> None:
    err = error_from_response(status, {}, b"[]", method="GET", path="/x")
    assert type(err) is cls
    assert isinstance(err, APIStatusError)


def test_non_json_bodies_still_make_clean_errors() -> None:
    html = b"<html><body>504 Gateway Time-out</body></html>"
    err = error_from_response(504, {"content-type": "text/html"}, html, method="GET", path="/contacts")
    assert isinstance(err, InternalServerError)
    assert err.errors == []
    assert "504" in str(err) and "Gateway Time-out" in str(err)
    empty = error_from_response(502, {}, b"", method="GET", path="/contacts")
    assert "no error details" in str(empty)
    oauth = error_from_response(400, {}, b'{"error":"invalid_request"}', method="GET", path="/x")
    assert oauth.errors[0].data_code == "invalid_request"


def test_rate_limit_error_exposes_retry_after() -> None:
    err = error_from_response(429, {"retry-after": "12"}, b"[]", method="GET", path="/contacts")
    assert isinstance(err, RateLimitError)
    assert err.retry_after == 12


def test_post_5xx_says_the_record_may_exist() -> None:
    err = error_from_response(504, {}, b"", method="POST", path="/contacts")
    assert err.maybe_committed
    assert "may have created" in str(err)
    assert not error_from_response(504, {}, b"", method="GET", path="/contacts").maybe_committed


def test_connection_errors_on_post_warn_about_duplicates() -> None:
    request = httpx.Request("POST", "https://x/contacts")
    err = connection_error("POST", "/contacts", httpx.ReadTimeout("slow", request=request), request)
    assert err.maybe_committed and "may have created" in str(err)
    refused = connection_error("POST", "/contacts", httpx.ConnectError("refused", request=request), request)
    assert not refused.maybe_committed


def test_redaction() -> None:
    url = "https://x/oauth?code=GB%2Fsecret&state=abc&refresh_token=r1&client_secret=s"
    redacted = redact_url(url)
    assert "secret" not in redacted.replace("client_secret", "") and "r1" not in redacted
    assert "state=abc" in redacted


def test_encode_params() -> None:
    since = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    pairs = dict(
        encode_params(
            {
                "updated_or_created_since": since,
                "from_date": dt.date(2024, 1, 1),
                "show_balance": True,
                "attributes": ["name", "email"],
                "skip": None,
            }
        )
    )
    assert pairs == {
        "updated_or_created_since": "2024-01-02T03:04:05Z",
        "from_date": "2024-01-01",
        "show_balance": "true",
        "attributes": "name,email",
    }
    with pytest.raises(ValueError, match="naive datetime"):
        encode_params({"updated_or_created_since": dt.datetime(2024, 1, 1)})


def test_jsonable_keeps_money_exact() -> None:
    assert jsonable({"a": Decimal("0.1"), "d": dt.date(2024, 2, 29)}) == {"a": "0.1", "d": "2024-02-29"}


def test_split_relative_next_link() -> None:
    path, query = split_relative("/contacts?page=2&items_per_page=20&attributes=all")
    assert path == "/contacts"
    assert query == [("page", "2"), ("items_per_page", "20"), ("attributes", "all")]


def test_user_agent_names_toolkit_and_version() -> None:
    assert user_agent().startswith("sage-accounting-python/0.1.0")
