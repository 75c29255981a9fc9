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

import base64
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import httpx

from .._core import DEFAULT_API_URL, NOT_GIVEN, backoff, parse_retry_after, redact_url
from .._errors import APIConnectionError, APIStatusError
from ._common import BOOL, action, inp
from ._inputs import Choice, Converter, InputProblem, Integer, Invalid
from ._registry import Action, Inputs
from ._structured import JsonBody, KeyValues

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = ["ACTION", "METHODS", "RESPONSE_TYPES", "UrlPath"]

log = logging.getLogger("sage_accounting.actions")

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
RESPONSE_TYPES = ("json", "text", "binary")
_SECRET_WORDS = ("auth", "token", "secret", "password", "cookie", "api-key", "apikey", "session")
_CLIENT_HEADERS = {"accept": "Accept", "content-type": "Content-Type", "user-agent": "User-Agent",
                   "x-business": "X-Business"}  # fmt: skip
_LOG_BODY_LIMIT = 2000

# Replaced in tests to record the pauses instead of sleeping.
_sleep = time.sleep

# Methods a retry could carry out twice (a second record): see the module's docstring.
NON_IDEMPOTENT = frozenset({"POST", "PATCH"})
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class UrlPath(Converter):
    """A path under the API root (``/contacts``, ``contacts?search=x``); a full URL is only accepted when
    it is under Sage's own API root, so a token is never sent to another host."""

    def convert(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise Invalid(path, f"must be a path such as /contacts, got {type(value).__name__}")
        text = value.strip()
        if text.lower().startswith(DEFAULT_API_URL.lower()):
            text = text[len(DEFAULT_API_URL) :]
        if re.match(r"^[a-z][a-z0-9+.\-]*://", text, re.I) or text.startswith("//"):
            raise Invalid(
                path, f"must be a path under the base URL such as /contacts, not a full URL: {value!r}"
            )
        if any(ch.isspace() or ord(ch) < 32 for ch in text):
            raise Invalid(path, "must not contain spaces or control characters")
        if not text.startswith("/"):
            text = "/" + text
        segments = text.split("?", 1)[0].split("/")
        if any(seg in (".", "..") for seg in segments):
            raise Invalid(path, "must not contain '.' or '..' segments")
        return text

    def describe(self) -> str:
        return "path under the base URL"


def _check(values: Inputs) -> list[InputProblem]:
    problems: list[InputProblem] = []
    multipart = "formData" in values or "fileData" in values
    if "data" in values and multipart:
        problems.append(InputProblem("data", "data cannot be combined with formData or fileData (the "
                                             "multipart upload is the body)"))  # fmt: skip
    if "fileDataFileNames" in values:
        files = {k for k, _ in values.get("fileData") or []}
        for key, _ in values["fileDataFileNames"]:
            if key not in files:
                problems.append(
                    InputProblem(
                        "fileDataFileNames", f"fileDataFileNames key {key!r} matches no fileData key"
                    )
                )
    for key, value in values.get("headers") or []:
        if key.lower() == "authorization":
            problems.append(
                InputProblem(
                    "headers", "headers must not set Authorization: the connection signs every request"
                )
            )
        elif not _HEADER_NAME.match(key):
            problems.append(InputProblem("headers", f"headers: {key!r} is not a valid header name"))
        else:
            problem = _header_value_problem(value)
            if problem:
                problems.append(InputProblem("headers", f"headers: the value of {key} {problem}"))
    return problems


def _header_value_problem(value: str | bytes) -> str | None:
    """What is wrong with a header value (line breaks would inject headers; HTTP headers are ASCII)."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if _HEADER_VALUE_BAD.search(text):
        return "must not contain line breaks or control characters"
    if not isinstance(value, bytes) and not text.isascii():
        return f"must be ASCII text, got {text!r}"
    return None


def _header_map(pairs: list[tuple[str, str | bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in pairs:
        name = _CLIENT_HEADERS.get(key.lower(), key)
        headers[name] = value.decode("latin-1") if isinstance(value, bytes) else value
    return headers


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _body(values: Inputs) -> tuple[bytes | None, dict[str, str]]:
    """The body bytes and the headers it needs."""
    if "formData" in values or "fileData" in values:
        names = dict(values.get("fileDataFileNames") or [])
        parts: list[tuple[str, tuple[str | None, bytes]]] = [
            (key, (None, _as_bytes(value))) for key, value in values.get("formData") or []
        ]
        for key, value in values.get("fileData") or []:
            filename = names.get(key, key)
            parts.append(
                (key, (filename.decode() if isinstance(filename, bytes) else filename, _as_bytes(value)))
            )
        request = httpx.Request("POST", "http://multipart.invalid/", files=parts)
        return request.read(), {"Content-Type": request.headers["Content-Type"]}
    data = values.get("data")
    if data is None:
        return None, {}
    if isinstance(data, bytes):
        return data, {}
    if isinstance(data, str):
        return data.encode("utf-8"), {}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), {}


def _secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: "***" if _secret(str(k)) or str(k).lower() == "code" else _redact(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def _describe_body(values: Inputs, body: bytes | None) -> str:
    if "formData" in values or "fileData" in values:
        fields = [k for k, _ in values.get("formData") or []]
        names = dict(values.get("fileDataFileNames") or [])
        files = [
            f"{k}={names.get(k, k)!s} ({len(_as_bytes(v))} bytes)" for k, v in values.get("fileData") or []
        ]
        return f"multipart fields={fields} files={files}"
    if body is None:
        return "none"
    try:
        text = json.dumps(_redact(json.loads(body)), ensure_ascii=False)
    except ValueError:
        text = body.decode("utf-8", errors="replace")
    return text if len(text) <= _LOG_BODY_LIMIT else text[:_LOG_BODY_LIMIT] + "…"


def _log_request(client: SageAccounting, values: Inputs, headers: dict[str, str], body: bytes | None,
                 attempt: int, attempts: int) -> None:  # fmt: skip
    url = httpx.URL(client.base_url + values["url"])
    if values.get("queryParams"):
        url = url.copy_merge_params(
            [(k, v if isinstance(v, str) else v.decode()) for k, v in values["queryParams"]]
        )
    shown = {k: "***" if _secret(k) else v for k, v in headers.items()}
    shown["Authorization"] = "Bearer ***"
    log.info(
        "rawRequest %s %s (attempt %d of %d) headers=%s body=%s",
        values["method"],
        redact_url(url),
        attempt + 1,
        attempts,
        shown,
        _describe_body(values, body),
    )


def _retryable(status: int, retry_all: bool) -> bool:
    return status >= 500 or (retry_all and 300 <= status < 500)


def _delay(client: SageAccounting, values: Inputs, attempt: int, headers: Mapping[str, str] | None) -> float:
    if values["useExponentialBackoff"]:
        retry_after = parse_retry_after(headers) if headers is not None else None
        return backoff(attempt, retry_after=retry_after, config=client.retry)
    return float(values["retryDelayMS"]) / 1000.0


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


def run_raw(action: Action, client: SageAccounting, values: Inputs) -> Any:
    """Send the request, retrying as the inputs say, and return the answer as ``responseType`` asks."""
    body, body_headers = _body(values)
    headers = {**body_headers, **_header_map(values.get("headers") or [])}
    # httpx replaces a URL's query with ``params``: carry the url's own query over explicitly.
    path, _, query = values["url"].partition("?")
    params = parse_qsl(query, keep_blank_values=True)
    params += [(k, v if isinstance(v, str) else v.decode()) for k, v in values.get("queryParams") or []]
    timeout = values["timeout"] / 1000.0 if "timeout" in values else NOT_GIVEN
    attempts = values["maxRetries"] + 1
    retry_all = values["retryAllErrors"]
    once = values["method"] in NON_IDEMPOTENT
    for attempt in range(attempts):
        last = attempt == attempts - 1
        what = ""
        if values["debugRequest"]:
            _log_request(client, values, headers, body, attempt, attempts)
        started = time.perf_counter()
        try:
            answer = client.request(
                values["method"],
                path,
                params=params or None,
                content=body,
                headers=headers or None,
                max_retries=0,
                timeout=timeout,
            )
        except APIStatusError as exc:
            if last or not _retryable(exc.status_code, retry_all):
                raise
            if once and exc.status_code != 429:
                raise _not_retried(exc) from None
            status, answer_headers = exc.status_code, exc.headers
        except APIConnectionError as exc:
            if last or (once and exc.maybe_committed):
                raise
            status, answer_headers = None, None
            what = type(exc).__name__
        else:
            response = answer.http_response
            if (
                last
                or not _retryable(response.status_code, retry_all)
                or (once and response.status_code != 429)
            ):
                if values["debugRequest"]:
                    log.info("rawRequest answer %s in %.1f ms", response.status_code, _ms(started))
                return _decode(response, values["responseType"])
            status, answer_headers = response.status_code, dict(response.headers)
        pause = _delay(client, values, attempt, answer_headers)
        if values["debugRequest"]:
            outcome = f"answer {status}" if status is not None else f"failed ({what})"
            log.info("rawRequest %s in %.1f ms; retrying in %.3f s", outcome, _ms(started), pause)
        _sleep(pause)
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


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


_RAW_INPUTS = (
    inp("data", "Data", "The HTTP body payload to send to the URL.", '{"exampleKey": "Example Data"}',
        convert=JsonBody()),
    inp("debugRequest", "Debug Request", "Enabling this flag will log out the current request.", convert=BOOL,
        default=False),
    inp("fileData", "File Data", "File Data to be sent as a multipart form upload.",
        '[{key: "example.txt", value: "My File Contents"}]', convert=KeyValues()),
    inp("fileDataFileNames", "File Data File Names",
        "File names to apply to the file data inputs. Keys must match the file data keys above.",
        convert=KeyValues()),
    inp("formData", "Form Data", "The Form Data to be sent as a multipart form upload.",
        '[{"key": "Example Key", "value": new Buffer("Hello World")}]', convert=KeyValues()),
    inp("headers", "Header", "A list of headers to send with the request.", "User-Agent: curl/7.64.1",
        convert=KeyValues()),
    inp("maxRetries", "Max Retry Count",
        "The maximum number of retries to attempt. A POST or PATCH is retried only on a 429 or when the request "
        "never reached Sage: after a 5xx or a broken connection Sage may have created the record, so the error "
        "is raised at once (maybe_committed) and you should list the records changed since the call to check "
        "before sending it again.", convert=Integer(0, 100), default=0, type="string"),
    inp("method", "Method", "The HTTP method to use.", convert=Choice(METHODS), required=True),
    inp("queryParams", "Query Parameter",
        "A list of query parameters to send with the request. This is the portion at the end of the URL "
        "similar to ?key1=value1&key2=value2.", convert=KeyValues()),
    inp("responseType", "Response Type",
        "The type of data you expect in the response. You can request json, text, or binary data.",
        convert=Choice(RESPONSE_TYPES), required=True, default="json"),
    inp("retryAllErrors", "Retry On All Errors",
        "If true, retries on all erroneous responses regardless of type. Except a POST or PATCH: it is retried "
        "only on a 429 or when the request never reached Sage, never when it may have created a record.",
        convert=BOOL, default=False),
    inp("retryDelayMS", "Retry Delay (ms)", "The delay in milliseconds between retries.",
        convert=Integer(0, 600_000), default=0),
    inp("timeout", "Timeout", "The maximum time that a client will await a response to its request", "2000",
        convert=Integer(1, 3_600_000)),
    inp("url", "URL",
        "Input the path only (/contacts), The base URL is already included "
        "(https://api.accounting.sage.com/v3.1). For example, to connect to "
        "https://api.accounting.sage.com/v3.1/contacts, only /contacts is entered in this field.",
        "/contacts", sage="path", convert=UrlPath(), required=True),
    inp("useExponentialBackoff", "Use Exponential Backoff",
        "Specifies whether to use a pre-defined exponential backoff strategy for retries.", convert=BOOL,
        default=False),
)  # fmt: skip

ACTION = action(
    "rawRequest",
    "Raw Request",
    "Send raw HTTP request to Sage Accounting",
    "ANY",
    "{url}",
    _RAW_INPUTS,
    kind="raw",
    group="Raw request",
    checks=(_check,),
    handler=run_raw,
)
