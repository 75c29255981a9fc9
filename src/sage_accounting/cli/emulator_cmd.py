"""``sage-accounting emulator``: run the local Sage, or take a quick tour of it."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..emulator import DEMO, Emulator

emulator_app = typer.Typer(
    help="Run the local Sage emulator (OAuth server + API v3.1).", no_args_is_help=True
)
console = Console()
err = Console(stderr=True, soft_wrap=True)


def _check_state_path(state: Path) -> None:
    """Refuse (exit 2) a --state path whose directory cannot take the file: it is saved after every change
    by writing a temporary file next to it and renaming it."""
    directory = state.parent if str(state.parent) else Path(".")
    problem = None
    if state.is_dir():
        problem = "is a directory"
    elif not directory.is_dir():
        problem = f"cannot be saved: the directory {directory} does not exist"
    elif not os.access(directory, os.W_OK | os.X_OK):
        problem = f"cannot be saved: the directory {directory} is not writable"
    if problem:
        err.print(f"[red]error:[/] --state {escape(str(state))} {escape(problem)}.")
        raise typer.Exit(2)


def _load(seed: str, state: Path | None, seed_random: int = 0) -> Emulator:
    if state is not None:
        _check_state_path(state)
    if state is not None and state.exists():
        try:
            return Emulator.from_file(state)
        except OSError as exc:
            err.print(
                f"[red]error:[/] --state {escape(str(state))}: cannot read it ({escape(str(exc.strerror or exc))})."
            )
            raise typer.Exit(2) from None
        except (ValueError, KeyError, TypeError) as exc:
            err.print(
                f"[red]error:[/] --state {escape(str(exc))}; the file is left as it is. Give a new path (it is "
                "created) or a file a previous `emulator serve --state` saved."
            )
            raise typer.Exit(2) from None
    if seed == "none":
        return Emulator(seed=None)
    if seed in ("demo", "minimal") or seed.startswith("generated:") or seed == "generated":
        try:
            return Emulator(seed=seed, seed_random=seed_random)
        except ValueError as exc:
            err.print(f"[red]error:[/] --seed {escape(seed[:80])}: {escape(str(exc))}")
            raise typer.Exit(2) from None
    path = Path(seed)
    if not path.is_file():
        err.print(
            "[red]error:[/] --seed must be demo, minimal, generated:N[:B], none or a seed JSON file; "
            f"{escape(repr(seed[:80]))} is none of these."
        )
        raise typer.Exit(2)
    try:
        document = json.loads(path.read_text())
        emulator = Emulator(seed=None)
        emulator.seed(document)
        return emulator
    except (ValueError, KeyError, TypeError) as exc:
        err.print(f"[red]error:[/] --seed {seed}: {exc}")
        raise typer.Exit(2) from None


@emulator_app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port to listen on (0 picks a free one).", min=0, max=65535)
    ] = 8080,
    seed: Annotated[
        str,
        typer.Option(
            help="demo, minimal, generated:N[:B] (N records over B businesses), none, or a seed JSON file."
        ),
    ] = "demo",
    seed_random: Annotated[
        int, typer.Option(help="Makes a generated seed differ; the same value gives the same data.")
    ] = 0,
    activity: Annotated[
        float | None,
        typer.Option(
            help="Keep the business living: this many changes (creates, edits, payments, voids, deletions) "
            "per minute of emulator time.",
            min=0.001,
            max=60000,
        ),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(help="Keep the data in this file: loaded at start, saved after every change."),
    ] = None,
) -> None:
    """Serve the emulator: OAuth at /oauth2/auth/central, /token, /revoke; the API at /v3.1."""
    emulator = _load(seed, state, seed_random)
    if state is not None:
        emulator.autosave(state)
    if activity is not None:
        emulator.start_activity(activity, seed_random=seed_random)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/] serving on {host}: anyone who can reach it can use the sandbox.")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with emulator.serve(host=host, port=port) as url:
            console.print(f"Sage emulator listening on [bold]{url}[/]")
            console.print(f"  API base URL   {url}/v3.1")
            console.print(f"  authorize URL  {url}/oauth2/auth/central")
            console.print(f"  token URL      {url}/token   revoke URL {url}/revoke")
            console.print(f"  control plane  {url}/__emulator__/")
            if DEMO.client_id in emulator.state.apps:
                console.print(
                    f"  demo app       client id {DEMO.client_id}  redirect URI {DEMO.redirect_uri}"
                )
            if activity is not None:
                console.print(f"  activity       {activity:g} changes per minute of emulator time")
            console.print("Press Ctrl+C to stop.")
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        err.print(f"[red]error:[/] cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(2) from None
    finally:
        emulator.stop_activity()
        if state is not None:
            try:
                emulator.save(state)
            except OSError as exc:
                err.print(
                    f"[red]error:[/] --state {escape(str(state))}: cannot save the state on stopping "
                    f"({escape(str(exc.strerror or exc))}); the last change is lost."
                )
                raise typer.Exit(1) from None
    console.print("stopped.")


@emulator_app.command()
def tour() -> None:
    """Start the demo emulator on a free loopback port, sign in through OAuth and show it answering."""
    emulator = Emulator()
    emulator.state.apps[DEMO.client_id].auto_approve = True
    with emulator.serve() as url, httpx.Client(base_url=url, follow_redirects=False, timeout=10) as http:
        console.print(f"[bold]1.[/] Emulator listening on {url}")
        answer = http.get(
            "/oauth2/auth/central",
            params={
                "response_type": "code",
                "client_id": DEMO.client_id,
                "redirect_uri": DEMO.redirect_uri,
                "scope": "full_access",
                "state": "tour",
            },
        )
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        console.print(
            f"[bold]2.[/] Authorised: redirected to the callback with a {code.split('/')[0]}/… code"
        )
        tokens: dict[str, Any] = http.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": DEMO.redirect_uri,
                "client_id": DEMO.client_id,
                "client_secret": DEMO.client_secret,
            },
        ).json()
        console.print(
            f"[bold]3.[/] Exchanged the code: access token for {tokens['expires_in']} s, "
            f"refresh token for {tokens['refresh_token_expires_in'] // 86400} days"
        )
        http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        user = http.get("/v3.1/user").json()
        businesses = http.get("/v3.1/businesses").json()
        console.print(
            f"[bold]4.[/] Signed in as {user['displayed_as']}; businesses: "
            + ", ".join(b["displayed_as"] for b in businesses["$items"])
        )
        contacts = http.get(
            "/v3.1/contacts", params={"items_per_page": 5, "attributes": "contact_types"}
        ).json()
        table = Table(title=f"Contacts (5 of {contacts['$total']})")
        table.add_column("id")
        table.add_column("name")
        table.add_column("type")
        for item in contacts["$items"]:
            table.add_row(item["id"], item["displayed_as"], item["contact_types"][0]["displayed_as"])
        console.print(table)
        invoices = http.get(
            "/v3.1/sales_invoices", params={"items_per_page": 5, "attributes": "date,total_amount,status"}
        ).json()
        table = Table(title=f"Sales invoices (5 of {invoices['$total']})")
        for column in ("number", "date", "total", "status"):
            table.add_column(column)
        for item in invoices["$items"]:
            table.add_row(
                item["displayed_as"], item["date"], item["total_amount"], item["status"]["displayed_as"]
            )
        console.print(table)
        console.print(
            "[green]The emulator answers like Sage.[/] Run it yourself: sage-accounting emulator serve"
        )
