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
from urllib.parse import parse_qsl, urlsplit

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
    retry_after_too_long,
    should_retry_exception,
    should_retry_status,
    token_rejected,
    user_agent,
)
from ._errors import APIStatusError, BusinessMismatchError, NotFoundError
from ._lost import lost_delete, lost_delete_note, outcome_unknown, voided
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


def check_timeout(value: object) -> Timeout:
    """Validate a timeout: ``None`` (wait forever), seconds > 0, or an ``httpx.Timeout``."""
    if value is None:
        return None
    if isinstance(value, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            seconds = getattr(value, part)
            if seconds is not None and not seconds > 0:
                raise ValueError(f"timeout.{part} must be a number of seconds > 0 or None, got {seconds!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"timeout must be seconds, an httpx.Timeout or None, got {type(value).__name__}")
    if not value > 0:  # also refuses NaN
        raise ValueError(f"timeout must be a number of seconds > 0 (or None to wait forever), got {value!r}")
    return float(value)


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
        self.timeout: Timeout = (
            connection.timeout if isinstance(timeout, NotGiven) else check_timeout(timeout)
        )
        self.retry = retry
        self.default_headers = dict(default_headers or {})
        self._base_headers = {
            "Accept": "application/json",
            "User-Agent": user_agent(),
            **self.default_headers,
        }

    def _clone_settings(
        self,
        business_id: str | NotGiven | None,
        max_retries: int | None,
        timeout: Timeout | NotGiven,
        retry: RetryConfig | None,
    ) -> dict[str, Any]:
        """The settings of a ``with_options()`` clone: what was given, else this client's."""
        return {
            "business_id": self.business_id if isinstance(business_id, NotGiven) else business_id,
            "max_retries": self.max_retries if max_retries is None else max_retries,
            "timeout": self.timeout if isinstance(timeout, NotGiven) else timeout,
            "retry": retry or self.retry,
            "default_headers": self.default_headers,
        }

    @property
    def base_url(self) -> str:
        """The API root, e.g. ``https://api.accounting.sage.com/v3.1``."""
        return self.connection.api_url

    def _url(self, path: str) -> str:
        if not isinstance(path, str):
            raise TypeError(f"path must be a string, got {type(path).__name__}")
        if "://" in path.split("?", 1)[0]:
            # A full URL: only under the API root, or the bearer token and X-Business would go to
            # whatever host it names.
            if not self._under_api(path):
                raise ValueError(
                    f"refusing to send the Sage access token to {redact_url(path)!r}: give a path under "
                    f"the API root ({self.connection.api_url}), such as '/contacts'"
                )
            return path
        if not path.startswith("/"):
            path = "/" + path
        return self.connection.api_url + path

    def _under_api(self, url: str) -> bool:
        try:
            given, root = urlsplit(url), urlsplit(self.connection.api_url)
            ports = (given.port, root.port)
        except ValueError:
            return False
        if given.scheme.lower() != root.scheme.lower() or given.username or given.password:
            return False
        if (given.hostname or "").lower() != (root.hostname or "").lower() or ports[0] != ports[1]:
            return False
        base = root.path.rstrip("/")
        return given.path == base or given.path.startswith(base + "/")

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
        return self.timeout if isinstance(opts.timeout, NotGiven) else check_timeout(opts.timeout)

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

    def _retry_delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt; ``None`` when Sage asked for a longer wait than
        ``retry.max_retry_after`` (the error is raised at once instead)."""
        retry_after = parse_retry_after(response.headers) if response is not None else None
        if retry_after_too_long(retry_after, self.retry):
            return None
        return backoff(attempt, retry_after=retry_after, config=self.retry)

    @staticmethod
    def _replay_401(response: httpx.Response, replayed: bool) -> bool:
        """A 401 is refreshed-and-replayed once, and only when the token itself was refused."""
        return response.status_code == 401 and not replayed and token_rejected(response.content)

    @staticmethod
    def _done(response: httpx.Response, path: str, what: str, content: bytes = b"") -> httpx.Response:
        """A DELETE reported as done after its first answer was lost: the answer it would have had
        (the voided record, or no content), with the note logged and kept in ``extensions``."""
        note = lost_delete_note(path, what)
        log.warning("%s", note)
        status = 200 if content else 204
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-encoding")
        }
        done = httpx.Response(
            status, headers=headers, content=content, request=response.request,
            extensions={"sage_accounting.lost_answer": note},
        )  # fmt: skip
        return done

    @staticmethod
    def _error(
        response: httpx.Response, method: str, path: str, business: str | None, scope: str | None
    ) -> APIStatusError:
        return error_from_response(
            response.status_code,
            response.headers,
            response.content,
            method=method,
            path=path,
            business=business,
            scope=scope,
        )


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
        lost = False  # an earlier attempt may have been carried out (its answer was lost)
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
                    response = _detached(self._http.send(request))
            except httpx.TransportError as exc:
                if attempt < retries and should_retry_exception(method, exc):
                    lost = lost or outcome_unknown(None, exc)
                    delay = self._retry_delay(attempt, None) or 0.0
                    log.debug("retrying %s %s in %.2fs after %s", method, path, delay, type(exc).__name__)
                    time.sleep(delay)
                    attempt += 1
                    continue
                raise connection_error(method, path, exc, request) from exc
            self._log_response(request, response, started)
            status = response.status_code
            if self._replay_401(response, replayed):
                # Sage may have expired the token early (or another worker's clock differs): refresh
                # once, replay once.
                replayed = True
                stale = token.access_token
                continue
            if status >= 400:
                if attempt < retries and should_retry_status(method, status):
                    wait = self._retry_delay(attempt, response)
                    if wait is not None:
                        lost = lost or outcome_unknown(status)
                        log.debug("retrying %s %s in %.2fs after HTTP %s", method, path, wait, status)
                        time.sleep(wait)
                        attempt += 1
                        continue
                outcome = lost_delete(method, lost, status)
                if outcome == "gone":
                    return self._done(response, path, "gone")
                error = self._error(response, method, path, business, token.scope)
                error.after_lost_answer = lost
                if outcome == "check":
                    return self._check_lost_delete(response, path, opts, error)
                raise error
            self._check_business(response, business)
            return response

    def _check_lost_delete(
        self, response: httpx.Response, path: str, opts: CallOptions, error: APIStatusError
    ) -> httpx.Response:
        """A DELETE refused on retry after its first answer was lost: done if the record is now void
        (an invoice "already voided") or gone; otherwise Sage's refusal stands."""
        try:
            current = self._send("GET", path, opts=opts)
        except NotFoundError:
            return self._done(response, path, "gone")
        if voided(_json(current)):
            return self._done(response, path, "already voided", current.content)
        raise error


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _detached(response: httpx.Response) -> httpx.Response:
    """The read response without its (closed) network stream.

    httpx binds the stream back to the response, a reference cycle that only the cyclic garbage
    collector frees; a body of several hundred kilobytes per list page would then linger until a
    collection.  Swapping in the body's bytes lets the response go as soon as it is dropped.
    """
    response.stream = httpx.ByteStream(response.content)
    return response


class AsyncPipeline(BaseClient):
    """The async request loop (same decisions as :class:`SyncPipeline`)."""

    _http: httpx.AsyncClient

    async def _check_lost_delete(
        self, response: httpx.Response, path: str, opts: CallOptions, error: APIStatusError
    ) -> httpx.Response:
        """Async twin of :meth:`SyncPipeline._check_lost_delete`."""
        try:
            current = await self._send("GET", path, opts=opts)
        except NotFoundError:
            return self._done(response, path, "gone")
        if voided(_json(current)):
            return self._done(response, path, "already voided", current.content)
        raise error

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
        lost = False  # an earlier attempt may have been carried out (its answer was lost)
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
                    response = _detached(await self._http.send(request))
            except httpx.TransportError as exc:
                if attempt < retries and should_retry_exception(method, exc):
                    lost = lost or outcome_unknown(None, exc)
                    delay = self._retry_delay(attempt, None) or 0.0
                    log.debug("retrying %s %s in %.2fs after %s", method, path, delay, type(exc).__name__)
                    await anyio.sleep(delay)
                    attempt += 1
                    continue
                raise connection_error(method, path, exc, request) from exc
            self._log_response(request, response, started)
            status = response.status_code
            if self._replay_401(response, replayed):
                replayed = True
                stale = token.access_token
                continue
            if status >= 400:
                if attempt < retries and should_retry_status(method, status):
                    wait = self._retry_delay(attempt, response)
                    if wait is not None:
                        lost = lost or outcome_unknown(status)
                        log.debug("retrying %s %s in %.2fs after HTTP %s", method, path, wait, status)
                        await anyio.sleep(wait)
                        attempt += 1
                        continue
                outcome = lost_delete(method, lost, status)
                if outcome == "gone":
                    return self._done(response, path, "gone")
                error = self._error(response, method, path, business, token.scope)
                error.after_lost_answer = lost
                if outcome == "check":
                    return await self._check_lost_delete(response, path, opts, error)
                raise error
            self._check_business(response, business)
            return response
