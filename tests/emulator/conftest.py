"""Fixtures for the emulator's own tests: an in-process emulator and HTTP clients into it (in process, or
over a real socket)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

ROOT = "http://sage.test"


@pytest.fixture
def emu() -> Emulator:
    """A fresh emulator with the minimal seed: one UK business, its reference data, no contacts."""
    return Emulator(seed="minimal")


@pytest.fixture
def tokens(emu: Emulator) -> dict[str, Any]:
    return emu.grant_tokens()


@pytest.fixture
def api(emu: Emulator, tokens: dict[str, Any]) -> Iterator[httpx.Client]:
    """An httpx client on ``/v3.1`` carrying a full-access token of the seeded user."""
    with httpx.Client(
        transport=emu.transport(),
        base_url=f"{ROOT}/v3.1",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    ) as client:
        yield client


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    """An httpx client on the emulator's root (OAuth endpoints, control plane), no token."""
    with httpx.Client(transport=emu.transport(), base_url=ROOT) as client:
        yield client


@contextlib.contextmanager
def served_api(emu: Emulator) -> Iterator[httpx.Client]:
    """``emu`` served on a real socket, and an httpx client on its ``/v3.1`` carrying a full-access token of
    the seeded user."""
    token = emu.grant_tokens()["access_token"]
    with (
        emu.serve() as url,
        httpx.Client(base_url=f"{url}/v3.1", headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        yield api


def client_for(emu: Emulator, access_token: str, business: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {access_token}"}
    if business:
        headers["X-Business"] = business
    return httpx.Client(transport=emu.transport(), base_url=f"{ROOT}/v3.1", headers=headers)


def assert_error(
    response: httpx.Response, status: int, data_code: str, source: str | None = None
) -> dict[str, Any]:
    """Assert a Sage-format error answer; returns the first item (or the one naming ``source``)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, list) and body, body
    for item in body:
        assert set(item) == {"$severity", "$dataCode", "$message", "$source"}, item
        assert item["$severity"] == "error"
    matching = [i for i in body if i["$dataCode"] == data_code and (source is None or i["$source"] == source)]
    assert matching, f"no {data_code} error for source {source!r} in {body}"
    return matching[0]
