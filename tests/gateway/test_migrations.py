"""The schema comes from the migrations shipped in the package: opening an empty database creates it,
opening it again changes nothing, and the default database is a SQLite file in the XDG data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from sage_accounting.gateway._db import default_url
from sage_accounting.gateway._types import GatewayInputError
from sage_accounting.gateway.store import GatewayStore

TABLES = {
    "gateway_agents",
    "gateway_grants",
    "gateway_approvals",
    "gateway_idempotency",
    "gateway_audit",
    "gateway_audit_head",
    "gateway_alembic_version",
}


def test_an_empty_database_is_upgraded_to_the_newest_schema(db_url: str) -> None:
    with GatewayStore.open(db_url) as store:
        inspector = sa.inspect(store.engine)
        assert set(inspector.get_table_names()) >= TABLES
        indexes = {i["name"] for i in inspector.get_indexes("gateway_audit")}
        assert {"ix_gateway_audit_agent", "ix_gateway_audit_agent_decision", "ix_gateway_audit_decision", "ix_gateway_audit_business",
                "ix_gateway_audit_time"} <= indexes  # fmt: skip
        with store.engine.connect() as conn:
            assert (
                conn.exec_driver_sql("SELECT version_num FROM gateway_alembic_version").scalar_one() == "0002"
            )
        store.add_agent("bookkeeper")


def test_a_second_open_keeps_the_data_and_the_version(db_url: str) -> None:
    with GatewayStore.open(db_url) as store:
        store.add_agent("bookkeeper")
    with GatewayStore.open(db_url) as store:
        assert [a.name for a in store.list_agents()] == ["bookkeeper"]
        assert store.verify_audit().ok and store.verify_audit().rows == 1
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM gateway_alembic_version").scalar_one() == 1


def test_the_default_database_is_in_the_xdg_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAGE_GATEWAY_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'sage-accounting' / 'gateway.db'}"
    with GatewayStore.open() as store:
        store.add_agent("bookkeeper")
    assert (tmp_path / "data" / "sage-accounting" / "gateway.db").is_file()
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert (
        default_url()
        == f"sqlite:///{tmp_path / 'home' / '.local' / 'share' / 'sage-accounting' / 'gateway.db'}"
    )
    monkeypatch.setenv("SAGE_GATEWAY_DB", "sqlite:///elsewhere.db")
    assert default_url() == "sqlite:///elsewhere.db"


def test_a_url_that_is_not_a_database_is_named_without_its_password() -> None:
    with pytest.raises(GatewayInputError, match="is not a database URL"):
        GatewayStore.open("not a url")
    with pytest.raises(GatewayInputError, match=r"nosuchdb://user:\*\*\*@host/db: no driver") as info:
        GatewayStore.open("nosuchdb://user:hunter2@host/db")
    assert "hunter2" not in str(info.value)


_OPEN_AND_ADD = """
import sys
from sage_accounting.gateway.store import GatewayStore
with GatewayStore.open(sys.argv[1]) as store:
    store.add_agent(sys.argv[2])
"""


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_processes_opening_a_fresh_database_at_once_migrate_it_once(db_url: str) -> None:
    import subprocess
    import sys

    workers = [
        subprocess.Popen([sys.executable, "-c", _OPEN_AND_ADD, db_url, f"agent-{n}"], stderr=subprocess.PIPE)
        for n in range(3)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()[-2000:]
    with GatewayStore.open(db_url) as store:
        assert sorted(a.name for a in store.list_agents()) == ["agent-0", "agent-1", "agent-2"]
        assert store.verify_audit().ok and store.verify_audit().rows == 3
