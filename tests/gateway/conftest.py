"""Fixtures of the gateway tests: a store on a fresh SQLite file or in a fresh PostgreSQL schema (the server
on 127.0.0.1:5432, database ``test``; each test gets its own schema, dropped afterwards), and a clock the
test moves by hand."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from sage_accounting.gateway.store import GatewayStore

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Clock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gateway.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose connections work in a schema of their own (``search_path``), dropped after the test."""
    schema = f"gw_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty gateway database, on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def open_store(db_url: str, clock: Clock) -> Iterator[Callable[..., GatewayStore]]:
    """Opens stores on the test's database (closed at the end)."""
    opened: list[GatewayStore] = []

    def opener(**kwargs: object) -> GatewayStore:
        store = GatewayStore.open(db_url, clock=clock, **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[..., GatewayStore]) -> GatewayStore:
    return open_store()
