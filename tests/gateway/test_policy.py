"""The policy: deny by default, an action allowed when the agent's level in one of its areas is high
enough; then the agent's businesses; then for writes, approval of every write or of writes over the
agent's max amount.  The reason names the area and level."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from sage_accounting.gateway._areas import ALL_AREAS, AREA_LABELS
from sage_accounting.gateway._types import Agent
from sage_accounting.gateway.policy import decide, visible

_RANK = {"off": 0, "read": 1, "full": 2}


@dataclass(frozen=True)
class StandInAccess:
    """The registry's ``Access`` as the contract describes it (until the registry declares it)."""

    level: str
    areas: tuple[str, ...]

    def allows(self, grants: dict[str, str]) -> bool:
        return any(_RANK[grants.get(a, "off")] >= _RANK[self.level] for a in self.areas)

    def describe(self) -> str:
        if len(self.areas) == 1:
            return f"{AREA_LABELS[self.areas[0]]}: {self.level.capitalize()}"
        names = [AREA_LABELS[a] for a in self.areas]
        return f"{self.level.capitalize()} in {', '.join(names[:-1])} or {names[-1]}"


@dataclass(frozen=True)
class StandInAction:
    tool_name: str
    access: StandInAccess
    read_only: bool


CREATE_CONTACT = StandInAction("sage_create_contact", StandInAccess("full", ("contacts",)), False)
LIST_CONTACTS = StandInAction(
    "sage_list_contacts", StandInAccess("read", ("contacts", "sales", "purchases")), True
)
CREATE_INVOICE = StandInAction("sage_create_sales_invoice", StandInAccess("full", ("sales",)), False)
RAW = StandInAction("sage_raw_request", StandInAccess("full", ("raw",)), False)


def agent(**overrides: Any) -> Agent:
    levels = dict.fromkeys(ALL_AREAS, "off")
    levels.update(overrides.pop("levels", {}))
    return Agent(id=1, name="bookkeeper", description=None, levels=levels, **overrides)


def test_a_new_agent_may_do_nothing() -> None:
    nobody = agent()
    for action in (CREATE_CONTACT, LIST_CONTACTS, CREATE_INVOICE, RAW):
        assert not visible(nobody, action)
        assert decide(nobody, action, "B1", None).outcome == "deny"


def test_the_refusal_names_the_tool_area_and_level() -> None:
    reader = agent(levels={"contacts": "read"})
    decision = decide(reader, CREATE_CONTACT, "B1", None)
    assert decision.outcome == "deny" and decision.rule == "access"
    assert decision.reason == "sage_create_contact needs Contacts: Full"
    assert decide(agent(), LIST_CONTACTS, None, None).reason == (
        "sage_list_contacts needs Read in Contacts, Sales or Purchases"
    )


def test_read_in_any_listed_area_is_enough_and_the_reason_names_it() -> None:
    seller = agent(levels={"sales": "full"})
    assert visible(seller, LIST_CONTACTS)
    decision = decide(seller, LIST_CONTACTS, "B1", None)
    assert decision.outcome == "allow" and decision.reason == "Sales: Full"


def test_raw_requests_need_their_own_grant() -> None:
    everything = agent(levels=dict.fromkeys(ALL_AREAS[:-1], "full"))
    assert not visible(everything, RAW)
    assert decide(agent(levels={"raw": "full"}), RAW, "B1", None).outcome == "allow"


def test_an_agent_limited_to_businesses_is_refused_the_others() -> None:
    limited = agent(levels={"sales": "full"}, businesses=("B1",))
    assert decide(limited, CREATE_INVOICE, "B1", None).outcome == "allow"
    decision = decide(limited, CREATE_INVOICE, "B2", None)
    assert decision.outcome == "deny" and decision.rule == "business"
    assert decision.reason == "bookkeeper may not act in business B2 (only B1)"
    assert visible(limited, CREATE_INVOICE)  # still listed: it may use the tool in B1


def test_access_is_checked_before_the_business() -> None:
    limited = agent(businesses=("B1",))
    assert decide(limited, CREATE_INVOICE, "B2", None).rule == "access"


@pytest.mark.parametrize(
    ("amount", "outcome"),
    [(None, "allow"), (Decimal("999.99"), "allow"), (Decimal("1000"), "allow"), (Decimal("1000.01"), "hold")],
)
def test_writes_over_the_max_amount_wait_for_approval(amount: Decimal | None, outcome: str) -> None:
    capped = agent(levels={"sales": "full"}, max_amount=Decimal("1000"))
    decision = decide(capped, CREATE_INVOICE, "B1", amount)
    assert decision.outcome == outcome
    if outcome == "hold":
        assert decision.rule == "max_amount"
        assert decision.reason == "total 1,000.01 is over bookkeeper's limit of 1,000.00; Sales: Full"


def test_approve_writes_holds_every_write_but_no_read() -> None:
    careful = agent(levels={"sales": "full", "contacts": "full"}, approve_writes=True)
    assert decide(careful, CREATE_CONTACT, "B1", None).outcome == "hold"
    assert decide(careful, CREATE_CONTACT, "B1", None).rule == "approve_writes"
    assert decide(careful, LIST_CONTACTS, "B1", None).outcome == "allow"


def test_reads_are_never_held_by_the_amount() -> None:
    capped = agent(levels={"contacts": "read"}, max_amount=Decimal("0"))
    assert decide(capped, LIST_CONTACTS, "B1", Decimal("5")).outcome == "allow"
