"""rawRequest's inputs and the request they describe: the path converter, the rules across inputs
(safe headers, multipart or data), the body (JSON, text or a multipart upload) and the redacted
description the debug log shows."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx

from .._core import DEFAULT_API_URL
from ._common import BOOL, Path, inp
from ._inputs import Choice, Converter, InputProblem, Integer, Invalid, surrogate_problem
from ._registry import Action, Inputs, Namer, PreparedRequest
from ._structured import JsonBody, KeyValues

__all__ = ["METHODS", "RAW_INPUTS", "RESPONSE_TYPES", "UrlPath", "check", "describe_body", "encode",
           "is_secret_name", "prepare"]  # fmt: skip

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
RESPONSE_TYPES = ("json", "text", "binary")
_SECRET_WORDS = ("auth", "token", "secret", "password", "cookie", "api-key", "apikey", "session")
_CLIENT_HEADERS = {"accept": "Accept", "content-type": "Content-Type", "user-agent": "User-Agent",
                   "x-business": "X-Business"}  # fmt: skip
_LOG_BODY_LIMIT = 2000
_MAX_URL = 8_000  # Sage's servers, like most, refuse longer request lines
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
        problem = surrogate_problem(text)
        if problem:
            raise Invalid(path, problem)
        if len(text) > _MAX_URL:
            raise Invalid(path, f"is too long ({len(text):,} characters; at most {_MAX_URL:,})")
        if not text.startswith("/"):
            text = "/" + text
        segments = text.split("?", 1)[0].split("/")
        if any(seg in (".", "..") for seg in segments):
            raise Invalid(path, "must not contain '.' or '..' segments")
        return text

    def describe(self) -> str:
        return "path under the base URL"


def check(values: Inputs, name: Namer) -> list[InputProblem]:
    """The rules across rawRequest's inputs (multipart or data; file names; safe headers)."""
    problems: list[InputProblem] = []
    multipart = "formData" in values or "fileData" in values
    if "data" in values and multipart:
        data, form, files = name("data"), name("formData"), name("fileData")
        problems.append(InputProblem(data, f"{data} cannot be combined with {form} or {files} (the "
                                           "multipart upload is the body)"))  # fmt: skip
    if "fileDataFileNames" in values:
        given = {k for k, _ in values.get("fileData") or []}
        for key, _ in values["fileDataFileNames"]:
            if key not in given:
                shown = name("fileDataFileNames")
                problems.append(InputProblem(shown, f"{shown} key {key!r} matches no {name('fileData')} key"))
    for key in ("queryParams", "fileDataFileNames"):
        for pair, value in values.get(key) or []:
            if isinstance(value, bytes) and not _utf8(value):
                shown = name(key)
                problems.append(InputProblem(shown, f"{shown}: the value of {pair} must be UTF-8 text"))
    query = sum(len(k) + len(v) + 2 for k, v in values.get("queryParams") or [])
    if query + len(values["url"]) > _MAX_URL:
        shown = name("queryParams")
        problems.append(
            InputProblem(shown, f"{shown} make the URL too long (at most {_MAX_URL:,} characters)")
        )
    headers = name("headers")
    for key, value in values.get("headers") or []:
        if key.lower() == "authorization":
            problems.append(
                InputProblem(
                    headers, f"{headers} must not set Authorization: the connection signs every request"
                )
            )
        elif not _HEADER_NAME.match(key):
            problems.append(InputProblem(headers, f"{headers}: {key!r} is not a valid header name"))
        else:
            problem = _header_value_problem(value)
            if problem:
                problems.append(InputProblem(headers, f"{headers}: the value of {key} {problem}"))
    return problems


def _utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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


def _params(values: Inputs) -> dict[str, Any]:
    # httpx replaces a URL's query with ``params``: carry the url's own query over explicitly; a
    # parameter given more than once becomes a list (sent repeated).
    pairs = parse_qsl(values["url"].partition("?")[2], keep_blank_values=True)
    pairs += [(k, v if isinstance(v, str) else v.decode()) for k, v in values.get("queryParams") or []]
    params: dict[str, Any] = {}
    for key, value in pairs:
        if key not in params:
            params[key] = value
        elif isinstance(params[key], list):
            params[key].append(value)
        else:
            params[key] = [params[key], value]
    return params


def prepare(action: Action, values: Inputs) -> PreparedRequest:
    """The request rawRequest sends: JSON data as ``json``; text, bytes or a multipart upload as
    ``content`` (with the multipart Content-Type in ``headers``)."""
    data = values.get("data")
    body_headers: dict[str, str] = {}
    if isinstance(data, Mapping | list) and "formData" not in values and "fileData" not in values:
        body_json, content = data, None
    else:
        body_json = None
        content, body_headers = _body(values)
    headers = {**body_headers, **_header_map(values.get("headers") or [])}
    path = values["url"].partition("?")[0]
    return PreparedRequest(values["method"], path, _params(values), body_json, content, headers)


def encode(request: PreparedRequest) -> bytes | None:
    """The body bytes of a prepared raw request (JSON compact, as UTF-8)."""
    if request.json is not None:
        return json.dumps(request.json, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return request.content


def is_secret_name(name: str) -> bool:
    """Whether a header or field name looks like it holds a secret (its value is never logged)."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: "***" if is_secret_name(str(k)) or str(k).lower() == "code" else _redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def describe_body(values: Inputs, body: bytes | None) -> str:
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


RAW_INPUTS = (
    inp("data", "Data", "The HTTP body payload to send to the URL.", '{"exampleKey": "Example Data"}',
        convert=JsonBody()),
    inp("debugRequest", "Debug Request", "Enabling this flag will log out the current request.", convert=BOOL,
        default=False, sample=False),
    inp("fileData", "File Data", "File Data to be sent as a multipart form upload.",
        '[{key: "example.txt", value: "My File Contents"}]', convert=KeyValues(),
        sample=[{"key": "example.txt", "value": "My File Contents"}]),
    inp("fileDataFileNames", "File Data File Names",
        "File names to apply to the file data inputs. Keys must match the file data keys above.",
        convert=KeyValues(), sample=[{"key": "example.txt", "value": "notes.txt"}]),
    inp("formData", "Form Data", "The Form Data to be sent as a multipart form upload.",
        '[{"key": "Example Key", "value": new Buffer("Hello World")}]', convert=KeyValues(),
        sample=[{"key": "Example Key", "value": "Hello World"}]),
    inp("headers", "Header", "A list of headers to send with the request.", "User-Agent: curl/7.64.1",
        convert=KeyValues()),
    inp("maxRetries", "Max Retry Count",
        "The maximum number of retries to attempt. A POST or PATCH is retried only on a 429 or when the request "
        "never reached Sage: after a 5xx or a broken connection Sage may have created the record, so the error "
        "is raised at once (maybe_committed) and you should list the records changed since the call to check "
        "before sending it again.", convert=Integer(0, 100), default=0, type="string",
        sample=2),
    inp("method", "Method", "The HTTP method to use.", convert=Choice(METHODS), required=True, sample="GET"),
    inp("queryParams", "Query Parameter",
        "A list of query parameters to send with the request. This is the portion at the end of the URL "
        "similar to ?key1=value1&key2=value2.", convert=KeyValues(), sample=[{"key": "search", "value": "Acme"}]),
    inp("responseType", "Response Type",
        "The type of data you expect in the response. You can request json, text, or binary data.",
        convert=Choice(RESPONSE_TYPES), required=True, default="json", sample="json"),
    inp("retryAllErrors", "Retry On All Errors",
        "If true, retries on all erroneous responses regardless of type. Except a POST or PATCH: it is retried "
        "only on a 429 or when the request never reached Sage, never when it may have created a record.",
        convert=BOOL, default=False, sample=False),
    inp("retryDelayMS", "Retry Delay (ms)", "The delay in milliseconds between retries.",
        convert=Integer(0, 600_000), default=0, sample=500),
    inp("timeout", "Timeout", "The maximum time that a client will await a response to its request", "2000",
        convert=Integer(1, 3_600_000)),
    inp("url", "URL",
        "Input the path only (/contacts), The base URL is already included "
        "(https://api.accounting.sage.com/v3.1). For example, to connect to "
        "https://api.accounting.sage.com/v3.1/contacts, only /contacts is entered in this field.",
        "/contacts", sage=Path("url"), convert=UrlPath(), required=True),
    inp("useExponentialBackoff", "Use Exponential Backoff",
        "Specifies whether to use a pre-defined exponential backoff strategy for retries.", convert=BOOL,
        default=False, sample=False),
)  # fmt: skip
