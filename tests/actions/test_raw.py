"""rawRequest: every input and the component's semantics, against the emulator's faults."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from emulator_helpers import make_connection
from sage_accounting import (
    APIConnectionError,
    APITimeoutError,
    Connection,
    InternalServerError,
    MemoryTokenStore,
    NotFoundError,
    RateLimitError,
    SageAccounting,
    UnsupportedMediaTypeError,
)
from sage_accounting.actions import raw, run_action
from sage_accounting.emulator import DEMO, Emulator

from .conftest import FAST_RETRY, Recorder

GET = {"method": "GET", "url": "/contacts"}


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses rawRequest takes between attempts (recorded instead of slept)."""
    taken: list[float] = []
    monkeypatch.setattr(raw, "_sleep", taken.append)
    return taken


def attempts(emu: Emulator, path: str = "/v3.1/contacts") -> int:
    return sum(1 for e in emu.request_log.entries() if e.path == path)


def test_get_with_query_params_and_headers(client: SageAccounting, recorder: Recorder) -> None:
    run_action(client, "createContact", {"name": "Acme Ltd", "contactTypeIds": "CUSTOMER"})
    run_action(client, "createContact", {"name": "Other Ltd", "contactTypeIds": "CUSTOMER"})
    result = run_action(client, "rawRequest", {
        "method": "get", "url": "contacts?attributes=name", "queryParams": [{"key": "search", "value": "acme"}],
        "headers": "X-Trace: 42\nAccept: application/json",
    })  # fmt: skip
    assert [c["name"] for c in result["$items"]] == ["Acme Ltd"]
    sent = recorder.api()[-1]
    assert sent.url.path == "/v3.1/contacts"
    assert sorted(sent.url.params.multi_items()) == [("attributes", "name"), ("search", "acme")]
    assert sent.headers["x-trace"] == "42" and sent.headers.get_list("accept") == ["application/json"]
    assert sent.headers["authorization"].startswith("Bearer ")


def test_post_data_as_text_or_json_and_response_types(client: SageAccounting, recorder: Recorder) -> None:
    created = run_action(client, "rawRequest", {
        "method": "POST", "url": "/contacts", "headers": [{"key": "content-type", "value": "application/json"}],
        "data": '{"contact": {"name": "Text Ltd", "contact_type_ids": ["CUSTOMER"], "credit_limit": "10.10"}}',
    })  # fmt: skip
    assert created["credit_limit"] == "10.1"
    assert recorder.api()[-1].headers.get_list("content-type") == ["application/json"]
    created = run_action(client, "rawRequest", {
        "method": "POST", "url": "/contacts", "data": {"contact": {"name": "Json Ltd", "contact_type_ids": ["VENDOR"]}},
    })  # fmt: skip
    assert json.loads(recorder.api()[-1].content) == {
        "contact": {"name": "Json Ltd", "contact_type_ids": ["VENDOR"]}
    }
    path = f"/contacts/{created['id']}"
    text = run_action(client, "rawRequest", {"method": "GET", "url": path, "responseType": "text"})
    assert isinstance(text, str) and json.loads(text)["name"] == "Json Ltd"
    binary = run_action(client, "rawRequest", {"method": "GET", "url": path, "responseType": "binary"})
    assert binary["encoding"] == "base64" and binary["contentType"].startswith("application/json")
    assert json.loads(base64.b64decode(binary["data"]))["id"] == created["id"]
    assert run_action(client, "rawRequest", {"method": "DELETE", "url": path}) is None


def test_max_retries_zero_means_no_retry(emu: Emulator, client: SageAccounting, pauses: list[float]) -> None:
    emu.faults.add("GET", "/v3.1/contacts", status=503, count=2)
    with pytest.raises(InternalServerError):
        run_action(client, "rawRequest", GET)
    assert attempts(emu) == 1 and pauses == []


def test_5xx_is_retried_up_to_max_retries(emu: Emulator, client: SageAccounting, pauses: list[float]) -> None:
    emu.faults.add("GET", "/v3.1/contacts", status=503, count=2)
    result = run_action(client, "rawRequest", {**GET, "maxRetries": "2", "retryDelayMS": "250"})
    assert result["$total"] == 0
    assert attempts(emu) == 3 and pauses == [0.25, 0.25]
    emu.request_log.clear()
    emu.faults.add("GET", "/v3.1/contacts", status=500, count=3)
    with pytest.raises(InternalServerError):
        run_action(client, "rawRequest", {**GET, "maxRetries": 2})
    assert attempts(emu) == 3


POST_CONTACT = {"method": "POST", "url": "/contacts",
                "data": {"contact": {"name": "Retry Ltd", "contact_type_ids": ["CUSTOMER"]}}}  # fmt: skip


def contacts_named(client: SageAccounting, name: str) -> int:
    found = run_action(client, "rawRequest", {**GET, "queryParams": [["search", name]]})
    return sum(1 for c in found["$items"] if c["displayed_as"] == name)


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "commit_then_fail": True},
        {"commit_then_fail": True},
        {"status": 502},
        {"drop": True},
    ],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_post_or_patch_is_not_retried_when_it_may_have_been_carried_out(
    emu: Emulator, client: SageAccounting, pauses: list[float], fault: dict[str, Any], method: str
) -> None:
    inputs: dict[str, Any] = {**POST_CONTACT, "maxRetries": 2, "retryAllErrors": True}
    path = "/v3.1/contacts"
    if method == "PATCH":
        contact = run_action(client, "rawRequest", POST_CONTACT)
        path = f"/v3.1/contacts/{contact['id']}"
        inputs = {**inputs, "method": "PATCH", "url": path[len("/v3.1") :],
                  "data": {"contact": {"notes": "patched"}}}  # fmt: skip
        emu.request_log.clear()
    emu.faults.add(method, path, count=2, **fault)
    with pytest.raises((InternalServerError, APIConnectionError)) as caught:
        run_action(client, "rawRequest", inputs)
    error = caught.value
    assert error.maybe_committed
    assert "before sending it again" in str(error) and "updated_or_created_since" in str(error)
    assert attempts(emu, path) == 1 and pauses == [], "never sent twice"
    if method == "POST":
        assert contacts_named(client, "Retry Ltd") == (1 if fault.get("commit_then_fail") else 0)


class RefusingConnections(httpx.BaseTransport):
    """Refuses the first ``count`` API connections (the request never reaches the server)."""

    def __init__(self, inner: httpx.BaseTransport, count: int) -> None:
        self.inner = inner
        self.count = count

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v3.1") and self.count > 0:
            self.count -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return self.inner.handle_request(request)


def test_a_post_is_retried_when_it_never_reached_sage_or_got_a_429(
    emu: Emulator, pauses: list[float]
) -> None:
    transport = RefusingConnections(emu.transport(), count=1)
    with SageAccounting(
        make_connection(emu, transport), business_id=DEMO.business_id, retry=FAST_RETRY
    ) as sage:
        created = run_action(sage, "rawRequest", {**POST_CONTACT, "maxRetries": 1})
        assert created["name"] == "Retry Ltd" and transport.count == 0 and len(pauses) == 1
        emu.faults.add("POST", "/v3.1/contacts", status=429, count=1)
        run_action(sage, "rawRequest", {**POST_CONTACT, "maxRetries": 1, "retryAllErrors": True})
        assert contacts_named(sage, "Retry Ltd") == 2 and len(pauses) == 2


def test_a_post_4xx_is_raised_as_it_is_even_with_retry_all_errors(
    emu: Emulator, client: SageAccounting, pauses: list[float]
) -> None:
    with pytest.raises(UnsupportedMediaTypeError) as caught:
        run_action(client, "rawRequest", {"method": "POST", "url": "/contacts", "formData": [["a", "b"]],
                                          "maxRetries": 3, "retryAllErrors": True})  # fmt: skip
    assert not caught.value.maybe_committed
    assert attempts(emu) == 1 and pauses == []


def test_429_and_4xx_are_retried_only_with_retry_all_errors(
    emu: Emulator, client: SageAccounting, pauses: list[float]
) -> None:
    emu.faults.add("GET", "/v3.1/contacts", status=429, count=1)
    with pytest.raises(RateLimitError):
        run_action(client, "rawRequest", {**GET, "maxRetries": 3})
    assert attempts(emu) == 1
    emu.request_log.clear()
    emu.faults.add("GET", "/v3.1/contacts", status=429, count=1)
    assert run_action(client, "rawRequest", {**GET, "maxRetries": 3, "retryAllErrors": "true"})["$total"] == 0
    assert attempts(emu) == 2
    missing = {"method": "GET", "url": "/contacts/0123abc", "maxRetries": 2}
    with pytest.raises(NotFoundError):
        run_action(client, "rawRequest", missing)
    assert attempts(emu, "/v3.1/contacts/0123abc") == 1
    with pytest.raises(NotFoundError):
        run_action(client, "rawRequest", {**missing, "retryAllErrors": True})
    assert attempts(emu, "/v3.1/contacts/0123abc") == 1 + 3


def test_network_errors_are_retried(
    emu: Emulator, client: SageAccounting, recorder: Recorder, pauses: list[float]
) -> None:
    emu.faults.add("GET", "/v3.1/contacts", drop=True, count=2)
    with pytest.raises(APIConnectionError):
        run_action(client, "rawRequest", GET)
    assert len(recorder.api()) == 1
    assert run_action(client, "rawRequest", {**GET, "maxRetries": 1})["$total"] == 0
    assert len(recorder.api()) == 3


def test_exponential_backoff_ignores_retry_delay(
    emu: Emulator, client: SageAccounting, pauses: list[float]
) -> None:
    emu.faults.add("GET", "/v3.1/contacts", status=503, count=3)
    run_action(
        client, "rawRequest", {**GET, "maxRetries": 3, "retryDelayMS": 5000, "useExponentialBackoff": True}
    )
    assert len(pauses) == 3 and all(p < 0.01 for p in pauses), "the client's backoff, not retryDelayMS"
    assert pauses[2] > pauses[0]
    emu.faults.add("GET", "/v3.1/contacts", status=503, count=1, retry_after=30)
    pauses.clear()
    run_action(client, "rawRequest", {**GET, "maxRetries": 1, "useExponentialBackoff": True})
    assert pauses == [FAST_RETRY.max_retry_after], "Retry-After is honoured (capped by the client's settings)"


class Redirecting(httpx.BaseTransport):
    """Answers the next ``count`` API requests with a 302, then lets the emulator answer."""

    def __init__(self, inner: httpx.BaseTransport, count: int) -> None:
        self.inner = inner
        self.count = count
        self.redirects = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v3.1") and self.redirects < self.count:
            self.redirects += 1
            return httpx.Response(302, headers={"location": "/elsewhere"}, text="moved")
        return self.inner.handle_request(request)


def test_3xx_is_returned_unless_retry_all_errors(emu: Emulator, pauses: list[float]) -> None:
    transport = Redirecting(emu.transport(), count=1)
    with SageAccounting(
        make_connection(emu, transport), business_id=DEMO.business_id, retry=FAST_RETRY
    ) as sage:
        assert run_action(sage, "rawRequest", {**GET, "maxRetries": 2}) == "moved"
        assert transport.redirects == 1
        transport.count = 2
        assert run_action(sage, "rawRequest", {**GET, "maxRetries": 2, "retryAllErrors": True})["$total"] == 0
        assert transport.redirects == 2 and len(pauses) == 1


def test_timeout_is_in_milliseconds_over_a_socket() -> None:
    emu = Emulator(seed="minimal")
    with emu.serve() as url:
        token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)
        conn = Connection(DEMO.client_id, DEMO.client_secret, host=url, token=token, store=MemoryTokenStore())
        with SageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
            emu.faults.add("GET", "/v3.1/contacts", latency=0.5, count=2)
            with pytest.raises(APITimeoutError):
                run_action(sage, "rawRequest", {**GET, "timeout": "100"})
            assert run_action(sage, "rawRequest", {**GET, "timeout": 100, "maxRetries": 1})["$total"] == 0
            assert run_action(sage, "rawRequest", {**GET, "timeout": 5000})["$total"] == 0


def test_multipart_upload(client: SageAccounting, recorder: Recorder) -> None:
    # Sage's JSON endpoints refuse a multipart body; what matters here is the body that was sent.
    with pytest.raises(UnsupportedMediaTypeError):
        run_action(client, "rawRequest", {
            "method": "POST", "url": "/contacts", "formData": [{"key": "title", "value": "Receipt"}],
            "fileData": [{"key": "file", "value": "My File Contents"}, {"key": "raw", "value": b"\x00\x01"}],
            "fileDataFileNames": {"file": "receipt.txt"},
        })  # fmt: skip
    sent = recorder.api()[-1]
    content_type = sent.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert sent.headers.get_list("content-type") == [content_type]
    body = sent.content
    assert b'Content-Disposition: form-data; name="title"\r\n\r\nReceipt' in body
    assert b'name="file"; filename="receipt.txt"' in body and b"My File Contents" in body
    assert b'name="raw"; filename="raw"' in body and b"\x00\x01" in body


@pytest.fixture
def actions_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="sage_accounting.actions"):
        yield caplog


def test_debug_request_logs_without_secrets(
    emu: Emulator, client: SageAccounting, actions_log: pytest.LogCaptureFixture, pauses: list[float]
) -> None:
    token = client.connection.store.load()
    assert token is not None
    emu.faults.add("POST", "/v3.1/contacts", status=429, count=1)
    run_action(client, "rawRequest", {
        "method": "POST", "url": "/contacts", "debugRequest": True, "maxRetries": 1, "retryAllErrors": True,
        "headers": {"X-Api-Key": "k3y-s3cret", "X-Trace": "visible"},
        "queryParams": [{"key": "access_token", "value": "t0ken-s3cret"}],
        "data": {"contact": {"name": "Logged Ltd", "contact_type_ids": ["CUSTOMER"]}, "client_secret": "sh-s3cret"},
    })  # fmt: skip
    text = "\n".join(r.getMessage() for r in actions_log.records if r.name == "sage_accounting.actions")
    assert "rawRequest POST http://sage.test/v3.1/contacts" in text and "attempt 1 of 2" in text
    assert "attempt 2 of 2" in text and "answer 429" in text and "Logged Ltd" in text and "visible" in text
    assert "Bearer ***" in text
    for secret in ("k3y-s3cret", "t0ken-s3cret", "sh-s3cret", token.access_token, token.refresh_token):
        assert secret not in text
    actions_log.clear()
    run_action(client, "rawRequest", GET)
    assert not [r for r in actions_log.records if r.name == "sage_accounting.actions"]
