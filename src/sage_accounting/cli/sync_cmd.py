"""``sage-accounting sync``, ``sync status`` and ``watch``: Sage into a database, and change events.

SQLAlchemy, the sync and the webhook signer are imported inside the commands, so ``--help`` and every
other command start without them.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._errors import CliError, ExitCode, register_secret, scrub
from ._output import emit, err_console, to_json
from ._state import runtime, with_common

if TYPE_CHECKING:
    from rich.progress import Progress

    from ..sync import RunResult, Store

__all__ = ["sync_app", "watch"]

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLAlchemy URL of the database (default: SAGE_SYNC_DB or sqlite:///./sage.db).",
        show_default=False,
    ),
]
ResourcesOpt = Annotated[
    str | None,
    typer.Option("--resources", help="Comma-separated resources to sync (default: all).", show_default=False),
]


def _db(db: str | None) -> str:
    return db or os.environ.get("SAGE_SYNC_DB") or "sqlite:///./sage.db"


def _open(db: str | None) -> Store:
    from sqlalchemy.exc import ArgumentError, OperationalError

    from ..sync import open_store

    url = _db(db)
    try:
        return open_store(url)
    except ValueError as exc:
        raise CliError(str(exc), ExitCode.USAGE) from None
    except ArgumentError:
        raise CliError(f"--db {url!r} is not a SQLAlchemy database URL", ExitCode.USAGE) from None
    except ModuleNotFoundError as exc:
        raise CliError(
            f"--db {url!r} needs the {exc.name} package: pip install 'sage-accounting[postgres]'",
            ExitCode.USAGE,
        ) from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "cannot connect"
        raise CliError(f"--db {url!r}: {reason}", ExitCode.UNAVAILABLE) from None
    except RuntimeError as exc:
        raise CliError(str(exc), ExitCode.OTHER) from None


def _resources(text: str | None) -> list[str] | None:
    if not text:
        return None
    from ..sync import resource_named

    names = [n.strip().replace("-", "_") for n in text.split(",") if n.strip()]
    try:
        return [resource_named(n).name for n in names]
    except ValueError as exc:
        raise CliError(f"--resources: {exc}", ExitCode.USAGE) from None


def _businesses() -> list[str] | None:
    business = runtime().business_id if runtime().options.business else None
    return [business] if business else None


def _progress() -> tuple[Progress | None, Any]:
    """A progress bar per resource on a terminal (stderr), else nothing."""
    if runtime().output != "table" or not sys.stderr.isatty():
        return None, None
    from ._output import progress_bar

    bar = progress_bar()
    lock = threading.Lock()  # jobs report from several threads
    tasks: dict[str, Any] = {}
    counts: dict[tuple[str, str], int] = {}
    totals: dict[tuple[str, str], int] = {}

    def advance(business_id: str, resource: str, read: int, total: int | None) -> None:
        key = (business_id, resource)
        with lock:
            counts[key] = read
            if total is not None:
                totals[key] = total
            done = sum(v for (_, r), v in counts.items() if r == resource)
            whole = sum(v for (_, r), v in totals.items() if r == resource) or None
            if resource not in tasks:
                tasks[resource] = bar.add_task(resource, total=whole)
            bar.update(tasks[resource], completed=done, total=whole)

    return bar, advance


def _summary(result: RunResult) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for job in result.jobs:
        row = rows.setdefault(
            job.resource,
            {"resource": job.resource, "created": 0, "updated": 0, "deleted": 0, "requests": 0, "errors": 0},
        )
        row["created"] += job.created
        row["updated"] += job.updated
        row["deleted"] += job.deleted
        row["requests"] += job.requests
        row["errors"] += 1 if job.error else 0
    return list(rows.values())


def sync(
    ctx: typer.Context,
    db: DbOpt = None,
    resources: ResourcesOpt = None,
    full: Annotated[bool, typer.Option("--full", help="Read every record again, not only changes.")] = False,
    purge_deleted: Annotated[
        bool, typer.Option("--purge-deleted", help="Drop the tombstones of deleted records after syncing.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Jobs run at once.")] = 4,
    round_id: Annotated[
        str | None,
        typer.Option(
            "--round",
            help="Processes given the same round key share one pass, each job done once among them "
            "(e.g. the orchestrator's run id).",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Copy Sage into a database: every resource of every business you can reach (or --business),
    incrementally; deletions become tombstones."""
    if ctx.invoked_subcommand is not None:
        return ExitCode.OK
    from ..sync import Syncer, SyncOptions

    names = _resources(resources)
    store = _open(db)
    try:
        client = runtime().client()
        bar, advance = _progress()
        syncer = Syncer(
            client,
            store,
            resources=names,
            business_ids=_businesses(),
            full=full,
            options=SyncOptions(workers=workers),
            progress=advance,
            round_id=round_id,
        )
        if bar is not None:
            with bar:
                result = syncer.run()
        else:
            result = syncer.run()
        purged = (
            store.purge_deleted([r.name for r in syncer.resources], _businesses()) if purge_deleted else 0
        )
    finally:
        store.close()
    data = {
        "run_id": result.run_id,
        "upserts": result.upserts,
        "deletes": result.deletes,
        "requests": result.requests,
        "purged": purged,
        "errors": [
            {"business_id": j.business_id, "resource": j.resource, "error": scrub(j.error or "")}
            for j in result.errors
        ],
        "resources": _summary(result),
    }
    if runtime().output == "table":
        emit(data["resources"], "table", title=f"sync run {result.run_id}")
        for job in result.errors:
            err_console().print(scrub(f"error: {job.business_id} {job.resource}: {job.error}"), markup=False)
    else:
        emit(data, runtime().output)
    return ExitCode.OTHER if result.errors else ExitCode.OK


def status(db: DbOpt = None) -> None:
    """Per business and resource: the cursor, the rows, the tombstones and the last run."""
    store = _open(db)
    try:
        rows = store.status()
    finally:
        store.close()
    if runtime().output == "table":
        flat = [
            {
                "business_id": r["business_id"],
                "resource": r["resource"],
                "cursor": r["cursor"],
                "rows": r["rows"],
                "deleted": r["deleted"],
                "last run": (r["last_run"] or {}).get("ended_at"),
                "error": (r["last_run"] or {}).get("error"),
            }
            for r in rows
        ]
        emit(flat, "table", title="sync status", empty="Nothing synced yet: run `sage-accounting sync`.")
    else:
        emit(rows, runtime().output)


def watch(
    db: DbOpt = None,
    resources: ResourcesOpt = None,
    interval: Annotated[float, typer.Option("--interval", min=1, help="Seconds between syncs.")] = 60.0,
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", help="URL that receives each change, signed.", show_default=False),
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(
            "--secret",
            help="Standard Webhooks secret (whsec_…; default SAGE_WEBHOOK_SECRET).",
            show_default=False,
        ),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Sync once, deliver, and stop.")] = False,
) -> int:
    """Sync in a loop and deliver one event per change (contact.created, sales_invoice.updated …) to a
    webhook signed per Standard Webhooks, or print them with --ndjson."""
    from ..sync import Syncer
    from ..sync._events import Outbox
    from ..sync._webhooks import EndpointGone, WebhookSender, check_secret

    ndjson = runtime().output == "ndjson"
    if not ndjson and not webhook:
        raise CliError("watch needs --webhook URL (with --secret) or --ndjson", ExitCode.USAGE)
    if ndjson and webhook:
        raise CliError("choose --webhook or --ndjson, not both", ExitCode.USAGE)
    sender = None
    if webhook:
        if not webhook.startswith(("http://", "https://")):
            raise CliError(f"--webhook {webhook!r} is not an http(s) URL", ExitCode.USAGE)
        secret = secret or os.environ.get("SAGE_WEBHOOK_SECRET")
        if not secret:
            raise CliError("--webhook needs --secret whsec_… (or SAGE_WEBHOOK_SECRET)", ExitCode.USAGE)
        register_secret(secret)
        try:
            check_secret(secret)
        except ValueError as exc:
            raise CliError(str(exc), ExitCode.USAGE) from None
        sender = WebhookSender(webhook, secret)
    names = _resources(resources)
    store = _open(db)
    store.enable_events()
    outbox = Outbox(store)
    try:
        client = runtime().client()
        while True:
            if sender is not None:
                try:
                    sender.deliver(outbox)  # first whatever an earlier run left undelivered
                except EndpointGone as exc:
                    raise CliError(str(exc), ExitCode.OTHER) from None
            else:
                _print_events(outbox)
            result = Syncer(client, store, resources=names, business_ids=_businesses(), events=True).run()
            for job in result.errors:
                err_console().print(
                    scrub(f"error: {job.business_id} {job.resource}: {job.error}"), markup=False
                )
            if sender is not None:
                try:
                    sender.deliver(outbox)
                except EndpointGone as exc:
                    raise CliError(str(exc), ExitCode.OTHER) from None
            else:
                _print_events(outbox)
            if once:
                return ExitCode.OTHER if result.errors else ExitCode.OK
            time.sleep(interval)
    finally:
        if sender is not None:
            sender.close()
        store.close()


def _print_events(outbox: Any) -> None:
    while batch := outbox.pending():
        for event in batch:
            sys.stdout.write(to_json({"id": event.id, **event.payload}, indent=None) + "\n")
            sys.stdout.flush()
            outbox.delivered(event)


sync_app = typer.Typer(help="Copy Sage into a database (SQLite or PostgreSQL), incrementally.")
sync_app.callback(invoke_without_command=True)(with_common(sync, output=True))
sync_app.command("status")(with_common(status, output=True))
