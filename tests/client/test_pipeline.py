"""The request pipeline against scripted faults: retries, Retry-After, POST safety, business check,
logging.  Most tests run twice through the ``sage`` fixture, once per client (sync and async)."""

from __future__ import annotations

import logging

import httpx
import pytest
from client_helpers import Driver

from sage_accounting import (
    APIConnectionError,
    BusinessMismatchError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    SageAccounting,
    UnprocessableEntityError,
)
from sage_accounting.emulator import DEMO, Emulator


def _api_calls(emu: Emulator, method: str, path: str) -> list[int]:
    return [e.status for e in emu.request_log.entries() if e.method == method and e.path == path]


def test_429_honours_retry_after(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="GET", path="/v3.1/contacts", status=429, count=1, retry_after=1)
    assert sage(lambda c: c.contacts.list()).total == 0
    assert _api_calls(emu, "GET", "/v3.1/contacts") == [429, 200]


def test_429_without_retries_raises_rate_limit_error(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="GET", path="/v3.1/contacts", status=429, count=1, retry_after=7)
    with pytest.raises(RateLimitError) as info:
        sage(lambda c: c.contacts.list(max_retries=0))
    assert info.value.retry_after == 7
    assert info.value.request_id


def test_503_on_get_is_retried_to_success(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="GET", path="/v3.1/tax_rates", status=503, count=2)
    assert sage(lambda c: c.tax_rates.list()).total
    assert _api_calls(emu, "GET", "/v3.1/tax_rates") == [503, 503, 200]


def test_max_retries_per_client_and_per_call(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="GET", path="/v3.1/tax_rates", status=500, count=None)
    with pytest.raises(InternalServerError):
        sage(lambda c: c.tax_rates.list())
    assert len(_api_calls(emu, "GET", "/v3.1/tax_rates")) == 3
    with pytest.raises(InternalServerError):
        sage(lambda c: c.tax_rates.list(max_retries=0))
    assert len(_api_calls(emu, "GET", "/v3.1/tax_rates")) == 4
    with pytest.raises(InternalServerError):
        sage(lambda c: c.with_options(max_retries=4).tax_rates.list())
    assert len(_api_calls(emu, "GET", "/v3.1/tax_rates")) == 9
    with pytest.raises(ValueError, match="max_retries"):
        sage(lambda c: c.tax_rates.list(max_retries=-1))


def test_dropped_get_is_retried(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="GET", path="/v3.1/tax_rates", drop=True, count=1)
    assert sage(lambda c: c.tax_rates.list()).total


def test_commit_then_504_on_post_is_not_retried_and_not_duplicated(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="POST", path="/v3.1/contacts", commit_then_fail=True, count=1)
    with pytest.raises(InternalServerError) as info:
        sage(lambda c: c.contacts.create(name="Once Only Ltd", contact_type_ids=["CUSTOMER"]))
    err = info.value
    assert err.status_code == 504 and err.maybe_committed
    assert "may have created" in str(err)
    assert _api_calls(emu, "POST", "/v3.1/contacts") == [504]
    found = sage.records(lambda c: c.contacts.list(search="Once Only", attributes="name"))
    assert [c.name for c in found] == ["Once Only Ltd"]


def test_dropped_post_is_not_retried(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="POST", path="/v3.1/contacts", drop=True, count=1)
    with pytest.raises(APIConnectionError) as info:
        sage(lambda c: c.contacts.create(name="Dropped Ltd", contact_type_ids=["CUSTOMER"]))
    assert info.value.maybe_committed
    assert len(_api_calls(emu, "POST", "/v3.1/contacts")) <= 1


def test_post_is_retried_on_429(emu: Emulator, sage: Driver) -> None:
    emu.faults.add(method="POST", path="/v3.1/contacts", status=429, count=1, retry_after=0)
    sage(lambda c: c.contacts.create(name="Patient Ltd", contact_type_ids=["CUSTOMER"]))
    assert _api_calls(emu, "POST", "/v3.1/contacts") == [429, 201]


def test_post_is_retried_when_the_connection_is_refused(emu: Emulator) -> None:
    from client_helpers import make_connection

    attempts = {"n": 0}
    inner = emu.transport()

    class RefuseOnce(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/contacts") and attempts["n"] == 0:
                attempts["n"] += 1
                raise httpx.ConnectError("connection refused", request=request)
            return inner.handle_request(request)

    conn = make_connection(emu)
    from client_helpers import FAST_RETRY

    with SageAccounting(conn, business_id=DEMO.business_id, transport=RefuseOnce(), retry=FAST_RETRY) as sage:
        sage.contacts.create(name="Second Try Ltd", contact_type_ids=["CUSTOMER"])
    assert _api_calls(emu, "POST", "/v3.1/contacts") == [201]


def test_random_faults_while_iterating_5000_records_lose_and_duplicate_nothing(
    emu: Emulator, client: SageAccounting
) -> None:
    seed_contacts(emu, 5000)
    emu.faults.add(method="GET", path="/v3.1/contacts", status=503, count=None, probability=0.05)
    emu.faults.add(
        method="GET", path="/v3.1/contacts", status=429, count=None, probability=0.05, retry_after=0
    )
    sage = client.with_options(max_retries=8)
    ids = [c.id for c in sage.contacts.list(items_per_page=200)]
    assert len(ids) == 5000 and len(set(ids)) == 5000
    statuses = _api_calls(emu, "GET", "/v3.1/contacts")
    assert {429, 503} & set(statuses)
    prefetched = [c.id for c in sage.contacts.list(items_per_page=200, prefetch=8)]
    assert prefetched == ids


def seed_contacts(emu: Emulator, n: int) -> None:
    emu.seed(
        {
            "data": {
                DEMO.business_id: {
                    "contacts": [
                        {"contact": {"name": f"Customer {i:05d}", "contact_type_ids": ["CUSTOMER"]}}
                        for i in range(n)
                    ]
                }
            }
        }
    )


def test_business_header_is_checked(emu: Emulator, client: SageAccounting) -> None:
    client.tax_rates.list()
    assert emu.request_log.entries()[-1].business_id == DEMO.business_id

    class Liar(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = emu.transport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = self.inner.handle_request(request)
            headers = dict(response.headers)
            if "x-business" in headers:
                headers["x-business"] = "f" * 32
            return httpx.Response(response.status_code, headers=headers, content=response.content)

    with (
        SageAccounting(client.connection, business_id=DEMO.business_id, transport=Liar()) as sage,
        pytest.raises(BusinessMismatchError, match="f" * 32),
    ):
        sage.tax_rates.list()


def test_with_business_and_per_call_business(emu: Emulator, sage: Driver) -> None:
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the user cannot reach this business
        sage(lambda c: c.tax_rates.list(business_id="e" * 32))
    assert sage(lambda c: c.with_business(None).business_id) is None
    sage(lambda c: c.with_business(None).tax_rates.list())
    assert emu.request_log.entries()[-1].business_id != "e" * 32


def test_errors_are_typed_and_readable(sage: Driver) -> None:
    with pytest.raises(NotFoundError) as info:
        sage(lambda c: c.contacts.retrieve("0" * 32))
    assert str(info.value).startswith("404")
    with pytest.raises(UnprocessableEntityError) as invalid:
        sage(lambda c: c.contacts.create(name="No Type Ltd"))
    assert invalid.value.errors and invalid.value.errors[0].data_code


def test_raw_request_and_response_wrapper(sage: Driver) -> None:
    response = sage(lambda c: c.request("GET", "/tax_rates", params={"items_per_page": 2}))
    assert response.status_code == 200
    assert response.request_id
    assert response.business_id == DEMO.business_id
    assert response.json()["$itemsPerPage"] == 2
    assert response.text.startswith("{") and response.content.startswith(b"{")


def test_logging_is_one_line_each_way_and_redacted(
    emu: Emulator, sage: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    store = sage.connection.store
    stored = store.load()
    assert stored is not None
    store.save(stored.expired_copy())
    with caplog.at_level(logging.DEBUG, logger="sage_accounting"):
        sage(lambda c: c.tax_rates.list())
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "request GET" in text and "response 200 GET" in text
    assert stored.access_token not in text and stored.refresh_token not in text
    assert DEMO.client_secret not in text
    assert "Bearer" not in text
    new = store.load()
    assert new is not None and new.access_token not in text and new.refresh_token not in text


def test_user_agent(emu: Emulator, client: SageAccounting) -> None:
    seen: list[str] = []
    inner = emu.transport()

    class Spy(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request.headers["user-agent"])
            return inner.handle_request(request)

    with SageAccounting(client.connection, transport=Spy()) as sage:
        sage.user.retrieve()
    assert seen[-1].startswith("sage-accounting-python/0.1.0")


def test_request_keeps_the_paths_own_query_and_adds_params(emu: Emulator, sage: Driver) -> None:
    sage(lambda c: c.contacts.create(name="Query Keeper", contact_type_ids=["CUSTOMER"], reference="QK1"))
    sage(lambda c: c.contacts.create(name="Other", contact_type_ids=["VENDOR"]))
    response = sage(lambda c: c.request("GET", "/contacts?attributes=reference", params={"search": "keeper"}))
    body = response.json()
    assert body["$total"] == 1
    assert body["$items"][0]["reference"] == "QK1"
    assert emu.request_log.entries()[-1].query == "attributes=reference&search=keeper"


def test_caller_headers_replace_the_clients_whatever_their_case(
    emu: Emulator, client: SageAccounting
) -> None:
    seen: list[list[tuple[str, str]]] = []
    original = client._http._transport  # the in-process emulator transport

    class Spy(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append([(k.lower(), v) for k, v in request.headers.items()])
            return original.handle_request(request)

    client._http._transport = Spy()
    response = client.request(
        "POST",
        "/contacts",
        content=b'{"contact": {"name": "Header Ltd", "contact_type_ids": ["CUSTOMER"]}}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201
    content_types = [v for k, v in seen[-1] if k == "content-type"]
    assert content_types == ["application/json; charset=utf-8"]
