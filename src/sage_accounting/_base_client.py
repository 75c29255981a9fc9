"""The request pipeline both clients run: auth, limits, retries, errors, logging.

The sync and async pipelines are written out twice (one ``await`` apart) but every decision comes
from :mod:`._core`, so they behave the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import anyio
import httpx

from ._core import (
    NOT_GIVEN,
    NotGiven,
    RetryConfig,
    backoff,
    connection_error,
    dump_json,
    encode_params,
    error_from_response,
    parse_retry_after,
    redact_url,
    request_id_of,
    should_retry_exception,
    should_retry_status,
    user_agent,
)
from ._errors import BusinessMismatchError
from .auth._connection import Connection

log = logging.getLogger("sage_accounting")

Timeout = float | httpx.Timeout | None
Params = Mapping[str, Any] | Sequence[tuple[str, str]] | None


@dataclass(frozen=True)
class CallOptions:
    """Per-call overrides of the client's settings."""

    business_id: str | NotGiven | None = NOT_GIVEN
    max_retries: int | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    headers: Mapping[str, str] | None = None


DEFAULT_CALL = CallOptions()


def check_max_retries(value: object) -> int:
    """Validate ``max_retries``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"max_retries must be an integer >= 0, got {value!r}")
    return value


class BaseClient:
    """Settings shared by :class:`SageAccounting` and :class:`AsyncSageAccounting`."""

    def __init__(
        self,
        connection: Connection,
        *,
        business_id: str | None,
        max_retries: int,
        timeout: Timeout | NotGiven,
        retry: RetryConfig,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        if not isinstance(connection, Connection):
            raise TypeError(
                f"connection must be a sage_accounting.Connection, got {type(connection).__name__}"
            )
        if business_id is not None and not isinstance(business_id, str):
            raise TypeError("business_id must be a string or None")
        self.connection = connection
        self.business_id = business_id
        self.max_retries = check_max_retries(max_retries)
        self.timeout: Timeout = connection.timeout if isinstance(timeout, NotGiven) else timeout
        self.retry = retry
        self.default_headers = dict(default_headers or {})
        self._base_headers = {
            "Accept": "application/json",
            "User-Agent": user_agent(),
            **self.default_headers,
        }

    @property
    def base_url(self) -> str:
        """The API root, e.g. ``https://api.accounting.sage.com/v3.1``."""
        return self.connection.api_url

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if not path.startswith("/"):
            path = "/" + path
        return self.connection.api_url + path

    def _target(self, path: str, params: Params) -> tuple[str, list[tuple[str, Any]]]:
        """The URL without its query, and the query: the path's own parameters, then ``params``."""
        url = self._url(path)
        query: list[tuple[str, Any]] = list(self._query(params))
        if "?" in url:
            url, _, own = url.partition("?")
            query = [*parse_qsl(own, keep_blank_values=True), *query]
        return url, query

    def _business(self, opts: CallOptions) -> str | None:
        return self.business_id if isinstance(opts.business_id, NotGiven) else opts.business_id

    def _retries(self, opts: CallOptions) -> int:
        return self.max_retries if opts.max_retries is None else check_max_retries(opts.max_retries)

    def _timeout(self, opts: CallOptions) -> Timeout:
        return self.timeout if isinstance(opts.timeout, NotGiven) else opts.timeout

    def _headers(
        self, access_token: str, business: str | None, opts: CallOptions, has_body: bool
    ) -> httpx.Headers:
        # httpx.Headers merges case-insensitively: a caller's "content-type" replaces ours, not joins it
        headers = httpx.Headers(self._base_headers)
        headers["Authorization"] = f"Bearer {access_token}"
        if business:
            headers["X-Business"] = business
        if has_body:
            headers["Content-Type"] = "application/json"
        if opts.headers:
            headers.update(opts.headers)
        return headers

    @staticmethod
    def _query(params: Params) -> list[tuple[str, str | int | float | bool | None]]:
        pairs = (
            encode_params(params)
            if isinstance(params, Mapping)
            else [(str(k), str(v)) for k, v in params or ()]
        )
        return list(pairs)

    @staticmethod
    def _body(json_body: Any, content: bytes | None) -> bytes | None:
        if json_body is not None:
            return dump_json(json_body)
        return content

    @staticmethod
    def _check_business(response: httpx.Response, business: str | None) -> None:
        if not business:
            return
        answered = response.headers.get("x-business")
        if answered and answered.lower() != business.lower():
            raise BusinessMismatchError(
                requested=business, answered=answered, request_id=request_id_of(response.headers)
            )

    @staticmethod
    def _log_request(request: httpx.Request, business: str | None, attempt: int) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "request %s %s business=%s attempt=%d",
                request.method,
                redact_url(request.url),
                business or "lead",
                attempt + 1,
            )

    @staticmethod
    def _log_response(request: httpx.Request, response: httpx.Response, started: float) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "response %s %s %s %.1fms request_id=%s business=%s",
                response.status_code,
                request.method,
                redact_url(request.url),
                (time.perf_counter() - started) * 1000,
                request_id_of(response.headers),
                response.headers.get("x-business"),
            )

    def _retry_delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = parse_retry_after(response.headers) if response is not None else None
        return backoff(attempt, retry_after=retry_after, config=self.retry)


class SyncPipeline(BaseClient):
    """The blocking request loop."""

    _http: httpx.Client

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json_body: Any = None,
        content: bytes | None = None,
        opts: CallOptions = DEFAULT_CALL,
    ) -> httpx.Response:
        method = method.upper()
        business = self._business(opts)
        retries = self._retries(opts)
        timeout = self._timeout(opts)
        url, query = self._target(path, params)
        body = self._body(json_body, content)
        conn = self.connection
        attempt = 0
        replayed = False
        stale: str | None = None
        while True:
            token = conn.ensure_token(self._http, stale=stale)
            stale = None
            request = self._http.build_request(
                method,
                url,
                params=query or None,
                content=body,
                headers=self._headers(token.access_token, business, opts, body is not None),
                timeout=timeout,
            )
            self._log_request(request, business, attempt)
            started = time.perf_counter()
            try:
                with conn.limiter.slot():
                    response = self._http.send(request)
            except httpx.TransportError as exc:
                if attempt < retries and should_retry_exception(method, exc):
                    delay = self._retry_delay(attempt, None)
                    log.debug("retrying %s %s in %.2fs after %s", method, path, delay, type(exc).__name__)
                    time.sleep(delay)
                    attempt += 1
                    continue
                raise connection_error(method, path, exc, request) from exc
            self._log_response(request, response, started)
            status = response.status_code
            if status == 401 and not replayed:
                # Sage may have expired the token early (or another worker's clock differs): refresh
                # once, replay once.
                replayed = True
                stale = token.access_token
                continue
            if status >= 400:
                if attempt < retries and should_retry_status(method, status):
                    delay = self._retry_delay(attempt, response)
                    log.debug("retrying %s %s in %.2fs after HTTP %s", method, path, delay, status)
                    time.sleep(delay)
                    attempt += 1
                    continue
                raise error_from_response(
                    status, response.headers, response.content, method=method, path=path
                )
            self._check_business(response, business)
            return response


class AsyncPipeline(BaseClient):
    """The async request loop (same decisions as :class:`SyncPipeline`)."""

    _http: httpx.AsyncClient

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json_body: Any = None,
        content: bytes | None = None,
        opts: CallOptions = DEFAULT_CALL,
    ) -> httpx.Response:
        method = method.upper()
        business = self._business(opts)
        retries = self._retries(opts)
        timeout = self._timeout(opts)
        url, query = self._target(path, params)
        body = self._body(json_body, content)
        conn = self.connection
        attempt = 0
        replayed = False
        stale: str | None = None
        while True:
            token = await conn.aensure_token(self._http, stale=stale)
            stale = None
            request = self._http.build_request(
                method,
                url,
                params=query or None,
                content=body,
                headers=self._headers(token.access_token, business, opts, body is not None),
                timeout=timeout,
            )
            self._log_request(request, business, attempt)
            started = time.perf_counter()
            try:
                async with conn.limiter.async_slot():
                    response = await self._http.send(request)
            except httpx.TransportError as exc:
                if attempt < retries and should_retry_exception(method, exc):
                    delay = self._retry_delay(attempt, None)
                    log.debug("retrying %s %s in %.2fs after %s", method, path, delay, type(exc).__name__)
                    await anyio.sleep(delay)
                    attempt += 1
                    continue
                raise connection_error(method, path, exc, request) from exc
            self._log_response(request, response, started)
            status = response.status_code
            if status == 401 and not replayed:
                replayed = True
                stale = token.access_token
                continue
            if status >= 400:
                if attempt < retries and should_retry_status(method, status):
                    delay = self._retry_delay(attempt, response)
                    log.debug("retrying %s %s in %.2fs after HTTP %s", method, path, delay, status)
                    await anyio.sleep(delay)
                    attempt += 1
                    continue
                raise error_from_response(
                    status, response.headers, response.content, method=method, path=path
                )
            self._check_business(response, business)
            return response
