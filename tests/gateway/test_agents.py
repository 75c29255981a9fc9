"""Agents: created with every area off, named by a key shown once and stored only as its hash, granted
levels area by area, rotated and removed; every change audited as a sentence."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
import sqlalchemy as sa

from sage_accounting.gateway._areas import ALL_AREAS
from sage_accounting.gateway._types import AgentExistsError, GatewayInputError, UnknownAgentError
from sage_accounting.gateway.store import GatewayStore


def test_a_new_agent_has_every_area_off_and_a_256_bit_key(store: GatewayStore) -> None:
    agent, key = store.add_agent("bookkeeper", "keeps the books")
    assert agent.name == "bookkeeper" and agent.description == "keeps the books"
    assert agent.levels == dict.fromkeys(ALL_AREAS, "off")
    assert agent.businesses == () and agent.max_amount is None and agent.approve_writes is False
    assert key.startswith("sga_") and len(key) >= 4 + 43  # token_urlsafe(32): 256 random bits
    assert store.agent_by_key(key) == agent
    assert store.get_agent("bookkeeper") == agent


def test_only_the_keys_hash_is_stored(store: GatewayStore) -> None:
    _, key = store.add_agent("bookkeeper")
    with store.engine.connect() as conn:
        dump = "\n".join(str(tuple(r)) for table in ("gateway_agents", "gateway_audit")
                         for r in conn.execute(sa.text(f"SELECT * FROM {table}")))  # fmt: skip
    assert key not in dump
    assert hashlib.sha256(key.encode()).hexdigest() in dump


def test_unknown_and_malformed_keys_name_no_agent(store: GatewayStore) -> None:
    _, key = store.add_agent("bookkeeper")
    assert store.agent_by_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert store.agent_by_key("") is None
    assert store.agent_by_key(None) is None
    assert store.agent_by_key(key.removeprefix("sga_")) is None


def test_rotating_the_key_retires_the_old_one(store: GatewayStore) -> None:
    agent, old = store.add_agent("bookkeeper")
    new = store.rotate_key("bookkeeper")
    assert new != old and new.startswith("sga_")
    assert store.agent_by_key(old) is None
    assert store.agent_by_key(new) == agent


def test_a_removed_agents_key_stops_working_and_its_name_is_free(store: GatewayStore) -> None:
    _, key = store.add_agent("bookkeeper")
    store.grant("bookkeeper", {"sales": "full"})
    store.remove_agent("bookkeeper")
    assert store.agent_by_key(key) is None
    with pytest.raises(UnknownAgentError, match="no agent named 'bookkeeper'"):
        store.get_agent("bookkeeper")
    again, _ = store.add_agent("bookkeeper")
    assert again.levels["sales"] == "off"  # the old grants went with the old agent


def test_names_are_unique_and_checked(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    with pytest.raises(AgentExistsError, match="'bookkeeper' exists already"):
        store.add_agent("bookkeeper")
    for bad in ("", "has space", "-dash-first", "x" * 65, "semi;colon"):
        with pytest.raises(GatewayInputError, match="agent name"):
            store.add_agent(bad)
    assert [a.name for a in store.list_agents()] == ["bookkeeper"]


def test_grant_changes_only_the_areas_given_and_records_a_sentence(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    store.grant("bookkeeper", {"sales": "full", "contacts": "read"})
    agent = store.grant("bookkeeper", {"Contacts": "FULL"}, by="alice")
    assert agent.levels["sales"] == "full" and agent.levels["contacts"] == "full"
    assert agent.levels["bank"] == "off"
    newest = store.list_audit(agent="bookkeeper", limit=2)
    assert newest[0].sentence == "alice set bookkeeper: Contacts Read → Full"
    assert newest[1].sentence == "admin set bookkeeper: Contacts Off → Read, Sales Off → Full"
    assert newest[0].tool == "agents grant" and newest[0].reason == "by alice"


def test_grant_businesses_amount_and_approvals(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    agent = store.grant("bookkeeper", businesses=["B1", "B2"], max_amount="1000.50", approve_writes=True)
    assert agent.businesses == ("B1", "B2")
    assert agent.max_amount == Decimal("1000.50")
    assert agent.approve_writes is True
    assert store.list_audit(limit=1)[0].sentence == (
        "admin set bookkeeper: businesses any → B1, B2, max amount none → 1,000.50, approve writes off → on"
    )
    agent = store.grant("bookkeeper", businesses=[], max_amount=None, approve_writes=False)
    assert agent.businesses == () and agent.max_amount is None and agent.approve_writes is False
    agent = store.grant("bookkeeper", {"bank": "read"})  # leaves the other settings alone
    assert agent.max_amount is None and agent.levels["bank"] == "read"


@pytest.mark.parametrize(
    ("levels", "amount", "message"),
    [
        ({"salez": "full"}, None, "unknown area 'salez'"),
        ({"sales": "write"}, None, "unknown level 'write' for sales"),
        ({}, "lots", "max amount 'lots' is not a number"),
        ({}, "-5", "must be a finite amount of zero or more"),
        ({}, "NaN", "must be a finite amount"),
    ],
)
def test_bad_grants_are_refused_and_change_nothing(
    store: GatewayStore, levels: dict[str, str], amount: str | None, message: str
) -> None:
    store.add_agent("bookkeeper")
    before = store.get_agent("bookkeeper")
    kwargs = {"max_amount": amount} if amount is not None else {}
    with pytest.raises(GatewayInputError, match=message):
        store.grant("bookkeeper", levels, **kwargs)  # type: ignore[arg-type]
    assert store.get_agent("bookkeeper") == before


def test_granting_an_unknown_agent_names_it(store: GatewayStore) -> None:
    with pytest.raises(UnknownAgentError, match="no agent named 'ghost'"):
        store.grant("ghost", {"sales": "read"})


def test_every_change_to_an_agent_is_audited(store: GatewayStore) -> None:
    store.add_agent("bookkeeper")
    store.rotate_key("bookkeeper", by="alice")
    store.remove_agent("bookkeeper", by="alice")
    sentences = [r.sentence for r in reversed(store.list_audit(agent="bookkeeper"))]
    assert sentences == [
        "admin added agent bookkeeper",
        "alice rotated the key of agent bookkeeper",
        "alice removed agent bookkeeper",
    ]
    assert store.verify_audit().ok
