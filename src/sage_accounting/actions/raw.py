"""``rawRequest``: any call to the Sage API, with the component's own retry loop.

Semantics (the component's documentation): ``url`` is a path under the base URL; ``maxRetries`` 0 means
no retries; without ``retryAllErrors`` only 5xx answers and network errors are retried, with it also
429 and the other 3xx/4xx answers; ``retryDelayMS`` is the pause between retries unless
``useExponentialBackoff`` is on, which ignores it (and uses the client's backoff, honouring
``Retry-After``); ``responseType`` is json, text or binary; ``timeout`` is in milliseconds;
``debugRequest`` logs the request on the ``sage_accounting.actions`` logger without its secrets;
``formData``/``fileData``/``fileDataFileNames`` build a multipart upload; ``queryParams`` and
``headers`` are key-value lists.

The retry loop is this module's: the client is called with its own retries off (``max_retries=0``),
but it still adds the token, refreshes it on a 401 and raises its usual errors.

One rule of this project overrides the component's generic retry rule: a retry must never create a
duplicate.  A POST or PATCH is retried only on a 429 (Sage refused it before doing anything) or when the
request provably never reached Sage (the connection could not be made).  A 5xx answer or a connection
that broke after the request was sent leaves it unknown whether Sage carried it out: it is raised at
once with ``maybe_committed`` set and a hint saying how to check (list the records changed since the
call) before sending it again; a 3xx answer is returned and a 4xx raised as it is, never retried.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from .._core import NOT_GIVEN, backoff, parse_retry_after, redact_url
from .._errors import APIConnectionError, APIStatusError
from ._common import SEED, action, full
from ._raw_request import (
    METHODS,
    RAW_INPUTS,
    RESPONSE_TYPES,
    UrlPath,
    check,
    describe_body,
    encode,
    is_secret_name,
    prepare,
)
from ._registry import Action, Inputs, PreparedRequest

if TYPE_CHECKING:
    from .._client import AsyncSageAccounting, SageAccounting

__all__ = ["ACTION", "METHODS", "RESPONSE_TYPES", "UrlPath"]

log = logging.getLogger("sage_accounting.actions")

# Replaced in tests to record the pauses instead of sleeping.
_sleep = time.sleep
_asleep = asyncio.sleep

# Methods a retry could carry out twice (a second record): see the module's docstring.
NON_IDEMPOTENT = frozenset({"POST", "PATCH"})


def _retryable(status: int, retry_all: bool) -> bool:
    return status >= 500 or (retry_all and 300 <= status < 500)


def _decode(response: httpx.Response, response_type: str) -> Any:
    if response_type == "binary":
        return {
            "contentType": response.headers.get("content-type"),
            "encoding": "base64",
            "data": base64.b64encode(response.content).decode("ascii"),
        }
    if response_type == "text":
        return response.text
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        # Not JSON after all (an HTML error page, a CSV export …): the text is more use than an error.
        return response.text


def _pairs(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The query as pairs, a list value repeating its parameter (``?tag=a&tag=b``)."""
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        out += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return out


class _Retry(Exception):
    """An attempt failed in a way that is retried: what happened, and the answer's headers (if any)."""

    def __init__(self, outcome: str, headers: Mapping[str, str] | None) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.headers = headers


class _Attempts:
    """The retry rules of one rawRequest, shared by the sync and the async loop: what to send, and
    after each attempt whether to return, raise or retry (and after which pause)."""

    def __init__(self, client: SageAccounting | AsyncSageAccounting, values: Inputs,
                 request: PreparedRequest) -> None:  # fmt: skip
        self.client = client
        self.values = values
        self.request = request
        self.body = encode(request)
        self.count = values["maxRetries"] + 1
        self.retry_all: bool = values["retryAllErrors"]
        self.once = values["method"] in NON_IDEMPOTENT
        self.started = 0.0

    def call(self) -> dict[str, Any]:
        """The keyword arguments of ``client.request`` (the client's own retries off)."""
        timeout = self.values["timeout"] / 1000.0 if "timeout" in self.values else NOT_GIVEN
        return {
            "method": self.request.method,
            "path": self.request.path,
            "params": _pairs(self.request.params) or None,
            "content": self.body,
            "headers": self.request.headers or None,
            "max_retries": 0,
            "timeout": timeout,
        }

    def begin(self, attempt: int) -> None:
        if self.values["debugRequest"]:
            self._log_request(attempt)
        self.started = time.perf_counter()

    def failed(self, exc: Exception, attempt: int) -> _Retry:
        """After an error: the retry, or raise it (as it is, or marked ``maybe_committed``)."""
        last = attempt == self.count - 1
        if isinstance(exc, APIStatusError):
            if last or not _retryable(exc.status_code, self.retry_all):
                raise exc
            if self.once and exc.status_code != 429:
                raise _not_retried(exc) from None
            return _Retry(f"answer {exc.status_code}", exc.headers)
        if isinstance(exc, APIConnectionError) and not (last or (self.once and exc.maybe_committed)):
            return _Retry(f"failed ({type(exc).__name__})", None)
        raise exc

    def answered(self, response: httpx.Response, attempt: int) -> Any:
        """After an answer: the decoded result, or raise :class:`_Retry`."""
        last = attempt == self.count - 1
        status = response.status_code
        if last or not _retryable(status, self.retry_all) or (self.once and status != 429):
            if self.values["debugRequest"]:
                log.info("rawRequest answer %s in %.1f ms", status, self._ms())
            return _decode(response, self.values["responseType"])
        raise _Retry(f"answer {status}", dict(response.headers))

    def pause(self, retry: _Retry, attempt: int) -> float:
        if self.values["useExponentialBackoff"]:
            retry_after = parse_retry_after(retry.headers) if retry.headers is not None else None
            pause = backoff(attempt, retry_after=retry_after, config=self.client.retry)
        else:
            pause = float(self.values["retryDelayMS"]) / 1000.0
        if self.values["debugRequest"]:
            log.info("rawRequest %s in %.1f ms; retrying in %.3f s", retry.outcome, self._ms(), pause)
        return pause

    def _ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def _log_request(self, attempt: int) -> None:
        url = httpx.URL(self.client.base_url + self.request.path).copy_merge_params(self.request.params)
        shown = {k: "***" if is_secret_name(k) else v for k, v in self.request.headers.items()}
        shown["Authorization"] = "Bearer ***"
        log.info(
            "rawRequest %s %s (attempt %d of %d) headers=%s body=%s",
            self.request.method,
            redact_url(url),
            attempt + 1,
            self.count,
            shown,
            describe_body(self.values, self.body),
        )


def run_raw(action: Action, client: SageAccounting, values: Inputs) -> Any:
    """Send the request, retrying as the inputs say, and return the answer as ``responseType`` asks."""
    attempts = _Attempts(client, values, action.build_request(values))
    for attempt in range(attempts.count):
        attempts.begin(attempt)
        try:
            try:
                answer = client.request(**attempts.call())
            except (APIStatusError, APIConnectionError) as exc:
                raise attempts.failed(exc, attempt) from None
            return attempts.answered(answer.http_response, attempt)
        except _Retry as retry:
            _sleep(attempts.pause(retry, attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


async def arun_raw(action: Action, client: AsyncSageAccounting, values: Inputs) -> Any:
    """:func:`run_raw` on the async client."""
    attempts = _Attempts(client, values, action.build_request(values))
    for attempt in range(attempts.count):
        attempts.begin(attempt)
        try:
            try:
                answer = await client.request(**attempts.call())
            except (APIStatusError, APIConnectionError) as exc:
                raise attempts.failed(exc, attempt) from None
            return attempts.answered(answer.http_response, attempt)
        except _Retry as retry:
            await _asleep(attempts.pause(retry, attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def _not_retried(exc: APIStatusError) -> APIStatusError:
    """The error of a POST/PATCH that was not retried: a 4xx as it is (Sage refused it, nothing was done);
    a 5xx marked ``maybe_committed``, with how to check before sending it again."""
    if exc.status_code < 500:
        return exc
    hint = (
        f"rawRequest did not retry this {exc.method or 'request'}: Sage may have carried it out before "
        "failing, and a retry could create a duplicate. List the records (for example with "
        "updated_or_created_since= the time of the call, or search= its reference) to check before "
        "sending it again."
    )
    return type(exc)(
        status_code=exc.status_code,
        errors=exc.errors,
        headers=exc.headers,
        body=exc.body,
        method=exc.method,
        path=exc.path,
        maybe_committed=True,
        hint=hint,
    )


ACTION = action(
    "rawRequest",
    "Raw Request",
    "Send raw HTTP request to Sage Accounting",
    "ANY",
    "{url}",
    RAW_INPUTS,
    kind="raw",
    group="Raw request",
    access=full("raw"),
    tags=SEED,
    toolset="raw",
    verb="request",
    noun="raw request",
    tool_name="sage_raw_request",
    title="Send a raw request to the Sage API",
    checks=(check,),
    prepare=prepare,
    handler=run_raw,
    async_handler=arun_raw,
)
