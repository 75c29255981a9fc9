"""The policy over the real action registry: deny by default; an action is allowed when the agent's level
in one of its areas is high enough, exactly as Sage's role rules (seed 004) say — checked for every action
and every level of every area, so a new action cannot slip through ungoverned; then the agent's
businesses; then for writes, approval of every write or of writes over the agent's max amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sage_accounting.actions import ALL_AREAS, AREA_LABELS, AREAS, LEVELS, registry
from sage_accounting.gateway._types import Agent
from sage_accounting.gateway.policy import decide, visible

# Sage's role rules, written out here independently of the registry's declarations: for each noun, the
# areas whose Read (or better) lets an agent read it, and the areas whose Full lets it write.  Reference
# lists, the businesses and the user are readable with Read in any area; rawRequest needs its own grant.
CONTACTS_SALES_PURCHASES = ("contacts", "sales", "purchases")
PRODUCTS_SALES_PURCHASES = ("products", "sales", "purchases")
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "contact": (CONTACTS_SALES_PURCHASES, ("contacts",)),
    "contact person": (CONTACTS_SALES_PURCHASES, ("contacts",)),
    "sales invoice": (("sales",), ("sales",)),
    "sales credit note": (("sales",), ("sales",)),
    "purchase invoice": (("purchases",), ("purchases",)),
    "purchase credit note": (("purchases",), ("purchases",)),
    "contact payment": (("bank",), ("bank",)),
    "bank account": (("bank",), ("bank",)),
    "ledger account": (AREAS, ("settings",)),
    "product": (PRODUCTS_SALES_PURCHASES, ("products",)),
    "service": (PRODUCTS_SALES_PURCHASES, ("products",)),
    "tax rate": (("sales", "purchases", "bank", "settings"), ("settings",)),
    "journal": (("journals",), ("journals",)),
    "business": (AREAS, ("settings",)),
    "user": (AREAS, ("settings",)),
    "raw request": ((), ("raw",)),
}
REFERENCE = {
    "address type", "artefact status", "bank account type", "contact person type", "contact type", "country",
    "currency", "ledger account type", "payment method", "transaction type",
}  # fmt: skip
_RANK = {"off": 0, "read": 1, "full": 2}
ACTIONS = sorted(registry.values(), key=lambda a: a.tool_name)


def expected(action: Any) -> tuple[str, tuple[str, ...]]:
    """The level and areas Sage's rules ask for ``action`` (fails for an action no rule covers)."""
    if action.noun in REFERENCE:
        assert action.read_only, f"{action.tool_name}: reference lists are read-only"
        return "read", AREAS
    assert action.noun in RULES, f"{action.tool_name}: no role rule for {action.noun!r}: add it to RULES"
    read_areas, write_areas = RULES[action.noun]
    return ("read", read_areas) if action.read_only else ("full", write_areas)


def agent(**overrides: Any) -> Agent:
    levels = dict.fromkeys(ALL_AREAS, "off")
    levels.update(overrides.pop("levels", {}))
    return Agent(id=1, name="bookkeeper", description=None, levels=levels, **overrides)


def tool(name: str) -> Any:
    return registry.by_tool_name(name)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.tool_name)
def test_the_whole_policy_matrix(action: Any) -> None:
    """Every action, with each area alone at each level: listed and allowed exactly when the rules say."""
    level, areas = expected(action)
    for area in ALL_AREAS:
        for granted in LEVELS:
            who = agent(levels={area: granted})
            allowed = area in areas and _RANK[granted] >= _RANK[level]
            decision = decide(who, action, "B1", None)
            assert visible(who, action) is allowed, (area, granted)
            assert decision.outcome == ("allow" if allowed else "deny"), (area, granted, decision)
            if allowed:
                assert decision.reason == f"{AREA_LABELS[area]}: {granted.capitalize()}"
            else:
                assert decision.reason.startswith(f"{action.tool_name} needs ") and decision.rule == "access"
                named = decision.reason.removeprefix(f"{action.tool_name} needs ")
                assert level.capitalize() in named
                if len(areas) < len(AREAS):
                    assert all(AREA_LABELS[a] in named for a in areas), named


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.tool_name)
def test_a_new_agent_may_use_nothing_and_full_everywhere_but_raw_everything_but_raw(action: Any) -> None:
    assert not visible(agent(), action) and decide(agent(), action, "B1", None).outcome == "deny"
    everything = agent(levels=dict.fromkeys(AREAS, "full"))
    assert visible(everything, action) is (action.tool_name != "sage_raw_request")


def test_the_refusal_names_the_tool_area_and_level() -> None:
    reader = agent(levels={"contacts": "read"})
    decision = decide(reader, tool("sage_create_contact"), "B1", None)
    assert decision.outcome == "deny" and decision.reason == "sage_create_contact needs Contacts: Full"
    assert decide(agent(), tool("sage_list_contacts"), None, None).reason == (
        "sage_list_contacts needs Read in Contacts, Sales or Purchases"
    )


def test_the_issues_example_agent() -> None:
    """contacts=read sales=full: contact reads and sales tools; nothing of bank, purchases, journals,
    settings writes or raw."""
    who = agent(levels={"contacts": "read", "sales": "full"})
    shown = {a.tool_name for a in ACTIONS if visible(who, a)}
    assert {
        "sage_list_contacts",
        "sage_get_contact",
        "sage_create_sales_invoice",
        "sage_void_sales_invoice",
    } <= shown
    own_area = {n for n in shown if not n.endswith("_types")}  # reference lists are readable with any Read
    assert not {
        n for n in own_area if any(w in n for w in ("bank", "purchase", "journal", "raw", "contact_payment"))
    }
    assert not {n for n in shown if n.startswith(("sage_create_", "sage_update_", "sage_delete_"))
                and "sales" not in n}  # fmt: skip
    assert "sage_create_contact" not in shown


def test_a_grant_that_allows_is_the_one_named() -> None:
    seller = agent(levels={"sales": "full", "contacts": "read"})
    decision = decide(seller, tool("sage_list_contacts"), "B1", None)
    assert decision.outcome == "allow" and decision.reason == "Sales: Full"


def test_an_agent_limited_to_businesses_is_refused_the_others() -> None:
    limited = agent(levels={"sales": "full"}, businesses=("B1",))
    create = tool("sage_create_sales_invoice")
    assert decide(limited, create, "B1", None).outcome == "allow"
    decision = decide(limited, create, "B2", None)
    assert decision.outcome == "deny" and decision.rule == "business"
    assert decision.reason == "bookkeeper may not act in business B2 (only B1)"
    assert visible(limited, create)  # still listed: it may use the tool in B1
    assert decide(agent(businesses=("B1",)), create, "B2", None).rule == "access"  # access is checked first


@pytest.mark.parametrize(
    ("amount", "outcome"),
    [(None, "allow"), (Decimal("999.99"), "allow"), (Decimal("1000"), "allow"), (Decimal("1000.01"), "hold")],
)
def test_writes_over_the_max_amount_wait_for_approval(amount: Decimal | None, outcome: str) -> None:
    capped = agent(levels={"sales": "full"}, max_amount=Decimal("1000"))
    decision = decide(capped, tool("sage_create_sales_invoice"), "B1", amount)
    assert decision.outcome == outcome
    if outcome == "hold":
        assert decision.rule == "max_amount"
        assert decision.reason == "total 1,000.01 is over bookkeeper's limit of 1,000.00; Sales: Full"


def test_the_amount_comes_from_the_action() -> None:
    capped = agent(levels={"sales": "full"}, max_amount=Decimal("100"))
    create = tool("sage_create_sales_invoice")
    inputs = create.validate_args({
        "contact_id": "c1", "date": "2026-11-29",
        "invoice_lines": [{"description": "Work", "ledger_account_id": "L1", "quantity": 3, "unit_price": "50",
                           "tax_rate_id": "GB_ZERO"}],
    })  # fmt: skip
    assert decide(capped, create, "B1", create.amount(inputs)).outcome == "hold"


def test_approve_writes_holds_every_write_but_no_read() -> None:
    careful = agent(levels={"sales": "full", "contacts": "full"}, approve_writes=True)
    for name in ("sage_create_contact", "sage_delete_contact", "sage_void_sales_invoice"):
        decision = decide(careful, tool(name), "B1", None)
        assert decision.outcome == "hold" and decision.rule == "approve_writes"
    assert decide(careful, tool("sage_list_contacts"), "B1", None).outcome == "allow"


def test_reads_are_never_held_by_the_amount() -> None:
    capped = agent(levels={"contacts": "read"}, max_amount=Decimal("0"))
    assert decide(capped, tool("sage_list_contacts"), "B1", Decimal("5")).outcome == "allow"
