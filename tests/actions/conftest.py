"""Fixtures for the action tests: an emulator per test, a client bound to it whose every request is
recorded (so a test can read the exact body an action sent), and the ids the tests build on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from emulator_helpers import make_connection
from sage_accounting import RetryConfig, SageAccounting
from sage_accounting.emulator import DEMO, Emulator

FAST_RETRY = RetryConfig(initial_delay=0.001, max_delay=0.005, max_retry_after=0.01)


class Recorder(httpx.BaseTransport):
    """Passes requests to the emulator and keeps a copy of each (method, path, query, headers, body)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)

    def api(self) -> list[httpx.Request]:
        """The API requests (not the token endpoint)."""
        return [r for r in self.requests if r.url.path.startswith("/v3.1")]

    def last_body(self) -> Any:
        """The JSON body of the last API request."""
        return json.loads(self.api()[-1].content)


@pytest.fixture
def emu() -> Emulator:
    """A fresh emulator: one UK business with its chart of accounts and reference data."""
    return Emulator(seed="minimal")


@pytest.fixture
def recorder(emu: Emulator) -> Recorder:
    return Recorder(emu.transport())


@pytest.fixture
def client(emu: Emulator, recorder: Recorder) -> Iterator[SageAccounting]:
    with SageAccounting(
        make_connection(emu, recorder), business_id=DEMO.business_id, retry=FAST_RETRY
    ) as sage:
        yield sage


class Ids:
    """Ids of the minimal seed that the tests use, looked up once through the API."""

    def __init__(self, client: SageAccounting) -> None:
        ledgers = client.request(
            "GET", "/ledger_accounts", params={"items_per_page": 200, "attributes": "nominal_code"}
        ).json()["$items"]
        self.ledger = {item["nominal_code"]: item["id"] for item in ledgers}
        banks = client.request("GET", "/bank_accounts").json()["$items"]
        self.bank_account = banks[0]["id"]
        self.sales = self.ledger[4000]
        self.purchases = self.ledger[5000]


@pytest.fixture
def ids(client: SageAccounting) -> Ids:
    return Ids(client)
