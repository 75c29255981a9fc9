"""The console's pages: the overview, agents and their matrix, the audit (and its CSV), approvals."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from .._areas import ALL_AREAS, AREA_LABELS, LEVELS
from .._types import DECISIONS, GatewayError, GatewayInputError, UnknownAgentError, UnknownApprovalError
from .app import PREFIX, console_of, field, page
from .auth import Session
from .chart import calls_by_agent, chart

__all__ = ["AUDIT_PAGE", "agent", "agents", "approvals", "approve", "audit", "audit_csv", "deny", "overview",
           "remove_agent", "rotate_key", "verify"]  # fmt: skip

BY = "admin"
AUDIT_PAGE = 50
CSV_COLUMNS = ("id", "time", "agent", "tool", "area", "business_id", "business_name", "decision", "reason",
               "sentence", "arguments", "sage_status", "request_id", "record_id", "record_displayed_as",
               "duration_ms", "prev_hash", "hash")  # fmt: skip
_NOTES = {
    "saved": "Saved. The MCP server enforces it from the next call.",
    "removed": "The agent was removed: its key no longer works.",
    "denied": "The approval was denied: the call will not run.",
    "verified": "The audit chain was checked.",
}
Form = dict[str, list[str]]


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


def _common(request: Request, session: Session, nav: str) -> dict[str, Any]:
    note = _NOTES.get(request.query_params.get("done", ""))
    return {"session": session, "nav": nav, "note": note, "when": _when}


# --- overview -------------------------------------------------------------------------------------


@page
async def overview(request: Request, session: Session, form: Form) -> Response:
    """Calls per agent and decision over the last 24 hours (an SVG chart and the same figures as a table)."""
    console = console_of(request)
    since = datetime.now(UTC) - timedelta(hours=24)
    counts = await console.run(calls_by_agent, console.store.engine, since)
    pending = await console.run(console.store.list_approvals, "pending")
    return console.render("overview.html", **_common(request, session, "overview"), counts=counts,
                          svg=chart(counts), decisions=DECISIONS, pending=len(pending), since=_when(since))  # fmt: skip


# --- agents ---------------------------------------------------------------------------------------


@page
async def agents(request: Request, session: Session, form: Form) -> Response:
    """The agents (GET) and adding one (POST: its key is shown once)."""
    console = console_of(request)
    error = None
    if request.method == "POST":
        name = field(form, "name").strip()
        description = field(form, "description").strip() or None
        try:
            _agent, key = await console.run(console.store.add_agent, name, description, by=BY)
        except GatewayError as exc:
            error = str(exc)
        else:
            return console.render("key.html", **_common(request, session, "agents"), name=name, key=key,
                                  what="added")  # fmt: skip
    listed = await console.run(console.store.list_agents)
    return console.render("agents.html", 400 if error else 200, **_common(request, session, "agents"),
                          agents=listed, areas=ALL_AREAS, labels=AREA_LABELS, error=error)  # fmt: skip


def _matrix_form(form: Form) -> tuple[dict[str, str], list[str], str | None, bool]:
    levels = {}
    for area in ALL_AREAS:
        level = field(form, f"level-{area}", "off")
        if level not in LEVELS:
            raise GatewayInputError(f"{AREA_LABELS[area]}: {level!r} is not one of Off, Read, Full")
        levels[area] = level
    businesses = [b for b in form.get("businesses", []) if b.strip()]
    businesses += [b.strip() for b in field(form, "other_businesses").split(",") if b.strip()]
    amount = field(form, "max_amount").strip() or None
    return levels, businesses, amount, field(form, "approve_writes") == "on"


@page
async def agent(request: Request, session: Session, form: Form) -> Response:
    """One agent's matrix (GET) and saving it (POST, through ``store.grant``: audited)."""
    console = console_of(request)
    name = request.path_params["name"]
    error = None
    if request.method == "POST":
        try:
            levels, businesses, amount, approve_writes = _matrix_form(form)
            await console.run(console.store.grant, name, levels, businesses=businesses, max_amount=amount,
                              approve_writes=approve_writes, by=BY)  # fmt: skip
        except UnknownAgentError as exc:
            return console.render("error.html", 404, **_common(request, session, "agents"), title="No such agent",
                                  message=str(exc))  # fmt: skip
        except GatewayError as exc:
            error = str(exc)
        else:
            return RedirectResponse(f"{PREFIX}/agents/{name}?done=saved", status_code=303)
    try:
        found = await console.run(console.store.get_agent, name)
    except UnknownAgentError as exc:
        return console.render("error.html", 404, **_common(request, session, "agents"), title="No such agent",
                              message=str(exc))  # fmt: skip
    known = await console.businesses()
    known_ids = {b for b, _ in known}
    return console.render("agent.html", 400 if error else 200, **_common(request, session, "agents"),
                          agent=found, areas=ALL_AREAS, labels=AREA_LABELS, levels=LEVELS, businesses=known,
                          other=", ".join(b for b in found.businesses if b not in known_ids), error=error)  # fmt: skip


@page
async def rotate_key(request: Request, session: Session, form: Form) -> Response:
    """Give the agent a new key (shown once); the old one stops working."""
    console = console_of(request)
    name = request.path_params["name"]
    try:
        key = await console.run(console.store.rotate_key, name, by=BY)
    except UnknownAgentError as exc:
        return console.render("error.html", 404, **_common(request, session, "agents"), title="No such agent",
                              message=str(exc))  # fmt: skip
    return console.render(
        "key.html", **_common(request, session, "agents"), name=name, key=key, what="rotated"
    )


@page
async def remove_agent(request: Request, session: Session, form: Form) -> Response:
    """Remove the agent (its pending approvals are denied; the audit stays)."""
    console = console_of(request)
    try:
        await console.run(console.store.remove_agent, request.path_params["name"], by=BY)
    except UnknownAgentError as exc:
        return console.render("error.html", 404, **_common(request, session, "agents"), title="No such agent",
                              message=str(exc))  # fmt: skip
    return RedirectResponse(f"{PREFIX}/agents?done=removed", status_code=303)


# --- audit ----------------------------------------------------------------------------------------


def _time(value: str, name: str) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise GatewayInputError(f"{name} {value!r} is not a date and time (2026-11-29T09:00)") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    decision = q.get("decision", "").strip() or None
    if decision is not None and decision not in DECISIONS:
        raise GatewayInputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    return {
        "agent": q.get("agent", "").strip() or None,
        "decision": decision,
        "business_id": q.get("business", "").strip() or None,
        "since": _time(q.get("since", ""), "From"),
        "until": _time(q.get("until", ""), "Until"),
    }


@page
async def audit(request: Request, session: Session, form: Form) -> Response:
    """The audit, newest first, filtered and keyset paged (``before``: the last id of the previous page)."""
    console = console_of(request)
    q = request.query_params
    error, rows, more = None, [], False
    try:
        filters = _filters(request)
        before = q.get("before", "").strip()
        if before and not before.isdigit():
            raise GatewayInputError(f"before {before!r} is not a row id")
        found = await console.run(console.store.list_audit, **filters, before_id=int(before) if before else None,
                                  limit=AUDIT_PAGE + 1)  # fmt: skip
        rows, more = found[:AUDIT_PAGE], len(found) > AUDIT_PAGE
    except GatewayInputError as exc:
        error = str(exc)
    shown = {k: q.get(k, "") for k in ("agent", "decision", "business", "since", "until")}
    query = urlencode({k: v for k, v in shown.items() if v})
    names = [a.name for a in await console.run(console.store.list_agents)]
    businesses = await console.businesses()
    return console.render(
        "audit.html",
        400 if error else 200,
        **_common(request, session, "audit"),
        rows=rows,
        more=more,
        error=error,
        shown=shown,
        query=query,
        decisions=DECISIONS,
        agent_names=names,
        businesses=businesses,
        verdict=console.verdict,
        verified_at=_when(console.verified_at),
        arguments=_pretty,
    )


def _pretty(arguments: Any) -> str:
    return json.dumps(arguments, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def csv_line(row: dict[str, Any]) -> str:
    """One audit row as a CSV line (arguments as compact JSON), the columns of :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    values = {
        **row,
        "arguments": json.dumps(row["arguments"], sort_keys=True, ensure_ascii=False, default=str),
    }
    csv.writer(out).writerow(["" if values[c] is None else values[c] for c in CSV_COLUMNS])
    return out.getvalue()


@page
async def audit_csv(request: Request, session: Session, form: Form) -> Response:
    """The audit (with the page's filters) as ``text/csv``, newest first, read a thousand rows at a time."""
    console = console_of(request)
    try:
        filters = _filters(request)
    except GatewayInputError as exc:
        return console.render("error.html", 400, **_common(request, session, "audit"), title="Bad filter",
                              message=str(exc))  # fmt: skip

    async def lines() -> AsyncIterator[str]:
        yield ",".join(CSV_COLUMNS) + "\r\n"
        before = None
        while True:
            rows = await console.run(console.store.list_audit, **filters, before_id=before, limit=1000)
            for row in rows:
                yield csv_line(row.as_dict())
            if len(rows) < 1000:
                return
            before = rows[-1].id

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": 'attachment; filename="audit.csv"'})  # fmt: skip


@page
async def verify(request: Request, session: Session, form: Form) -> Response:
    """Check the whole audit chain now (it reads every row); the audit page shows the verdict."""
    console = console_of(request)
    console.verdict = await console.run(console.store.verify_audit)
    console.verified_at = datetime.now(UTC)
    return RedirectResponse(f"{PREFIX}/audit?done=verified", status_code=303)


# --- approvals ------------------------------------------------------------------------------------


@page
async def approvals(request: Request, session: Session, form: Form) -> Response:
    """Pending held calls: what each would do, the exact request, Approve / Deny."""
    console = console_of(request)
    pending = await console.run(console.store.list_approvals, "pending")
    return console.render("approvals.html", **_common(request, session, "approvals"), approvals=pending,
                          pretty=_pretty, can_approve=console.client_factory is not None)  # fmt: skip


@page
async def approve(request: Request, session: Session, form: Form) -> Response:
    """Approve a held call: it is carried out once, and its result shown."""
    from ..executor import acarry_out_approval

    console = console_of(request)
    common = _common(request, session, "approvals")
    if console.client_factory is None:
        return console.render("error.html", 409, **common, title="Cannot approve here",
                              message="This console has no Sage connection to carry the call out on: start it "
                                      "with a profile (or --emulator), or use `sage-accounting approvals "
                                      "approve`.")  # fmt: skip
    try:
        outcome = await acarry_out_approval(console.store, request.path_params["approval_id"], by=BY,
                                            client_factory=console.client_factory)  # fmt: skip
    except UnknownApprovalError as exc:
        return console.render("error.html", 404, **common, title="No such approval", message=str(exc))
    except GatewayError as exc:
        return console.render("error.html", 409, **common, title="Not approved", message=str(exc))
    return console.render("approved.html", **common, outcome=outcome, pretty=_pretty)


@page
async def deny(request: Request, session: Session, form: Form) -> Response:
    """Deny a held call with a reason: it never runs; the denial is audited."""
    console = console_of(request)
    reason = field(form, "reason").strip() or None
    try:
        await console.run(
            console.store.decide_approval, request.path_params["approval_id"], False, BY, reason
        )
    except UnknownApprovalError as exc:
        return console.render("error.html", 404, **_common(request, session, "approvals"),
                              title="No such approval", message=str(exc))  # fmt: skip
    except GatewayError as exc:
        return console.render("error.html", 409, **_common(request, session, "approvals"), title="Not denied",
                              message=str(exc))  # fmt: skip
    return RedirectResponse(f"{PREFIX}/approvals?done=denied", status_code=303)
