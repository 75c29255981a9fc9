"""From one tool call's facts to its audit row, its plain-English sentence and its one-line answer.

The sentence itself is :mod:`.sentences`'; this module gathers what it needs (the record touched, the
business's name, the rule that allowed or refused the call) and redacts the arguments.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import sentences
from ._types import AuditEntry, redact

if TYPE_CHECKING:
    from .executor import Gateway, _Call

__all__ = ["entry", "redact", "sentence", "summary"]

_PAST = {"list": "listed", "get": "read", "create": "created", "update": "updated", "delete": "deleted",
         "void": "voided", "release": "released", "request": "sent"}  # fmt: skip


def _area(call: _Call) -> str | None:
    if call.spec is None:
        return None
    areas = call.spec.action.access.areas
    return areas[0] if len(areas) == 1 else ",".join(areas)


def sentence(gateway: Gateway, call: _Call, decision: str, reason: str) -> str:
    """The call as one sentence: who, what, which record, where, and the decision with its reason."""
    facts = sentences.record_facts(call.record)
    business = gateway.business_name(call.business_id) or call.business_id
    why = reason
    total: Any = facts.total
    if total is None and call.amount is not None and decision not in ("allowed", "approved"):
        total = call.amount
    if call.spec is None:
        return sentences.call_sentence(call.agent.name, "request", call.tool, decision, reason=why,
                                       business=business)  # fmt: skip
    return sentences.call_sentence(
        call.agent.name,
        call.spec.action.verb,
        call.spec.action.noun,
        decision,
        reason=why or None,
        record=facts.displayed_as,
        counterparty=facts.counterparty,
        total=total,
        currency=facts.currency,
        business=business,
        count=call.count,
    )


def entry(gateway: Gateway, call: _Call, decision: str, reason: str, text: str) -> AuditEntry:
    """The audit row of the call."""
    facts = sentences.record_facts(call.record)
    return AuditEntry(
        agent=call.agent.name,
        tool=call.tool,
        decision=decision,
        sentence=text,
        area=_area(call),
        business_id=call.business_id,
        business_name=gateway.business_name(call.business_id),
        reason=reason or None,
        arguments=redact(dict(call.arguments)),
        sage_status=call.sage_status,
        request_id=call.request_id,
        record_id=facts.id,
        record_displayed_as=facts.displayed_as,
        duration_ms=round((time.perf_counter() - call.started) * 1000, 3),
    )


def summary(call: _Call, structured: Mapping[str, Any] | None, *, replay: bool, tail: str | None) -> str:
    """The one-line text answer of a call that went through."""
    spec = call.spec
    noun = spec.action.noun if spec is not None else "record"
    data = structured or {}
    if tail:
        return f"{spec.name if spec else call.tool}: {tail}"
    if "items" in data:
        items = data.get("items") or []
        more = "; more: pass next_cursor as cursor" if data.get("next_cursor") else ""
        return f"{len(items)} {sentences.plural(noun) if len(items) != 1 else noun}{more}"
    if data.get("status") == "dry_run":
        request = data.get("request") or {}
        return f"dry run, nothing sent: would {request.get('method')} {request.get('path')}"
    record = data.get("record")
    facts = sentences.record_facts(record)
    name = facts.displayed_as or facts.id or ""
    verb = spec.action.verb if spec is not None else ""
    head = f"{_PAST.get(verb, 'done')} {noun} {name}".strip()
    if facts.id and facts.displayed_as:
        head += f" (id {facts.id})"
    return head + (" — replayed: same idempotency_key and arguments, nothing written again" if replay else "")
