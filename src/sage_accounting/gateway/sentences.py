"""The audit's plain-English sentences, e.g. "bookkeeper created sales invoice SI-162 for Acme Ltd, total
1,080.00 GBP, in Demo Trading Ltd — allowed (Sales: Full)".

:func:`call_sentence` takes the facts as plain values (so it works for any action); :func:`sentence`
takes them from an action's ``verb`` and ``noun``; :func:`record_facts` picks the record's id, name,
counterparty, total and currency out of Sage's answer.  A sentence is one line: control characters and
line breaks in the data are removed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ._areas import AREA_LABELS, level_label

__all__ = [
    "RecordFacts",
    "admin_sentence",
    "call_sentence",
    "grant_changes",
    "grant_sentence",
    "money",
    "plural",
    "record_facts",
    "rejection_sentence",
    "sentence",
]

_PAST = {
    "list": "listed",
    "get": "read",
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "void": "voided",
    "release": "released",
    "request": "sent",
}
_OUTCOME = {
    "allowed": "allowed",
    "denied": "denied",
    "held": "held for approval",
    "approved": "approved",
    "rejected": "rejected",
    "invalid": "invalid",
    "failed": "failed",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")


def _clean(text: Any) -> str:
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def plural(noun: str) -> str:
    """``contact`` -> ``contacts``, ``address`` -> ``addresses``, ``country`` -> ``countries``."""
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def money(amount: Decimal | str | float | int, currency: str | None = None) -> str:
    """``1080`` -> ``1,080.00`` (with the currency after it when given: ``1,080.00 GBP``)."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return _clean(f"{amount} {currency or ''}")
    text = f"{value:,.2f}"
    return f"{text} {currency}" if currency else text


def call_sentence(
    agent: str,
    verb: str,
    noun: str,
    decision: str,
    *,
    reason: str | None = None,
    record: str | None = None,
    counterparty: str | None = None,
    total: Decimal | str | float | None = None,
    currency: str | None = None,
    business: str | None = None,
    count: int | None = None,
) -> str:
    """One call as a sentence.

    A call that ran (``allowed`` / ``approved``) says what was done ("bookkeeper created sales invoice
    SI-162 for Acme Ltd, total 1,080.00 GBP, in Demo Trading Ltd — allowed (Sales: Full)"; a list: "listed
    12 contacts"); one that did not says what was tried ("bookkeeper tried to create a contact in Demo
    Trading Ltd — denied (sage_create_contact needs Contacts: Full)"; held: "asked to …").
    """
    done = decision in ("allowed", "approved")
    if verb == "list":
        what = (
            f"{count} {plural(noun) if count != 1 else noun}" if done and count is not None else plural(noun)
        )
    elif record:
        what = f"{noun} {record}"
    else:
        what = f"{_article(noun)} {noun}" if not done or verb in ("create", "request") else noun
    if done:
        action = f"{_PAST.get(verb, verb)} {what}"
    else:
        lead = "asked to" if decision == "held" else "tried to"
        action = f"{lead} {verb if verb != 'request' else 'send'} {what}"
    parts = [f"{agent} {action}"]
    if counterparty:
        parts[0] += f" for {counterparty}"
    if total is not None:
        parts.append(f"total {money(total, currency)}")
    tail = ", ".join(parts)
    if business:
        tail += f", in {business}" if total is not None else f" in {business}"
    outcome = _OUTCOME.get(decision, decision)
    if reason:
        outcome += f" ({reason})"
    return _clean(f"{tail} — {outcome}")


def sentence(
    agent_name: str,
    action: Any,
    decision: str,
    *,
    reason: str | None = None,
    record: str | None = None,
    counterparty: str | None = None,
    total: Decimal | str | float | None = None,
    currency: str | None = None,
    business: str | None = None,
    count: int | None = None,
) -> str:
    """:func:`call_sentence` for a registry ``action`` (its ``verb`` and ``noun``)."""
    return call_sentence(agent_name, action.verb, action.noun, decision, reason=reason, record=record,
                         counterparty=counterparty, total=total, currency=currency, business=business,
                         count=count)  # fmt: skip


@dataclass(frozen=True)
class RecordFacts:
    """What a sentence and an audit row say about the record a call touched."""

    id: str | None = None
    displayed_as: str | None = None
    counterparty: str | None = None
    total: str | None = None
    currency: str | None = None


def record_facts(result: Any) -> RecordFacts:
    """The id, name (``displayed_as``, else ``reference`` / ``name``), counterparty (``contact``), total
    (``total_amount``) and currency of a Sage record; empty facts for anything else."""
    if not isinstance(result, Mapping):
        return RecordFacts()
    contact = result.get("contact")
    currency = result.get("currency")
    shown = result.get("displayed_as") or result.get("reference") or result.get("name")
    total = result.get("total_amount")
    return RecordFacts(
        id=str(result["id"]) if result.get("id") is not None else None,
        displayed_as=_clean(shown) if shown else None,
        counterparty=_clean(contact.get("displayed_as") or contact.get("name") or "") or None
        if isinstance(contact, Mapping)
        else None,
        total=str(total) if total is not None else None,
        currency=str(currency.get("id")) if isinstance(currency, Mapping) and currency.get("id") else None,
    )


def grant_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """The areas whose level changed, as ``(area, old, new)``, in the order of the areas."""
    order = {a: i for i, a in enumerate(AREA_LABELS)}
    changed = [(a, before.get(a, "off"), lvl) for a, lvl in after.items() if before.get(a, "off") != lvl]
    return sorted(changed, key=lambda c: order.get(c[0], len(order)))


def grant_sentence(
    by: str, agent: str, changes: Sequence[tuple[str, str, str]], extra: Sequence[str] = ()
) -> str:
    """``admin set bookkeeper: Sales Off → Full, Contacts Off → Read`` (``extra``: other changes, e.g.
    ``max amount none → 1,000.00``); ``… : nothing changed`` when there is none."""
    items = [f"{AREA_LABELS.get(a, a)} {level_label(o)} → {level_label(n)}" for a, o, n in changes]
    items.extend(extra)
    return _clean(f"{by} set {agent}: {', '.join(items) if items else 'nothing changed'}")


def admin_sentence(by: str, what: str, agent: str) -> str:
    """``admin added agent bookkeeper`` and the like (``what``: added, removed, rotated the key of)."""
    return _clean(f"{by} {what} agent {agent}")


def rejection_sentence(by: str, approval_id: str, agent: str, tool: str, reason: str | None) -> str:
    """``alice rejected bookkeeper's held call sage_create_sales_invoice (approval 3f9c…) — rejected (…)``."""
    why = reason or "no reason given"
    return _clean(f"{by} rejected {agent}'s held call {tool} (approval {approval_id}) — rejected ({why})")
