"""``agents``, ``approvals`` and ``audit``: the agent gateway's governance from the command line.

Every command takes ``--db URL`` (default ``$SAGE_GATEWAY_DB``, else a SQLite file in the XDG data
directory).  The gateway's modules (and SQLAlchemy) are imported only when one of these commands runs.
An agent's key is printed once, by ``agents add`` and ``agents rotate-key``, on stdout alone (the notes
go to stderr), so ``KEY=$(sage-accounting agents add bot)`` keeps it out of the terminal.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ._errors import CliError, ExitCode, register_secret
from ._gateway_common import DbOpt, acting_user, gateway_command, open_store, parse_time
from ._gateway_common import _db_shown as _db_shown  # mcp serve reports database errors the same way
from ._gateway_common import _first_line as _first_line
from ._output import emit, err_console, out_console, plain, to_json
from ._state import command, runtime

if TYPE_CHECKING:
    from ..gateway._types import Agent, Approval

__all__ = ["agents_app", "approvals_app", "audit_app"]

agents_app = typer.Typer(
    help="AI agents of the gateway: their keys and what each may do, area by area (every area off until granted).",
    no_args_is_help=True,
)
approvals_app = typer.Typer(
    help="Writes held for a human's approval: list, approve, deny.", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The gateway's audit: one row per tool call, hash-chained.", no_args_is_help=True
)

# --- agents -------------------------------------------------------------------------------------------


def _agent_data(agent: Agent) -> dict[str, Any]:
    return {
        "name": agent.name,
        "description": agent.description,
        "levels": dict(agent.levels),
        "businesses": list(agent.businesses),
        "max_amount": None if agent.max_amount is None else str(agent.max_amount),
        "approve_writes": agent.approve_writes,
        "created_at": agent.created_at.isoformat() if agent.created_at else None,
    }


def _granted(agent: Agent) -> str:
    shown = [f"{area}={level}" for area, level in agent.levels.items() if level != "off"]
    return " ".join(shown) or "nothing (every area off)"


def _print_key(name: str, key: str, what: str) -> None:
    register_secret(key)  # from here on, any error or debug line shows it as ***
    rt = runtime()
    if rt.output in ("json", "ndjson"):
        emit({"name": name, "key": key}, rt.output)
        return
    err_console().print(
        plain(
            f"{what} Its key, shown only this once (give it to the agent as SAGE_AGENT_KEY or its Bearer token):"
        )
    )
    typer.echo(key)


@gateway_command(agents_app, "add")
def add(
    name: Annotated[str, typer.Argument(help="The agent's name (letters, digits, '_', '.', '-').")],
    description: Annotated[str | None, typer.Option(help="What the agent is for.")] = None,
    db: DbOpt = None,
) -> None:
    """Create an agent (every area off) and print its key, once."""
    with open_store(db) as store:
        agent, key = store.add_agent(name, description, by=acting_user())
    _print_key(agent.name, key, f"Agent {agent.name} added; every area is off until granted (agents grant).")


@gateway_command(agents_app, "list")
def list_agents(db: DbOpt = None) -> None:
    """List the agents and what each is granted."""
    with open_store(db) as store:
        agents = store.list_agents()
    rt = runtime()
    if rt.output != "table":
        emit([_agent_data(a) for a in agents], rt.output)
        return
    if not agents:
        err_console().print("No agents yet: add one with `sage-accounting agents add NAME`.")
        return
    table = Table(title=f"Agents ({len(agents)})")
    for column in ("name", "granted", "businesses", "max amount", "approve writes", "description"):
        table.add_column(column, overflow="fold")
    for a in agents:
        table.add_row(plain(a.name), plain(_granted(a)), plain(", ".join(a.businesses) or "any"),
                      plain(a.max_amount if a.max_amount is not None else "none"),
                      "yes" if a.approve_writes else "no", plain(a.description or ""))  # fmt: skip
    out_console().print(table)


def _show(agent: Agent) -> None:
    from ..gateway._areas import AREA_LABELS

    rt = runtime()
    if rt.output != "table":
        emit(_agent_data(agent), rt.output)
        return
    table = Table(title=plain(f"Agent {agent.name}"))
    table.add_column("area")
    table.add_column("level")
    for area, level in agent.levels.items():
        table.add_row(plain(f"{area} ({AREA_LABELS.get(area, area)})"), level)
    table.add_row("businesses", plain(", ".join(agent.businesses) or "any"))
    table.add_row("max amount", plain(agent.max_amount if agent.max_amount is not None else "none"))
    table.add_row("approve writes", "yes" if agent.approve_writes else "no")
    if agent.description:
        table.add_row("description", plain(agent.description))
    out_console().print(table)


@gateway_command(agents_app, "show")
def show(name: Annotated[str, typer.Argument(help="The agent's name.")], db: DbOpt = None) -> None:
    """Show an agent's level in every area, its businesses, max amount and approvals."""
    with open_store(db) as store:
        _show(store.get_agent(name))


@gateway_command(agents_app, "rotate-key")
def rotate_key(name: Annotated[str, typer.Argument(help="The agent's name.")], db: DbOpt = None) -> None:
    """Give an agent a new key (printed once); the old key stops working at once."""
    with open_store(db) as store:
        key = store.rotate_key(name, by=acting_user())
    _print_key(name, key, f"Agent {name} has a new key; the old one no longer works.")


@gateway_command(agents_app, "remove")
def remove(name: Annotated[str, typer.Argument(help="The agent's name.")], db: DbOpt = None) -> None:
    """Remove an agent: its key stops working and its pending approvals are denied (the audit stays)."""
    with open_store(db) as store:
        store.remove_agent(name, by=acting_user())
    err_console().print(plain(f"Agent {name} removed."))


_SPEC = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*([A-Za-z]+)\s*$")


def _parse_specs(specs: list[str]) -> dict[str, str]:
    from ..gateway._areas import ALL_AREAS, LEVELS

    levels: dict[str, str] = {}
    for spec in specs:
        match = _SPEC.match(spec)
        if not match:
            raise CliError(f"{spec!r} is not AREA=LEVEL (e.g. sales=full)", ExitCode.USAGE)
        area, level = match.group(1).lower(), match.group(2).lower()
        if area not in ALL_AREAS:
            raise CliError(f"unknown area {match.group(1)!r} in {spec!r}: the areas are {', '.join(ALL_AREAS)}",
                           ExitCode.USAGE)  # fmt: skip
        if level not in LEVELS:
            raise CliError(f"unknown level {match.group(2)!r} in {spec!r}: the levels are {', '.join(LEVELS)}",
                           ExitCode.USAGE)  # fmt: skip
        levels[area] = level
    return levels


@gateway_command(agents_app, "grant")
def grant(
    name: Annotated[str, typer.Argument(help="The agent's name.")],
    specs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="AREA=LEVEL...",
            show_default=False,
            help="Areas: contacts, sales, purchases, bank, products, settings, journals, raw; "
            "levels: off, read, full.",
        ),
    ] = None,
    business: Annotated[
        list[str] | None,
        typer.Option(
            "--business",
            metavar="ID",
            show_default=False,
            help="Limit the agent to this business (repeat for several); replaces the list.",
        ),
    ] = None,
    any_business: Annotated[
        bool, typer.Option("--any-business", help="Let the agent act in any business.")
    ] = False,
    max_amount: Annotated[
        str | None,
        typer.Option(
            "--max-amount",
            metavar="AMOUNT",
            show_default=False,
            help="Writes moving more than this wait for approval ('none' removes the limit).",
        ),
    ] = None,
    approve_writes: Annotated[
        bool | None,
        typer.Option(
            "--approve-writes/--no-approve-writes",
            show_default=False,
            help="Every write waits for a human's approval.",
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Set what an agent may do: AREA=LEVEL for each area to change, its businesses, its max amount."""
    from decimal import Decimal, InvalidOperation

    from ..gateway._types import UNSET

    levels = _parse_specs(specs or [])
    if business and any_business:
        raise CliError("give --business or --any-business, not both", ExitCode.USAGE)
    amount: Any = UNSET
    if max_amount is not None:
        if max_amount.strip().lower() == "none":
            amount = None
        else:
            try:
                amount = Decimal(max_amount.strip())
            except InvalidOperation:
                raise CliError(f"--max-amount {max_amount!r} is not an amount (e.g. 1000 or 1500.50, or none)",
                               ExitCode.USAGE) from None  # fmt: skip
            if not amount.is_finite() or amount < 0:
                raise CliError(
                    f"--max-amount {max_amount!r} must be a finite amount of zero or more", ExitCode.USAGE
                )
    businesses = [] if any_business else business
    if not levels and businesses is None and max_amount is None and approve_writes is None:
        raise CliError(
            "nothing to grant: give AREA=LEVEL (e.g. sales=full) or an option (see --help)", ExitCode.USAGE
        )
    with open_store(db) as store:
        agent = store.grant(name, levels, businesses=businesses, max_amount=amount,
                            approve_writes=approve_writes, by=acting_user())  # fmt: skip
        sentence = store.list_audit(agent=name, limit=1)[0].sentence
    err_console().print(plain(sentence))
    _show(agent)


# --- approvals ----------------------------------------------------------------------------------------


def _approval_data(a: Approval) -> dict[str, Any]:
    return {
        "id": a.id,
        "status": a.status,
        "agent": a.agent_name,
        "tool": a.tool,
        "business_id": a.business_id,
        "business_name": a.business_name,
        "amount": None if a.amount is None else str(a.amount),
        "sentence": a.sentence,
        "created_at": a.created_at.isoformat(),
        "expires_at": a.expires_at.isoformat(),
        "decided_by": a.decided_by,
        "reason": a.reason,
        "arguments": a.arguments,
        "request": a.request,
    }


_STATUSES = ("pending", "approved", "denied", "expired", "all")


@gateway_command(approvals_app, "list")
def list_approvals(
    status: Annotated[str, typer.Option(help=f"Which ones: {', '.join(_STATUSES)}.")] = "pending",
    agent: Annotated[str | None, typer.Option(help="Only this agent's.", show_default=False)] = None,
    db: DbOpt = None,
) -> None:
    """List held writes (by default those waiting for a decision; they expire after 24 hours)."""
    if status not in _STATUSES:
        raise CliError(f"--status {status!r} is not one of {', '.join(_STATUSES)}", ExitCode.USAGE)
    with open_store(db) as store:
        items = store.list_approvals(None if status == "all" else status, agent=agent)
    rt = runtime()
    if rt.output != "table":
        emit([_approval_data(a) for a in items], rt.output)
        return
    if not items:
        err_console().print("No approvals." if status == "all" else f"No {status} approvals.")
        return
    table = Table(title=f"Approvals ({len(items)})")
    for column in ("id", "status", "agent", "tool", "amount", "expires", "sentence"):
        table.add_column(column, overflow="fold")
    for a in items:
        table.add_row(plain(a.id), a.status, plain(a.agent_name), plain(a.tool),
                      plain(a.amount if a.amount is not None else ""),
                      a.expires_at.strftime("%Y-%m-%d %H:%M UTC"), plain(a.sentence))  # fmt: skip
    out_console().print(table)


@command(approvals_app, "approve")
def approve(
    approval_id: Annotated[str, typer.Argument(metavar="ID", help="The approval's id (approvals list).")],
    db: DbOpt = None,
) -> None:
    """Approve a held write and carry it out now, exactly once, on the profile's Sage connection (or
    --emulator); the approval and the call are audited."""
    from ..gateway.executor import carry_out_approval
    from .mcp_cmd import runtime_client_factory

    with open_store(db) as store:
        approval = store.get_approval(approval_id)
        if approval.status != "pending":
            from ..gateway._types import ApprovalStateError

            who = f" by {approval.decided_by}" if approval.decided_by else ""
            raise ApprovalStateError(
                f"approval {approval.id} is {approval.status}{who}: only a pending approval can be approved"
            )
        outcome = carry_out_approval(
            store, approval_id, by=acting_user(), client_factory=runtime_client_factory()
        )
    rt = runtime()
    if rt.output != "table":
        emit({**_approval_data(outcome.approval), "ok": outcome.ok, "result": outcome.result,
              "error": outcome.error, "message": outcome.message}, rt.output)  # fmt: skip
    else:
        err_console().print(plain(outcome.message or f"Approval {approval_id} approved."))
    if not outcome.ok:
        raise CliError(
            f"approval {approval_id} was approved but the call failed: {outcome.error}", ExitCode.OTHER
        )


@gateway_command(approvals_app, "deny")
def deny(
    approval_id: Annotated[str, typer.Argument(metavar="ID", help="The approval's id (approvals list).")],
    reason: Annotated[
        str | None, typer.Option(help="Why (recorded in the audit).", show_default=False)
    ] = None,
    db: DbOpt = None,
) -> None:
    """Deny a held write: it is never carried out; the denial is audited."""
    with open_store(db) as store:
        approval = store.decide_approval(approval_id, False, acting_user(), reason)
    rt = runtime()
    if rt.output != "table":
        emit(_approval_data(approval), rt.output)
        return
    err_console().print(
        plain(f"Approval {approval.id} denied: {approval.agent_name}'s {approval.tool} will not run.")
    )


# --- audit --------------------------------------------------------------------------------------------


@gateway_command(audit_app, "list")
def list_audit(
    agent: Annotated[str | None, typer.Option(help="Only this agent's rows.", show_default=False)] = None,
    decision: Annotated[
        str | None,
        typer.Option(
            help="allowed, denied, held, approved, rejected, invalid or failed.", show_default=False
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="From this time (2026-11-29, 2026-11-29T09:00Z) or span (24h, 7d).", show_default=False
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Before this time or span.", show_default=False)] = None,
    business_id: Annotated[
        str | None, typer.Option("--business-id", help="Only this business's rows.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows (newest first).")] = 100,
    before: Annotated[
        int | None, typer.Option(help="Rows older than this row id (the next page).", show_default=False)
    ] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Every matching row (ignores --limit).")] = False,
    db: DbOpt = None,
) -> None:
    """List audit rows, newest first: time, agent, tool, area, business, decision, reason, sentence."""
    from ..gateway._types import DECISIONS

    if decision is not None and decision not in DECISIONS:
        raise CliError(f"--decision {decision!r} is not one of {', '.join(DECISIONS)}", ExitCode.USAGE)
    start = parse_time(since, "--since") if since else None
    end = parse_time(until, "--until") if until else None
    rows: list[dict[str, Any]] = []
    with open_store(db) as store:
        cursor = before
        while True:
            page = store.list_audit(agent=agent, decision=decision, business_id=business_id, since=start,
                                    until=end, before_id=cursor, limit=1000 if all_rows else limit)  # fmt: skip
            rows.extend(r.as_dict() for r in page)
            if not all_rows or not page:
                break
            cursor = page[-1].id
    rt = runtime()
    if rt.output == "csv":  # one column of JSON rather than a column per argument
        rows = [{**r, "arguments": to_json(r["arguments"], indent=None)} for r in rows]
    if rt.output != "table":
        emit(rows, rt.output)
        return
    if not rows:
        err_console().print("No audit rows match.")
        return
    table = Table(title=f"Audit ({len(rows)} rows, newest first)")
    for column in ("id", "time (UTC)", "agent", "decision", "sentence"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["time"][:19].replace("T", " "), plain(r["agent"]), r["decision"],
                      plain(r["sentence"]))  # fmt: skip
    out_console().print(table)


@gateway_command(audit_app, "verify")
def verify(db: DbOpt = None) -> None:
    """Check the audit's hash chain; name the first row altered or following a removed one (exit 1)."""
    with open_store(db) as store:
        verdict = store.verify_audit()
    rt = runtime()
    if rt.output != "table":
        emit({"ok": verdict.ok, "rows": verdict.rows, "first_bad_id": verdict.first_bad_id,
              "problem": verdict.problem}, rt.output)  # fmt: skip
    if not verdict.ok:
        raise CliError(
            f"the audit chain is broken at row {verdict.first_bad_id}: {verdict.problem}", ExitCode.OTHER
        )
    if rt.output == "table":
        typer.echo(f"The audit chain is intact: {verdict.rows} rows checked.")
