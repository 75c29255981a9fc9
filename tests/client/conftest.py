"""Fixtures for the client tests: an emulator per test (in process), clients bound to it, and an
emulator served from a separate process for the tests that fork or kill workers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from client_helpers import FAST_RETRY, Driver, make_connection

from sage_accounting import AsyncSageAccounting, Connection, SageAccounting
from sage_accounting.emulator import DEMO, Emulator

HERE = Path(__file__).parent


@pytest.fixture
def emu() -> Emulator:
    """A fresh emulator with one UK business and its reference data, no contacts or invoices."""
    return Emulator(seed="minimal")


@pytest.fixture
def demo_emu() -> Emulator:
    """A fresh emulator with the demo data."""
    return Emulator()


@pytest.fixture
def conn(emu: Emulator) -> Connection:
    return make_connection(emu)


@pytest.fixture
def client(conn: Connection) -> Iterator[SageAccounting]:
    with SageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
        yield sage


@pytest.fixture
async def aclient(conn: Connection) -> AsyncIterator[AsyncSageAccounting]:
    async with AsyncSageAccounting(conn, business_id=DEMO.business_id, retry=FAST_RETRY) as sage:
        yield sage


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """``"sync"`` then ``"async"``: a test taking it (or ``sage``) runs once per client."""
    param: str = request.param
    return param


@pytest.fixture
def sage(kind: str, conn: Connection) -> Iterator[Driver]:
    """A client of ``conn`` for the demo business, once sync and once async: tests written against it
    check both clients (``sage(lambda c: c.contacts.list())``)."""
    driver = Driver(kind, conn, business_id=DEMO.business_id, retry=FAST_RETRY)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """An emulator (minimal seed) served over a socket by a separate process, for fork/kill tests."""
    env = dict(os.environ)
    src = str(HERE.parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_server.py"), "minimal"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        pytest.fail("the emulator server process did not start")
    try:
        yield url
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
