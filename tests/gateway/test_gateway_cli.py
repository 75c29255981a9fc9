"""``sage-accounting agents|approvals|audit``: keys printed once, grants checked with one-line usage
errors, approvals denied, the audit listed as JSON/CSV and verified (failing, naming the row, once a row is
edited in the database)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from sage_accounting.cli import app
from sage_accounting.gateway.store import GatewayStore


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in list(os.environ):
        if name.startswith("SAGE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "250")
    return f"sqlite:///{tmp_path / 'gw.db'}"


@pytest.fixture
def cli(db: str) -> Iterator[Any]:
    runner = CliRunner()

    def run(*args: str) -> Outcome:
        result = runner.invoke(app, [*args, "--db", db])
        return Outcome(result.exit_code, result.stdout, result.stderr)

    yield run


def test_add_prints_the_key_once_and_only_its_hash_is_kept(cli: Any, db: str) -> None:
    added = cli("agents", "add", "bookkeeper", "--description", "keeps the books")
    assert added.code == 0
    key = added.stdout.strip()
    assert key.startswith("sga_") and len(key) >= 47
    assert "shown only this once" in added.stderr and key not in added.stderr
    with GatewayStore.open(db) as store:
        assert store.agent_by_key(key) is not None
    for listing in (cli("agents", "list", "--json"), cli("agents", "show", "bookkeeper", "--json"),
                    cli("audit", "list", "--json")):  # fmt: skip
        assert key not in listing.stdout + listing.stderr


def test_add_json_gives_name_and_key(cli: Any) -> None:
    added = cli("agents", "add", "bookkeeper", "--json")
    data = added.json()
    assert set(data) == {"name", "key"} and data["name"] == "bookkeeper" and data["key"].startswith("sga_")


def test_rotate_key_prints_a_new_working_key(cli: Any, db: str) -> None:
    old = cli("agents", "add", "bookkeeper").stdout.strip()
    rotated = cli("agents", "rotate-key", "bookkeeper")
    new = rotated.stdout.strip()
    assert rotated.code == 0 and new != old and new.startswith("sga_")
    with GatewayStore.open(db) as store:
        assert store.agent_by_key(old) is None and store.agent_by_key(new) is not None


def test_grant_show_and_list(cli: Any) -> None:
    cli("agents", "add", "bookkeeper")
    granted = cli("agents", "grant", "bookkeeper", "sales=full", "Contacts=READ", "--business", "B1",
                  "--business", "B2", "--max-amount", "1000", "--approve-writes", "--json")  # fmt: skip
    assert granted.code == 0, granted.stderr
    data = granted.json()
    assert data["levels"]["sales"] == "full" and data["levels"]["contacts"] == "read"
    assert data["levels"]["bank"] == "off" and data["businesses"] == ["B1", "B2"]
    assert data["max_amount"] == "1000" and data["approve_writes"] is True
    assert "set bookkeeper: Contacts Off → Read, Sales Off → Full" in granted.stderr
    cleared = cli("agents", "grant", "bookkeeper", "--any-business", "--max-amount", "none",
                  "--no-approve-writes", "--json").json()  # fmt: skip
    assert (
        cleared["businesses"] == [] and cleared["max_amount"] is None and cleared["approve_writes"] is False
    )
    listed = cli("agents", "list", "--json").json()
    assert [a["name"] for a in listed] == ["bookkeeper"] and listed[0]["levels"]["sales"] == "full"
    table = cli("agents", "show", "bookkeeper")
    assert table.code == 0 and "Products & Services" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["salez=full"], "unknown area 'salez' in 'salez=full'"),
        (["sales=write"], "unknown level 'write' in 'sales=write'"),
        (["sales"], "'sales' is not AREA=LEVEL"),
        (["--max-amount", "lots"], "--max-amount 'lots' is not an amount"),
        (["--max-amount", "-3"], "--max-amount '-3' must be a finite amount of zero or more"),
        ([], "nothing to grant"),
        (["--business", "B1", "--any-business"], "give --business or --any-business, not both"),
    ],
)
def test_bad_grants_are_one_line_usage_errors(cli: Any, args: list[str], message: str) -> None:
    cli("agents", "add", "bookkeeper")
    refused = cli("agents", "grant", "bookkeeper", *args)
    assert refused.code == 2
    assert refused.stderr.startswith("error: ") and message in refused.stderr
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert cli("agents", "show", "bookkeeper", "--json").json()["levels"]["sales"] == "off"


def test_unknown_agents_and_duplicate_names(cli: Any) -> None:
    missing = cli("agents", "show", "ghost")
    assert missing.code == 4 and "no agent named 'ghost'" in missing.stderr
    assert cli("agents", "remove", "ghost").code == 4
    cli("agents", "add", "bookkeeper")
    again = cli("agents", "add", "bookkeeper")
    assert again.code == 2 and "exists already" in again.stderr
    bad = cli("agents", "add", "two words")
    assert bad.code == 2 and "agent name 'two words' is not valid" in bad.stderr


def test_remove(cli: Any) -> None:
    key = cli("agents", "add", "bookkeeper").stdout.strip()
    assert cli("agents", "remove", "bookkeeper").code == 0
    assert cli("agents", "list", "--json").json() == []
    assert key  # the removed agent's key: checked in the store tests


def test_approvals_list_and_deny(cli: Any, db: str) -> None:
    cli("agents", "add", "bookkeeper")
    with GatewayStore.open(db) as store:
        agent = store.get_agent("bookkeeper")
        approval = store.hold(agent, tool="sage_create_sales_invoice", action_key="createSalesInvoice",
                              business_id="B1", arguments={"contact_id": "c1"}, request={"method": "POST"},
                              sentence="bookkeeper asked to create a sales invoice — held for approval")  # fmt: skip
    listed = cli("approvals", "list", "--json").json()
    assert [a["id"] for a in listed] == [approval.id] and listed[0]["status"] == "pending"
    assert approval.id in cli("approvals", "list").stdout
    denied = cli("approvals", "deny", approval.id, "--reason", "not now")
    assert denied.code == 0 and "denied" in denied.stderr
    assert cli("approvals", "list", "--json").json() == []
    assert cli("approvals", "list", "--status", "denied", "--json").json()[0]["reason"] == "not now"
    twice = cli("approvals", "deny", approval.id)
    assert twice.code == 1 and "was denied by" in twice.stderr
    unknown = cli("approvals", "deny", "nope")
    assert unknown.code == 4 and "no approval 'nope'" in unknown.stderr
    bad = cli("approvals", "list", "--status", "waiting")
    assert bad.code == 2 and "--status 'waiting'" in bad.stderr
    rejected = cli("audit", "list", "--decision", "rejected", "--json").json()
    assert len(rejected) == 1 and "rejected" in rejected[0]["sentence"] and rejected[0]["reason"] == "not now"


def _seed_calls(db: str) -> None:
    from sage_accounting.gateway._types import AuditEntry

    with GatewayStore.open(db) as store:
        for n, decision in enumerate(["allowed", "denied", "allowed", "held"]):
            store.append_audit(AuditEntry(
                agent="clerk" if n % 2 else "bookkeeper", tool="sage_create_contact", area="contacts",
                business_id="B1", decision=decision, reason="Contacts: Full",
                arguments={"name": f"Acme {n}", "api_token": "hide-me"},
                sentence=f"call {n} — {decision}",
            ))  # fmt: skip


def test_audit_list_filters_and_formats(cli: Any, db: str) -> None:
    _seed_calls(db)
    rows = cli("audit", "list", "--json").json()
    assert [r["sentence"] for r in rows] == [
        "call 3 — held",
        "call 2 — allowed",
        "call 1 — denied",
        "call 0 — allowed",
    ]
    for field in ("time", "agent", "tool", "area", "business_id", "decision", "reason", "sentence"):
        assert field in rows[0]
    assert rows[0]["arguments"] == {"name": "Acme 3", "api_token": "***"}
    assert [r["agent"] for r in cli("audit", "list", "--agent", "clerk", "--json").json()] == [
        "clerk",
        "clerk",
    ]
    assert len(cli("audit", "list", "--decision", "allowed", "--json").json()) == 2
    assert len(cli("audit", "list", "--since", "1h", "--json").json()) == 4
    assert cli("audit", "list", "--since", "2999-01-01", "--json").json() == []
    assert len(cli("audit", "list", "--limit", "3", "--json").json()) == 3
    assert len(cli("audit", "list", "--limit", "1", "--all", "--json").json()) == 4
    table = list(csv.DictReader(io.StringIO(cli("audit", "list", "--csv").stdout)))
    assert len(table) == 4 and table[0]["decision"] == "held"
    assert json.loads(table[0]["arguments"]) == {"name": "Acme 3", "api_token": "***"}
    assert "hide-me" not in cli("audit", "list", "--csv").stdout
    shown = cli("audit", "list")
    assert shown.code == 0 and "call 3 — held" in shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decision", "maybe"], "--decision 'maybe' is not one of allowed, denied"),
        (["--since", "yesterday"], "--since 'yesterday' is not a date or time"),
        (["--json", "--csv"], "choose one output format"),
    ],
)
def test_audit_list_usage_errors(cli: Any, args: list[str], message: str) -> None:
    refused = cli("audit", "list", *args)
    assert refused.code == 2 and message in refused.stderr and refused.stderr.count("\n") == 1


def test_audit_verify_passes_then_names_the_edited_row(cli: Any, db: str) -> None:
    _seed_calls(db)
    intact = cli("audit", "verify")
    assert intact.code == 0 and "intact: 4 rows" in intact.stdout
    engine = sa.create_engine(db)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE gateway_audit SET decision = 'allowed' WHERE id = 2")
    engine.dispose()
    broken = cli("audit", "verify")
    assert broken.code == 1
    assert (
        broken.stderr
        == "error: the audit chain is broken at row 2: row 2 was altered: its contents do not match its hash\n"
    )
    verdict = cli("audit", "verify", "--json")
    assert verdict.code == 1 and verdict.json() == {
        "ok": False, "rows": 1, "first_bad_id": 2, "problem": "row 2 was altered: its contents do not match its hash"
    }  # fmt: skip


def test_audit_verify_names_the_row_after_a_removed_one(cli: Any, db: str) -> None:
    _seed_calls(db)
    engine = sa.create_engine(db)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM gateway_audit WHERE id = 2")
    engine.dispose()
    broken = cli("audit", "verify")
    assert broken.code == 1 and "broken at row 3: row 3 does not follow row 1" in broken.stderr


def test_the_database_comes_from_sage_gateway_db(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAGE_GATEWAY_DB", db)
    runner = CliRunner()
    assert runner.invoke(app, ["agents", "add", "bookkeeper"]).exit_code == 0
    with GatewayStore.open(db) as store:
        assert [a.name for a in store.list_agents()] == ["bookkeeper"]


def test_an_unreachable_database_is_one_line_without_its_password(cli: Any) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["agents", "list", "--db", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: cannot open the gateway database postgresql+psycopg://***@127.0.0.1:1/x"
    )
    assert "hunter2" not in result.stderr and result.stderr.count("\n") == 1
    bad = runner.invoke(app, ["agents", "list", "--db", "nonsense"])
    assert bad.exit_code == 2 and "is not a database URL" in bad.stderr


def test_help_does_not_load_the_database_layer() -> None:
    code = (
        "import sys\n"
        "from sage_accounting.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "try:\n    app(['agents', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED' if 'sqlalchemy' in sys.modules or 'alembic' in sys.modules else 'LAZY')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("LAZY"), out.stdout[-300:] + out.stderr


def _held_contact(db: str, **hold: Any) -> str:
    """A create-contact call of an agent whose every write waits for approval, held by the gateway."""
    import asyncio

    from sage_accounting.emulator import Emulator
    from sage_accounting.gateway.executor import Gateway

    from .mcp_helpers import emulator_factory

    with GatewayStore.open(db) as store:
        store.add_agent("clerk")
        agent = store.grant("clerk", {"contacts": "full"}, approve_writes=True)
        if hold:  # a hand-made approval (e.g. one that has already expired)
            return store.hold(agent, tool="sage_create_contact", action_key="createContact", business_id=None,
                              arguments={"name": "Held Ltd", "contact_type_ids": ["CUSTOMER"]}, request={},
                              sentence="clerk asked to create a contact — held for approval", **hold).id  # fmt: skip
        gateway = Gateway(store, emulator_factory(Emulator()))
        outcome = asyncio.run(
            gateway.call(agent, "sage_create_contact", {"name": "Held Ltd", "contact_type_ids": ["CUSTOMER"]})
        )
        assert outcome.structured is not None and outcome.structured["status"] == "held"
        return str(outcome.structured["approval_id"])


def test_approve_carries_the_held_call_out_once(cli: Any, db: str) -> None:
    from sage_accounting.cli import _state

    approval_id = _held_contact(db)
    approved = cli("approvals", "approve", approval_id, "--emulator", "--json")
    assert approved.code == 0, approved.stderr
    data = approved.json()
    assert (
        data["ok"] is True and data["status"] == "approved" and data["result"]["record"]["name"] == "Held Ltd"
    )
    posts = [
        e
        for e in _state.runtime().emulator.request_log.entries()
        if e.method == "POST" and e.path.endswith("/contacts")
    ]
    assert len(posts) == 1
    again = cli("approvals", "approve", approval_id, "--emulator")
    assert again.code == 1 and f"approval {approval_id} is approved by" in again.stderr
    posts = [
        e
        for e in _state.runtime().emulator.request_log.entries()
        if e.method == "POST" and e.path.endswith("/contacts")
    ]
    assert posts == []  # the second invocation sent nothing
    decisions = [r["decision"] for r in cli("audit", "list", "--agent", "clerk", "--json").json()]
    assert decisions[:2] == ["approved", "held"]


def test_approve_refuses_expired_and_unknown_approvals_before_connecting(cli: Any, db: str) -> None:
    from datetime import timedelta

    approval_id = _held_contact(db, ttl=timedelta(seconds=-1))
    expired = cli(
        "approvals", "approve", approval_id
    )  # no profile, no --emulator: nothing may be sent anyway
    assert expired.code == 1 and f"approval {approval_id} is expired" in expired.stderr
    unknown = cli("approvals", "approve", "nope")
    assert unknown.code == 4 and "no approval 'nope'" in unknown.stderr
    assert cli("approvals", "list", "--status", "expired", "--json").json()[0]["id"] == approval_id
