"""``auth login`` (browser + loopback callback, PKCE and state), ``auth status`` and ``auth logout``."""

from __future__ import annotations

import datetime as _dt
import subprocess
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

import typer
from rich.table import Table

from .._errors import APIConnectionError
from ..auth import Connection, OAuthError
from ._emulated import consent_sign_in, emulator_connection
from ._errors import CliError, ExitCode, redact_userinfo, register_secret
from ._loopback import CallbackServer, is_loopback, open_browser
from ._output import emit, err_console, out_console, plain
from ._state import command, runtime
from .profile_cmd import business_rows, businesses_table

__all__ = ["auth_app"]

auth_app = typer.Typer(
    help="Sign in to Sage (OAuth 2.0 with PKCE), check the sign-in, sign out.", no_args_is_help=True
)


def _who(conn: Connection) -> dict[str, Any]:
    """The signed-in user and their businesses (marking the lead and the profile's default)."""
    rt = runtime()
    client = rt.client(conn).with_business(None)
    user = client.request("GET", "/user").json()
    rows = business_rows(client)
    return {"user": {k: user.get(k) for k in ("id", "displayed_as", "email", "locale")}, "businesses": rows}


def _print_who(who: dict[str, Any], heading: str) -> None:
    if runtime().output != "table":
        emit(who, runtime().output)
        return
    user = who["user"]
    console = out_console()
    console.print(f"{heading} [bold]{plain(user['displayed_as'])}[/] <{plain(user['email'])}>")
    console.print(businesses_table(who["businesses"]))


@command(auth_app, "login")
def login(
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the URL instead of opening a browser.")
    ] = False,
    browser_command: Annotated[
        str | None,
        typer.Option(
            "--browser-command",
            help="Command that opens the URL (%s is replaced by it, else it is "
            "appended); default $BROWSER, else the system browser.",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds to wait for the sign-in (at most 3600).", min=1, max=3600),
    ] = 300,
    client_id: Annotated[
        str | None,
        typer.Option("--client-id", help="Save this client id in the profile.", show_default=False),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Save this base URL in the profile (e.g. an emulator's http://127.0.0.1:8080).",
            show_default=False,
        ),
    ] = None,
    redirect_uri: Annotated[
        str | None,
        typer.Option(
            "--redirect-uri",
            help="Save this redirect URI in the profile (registered with the app).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Sign in: open the browser at Sage's authorize page, catch the callback on the loopback redirect URI,
    exchange the code and store the tokens in the profile's token file (mode 0600)."""
    rt = runtime()
    say = err_console().print
    if rt.options.emulator:
        conn = emulator_connection(rt.emulator)
        consent_sign_in(rt.emulator, conn, say=lambda text: say(f"emulator: {text}"))
        _print_who(_who(conn), "Signed in to the embedded emulator (nothing is saved) as")
        return
    given = {"client_id": client_id, "base_url": base_url, "redirect_uri": redirect_uri}
    settings = rt.settings({k: v for k, v in given.items() if v})
    conn = rt.connection(settings, require_token=False)
    request = conn.authorization_url()
    redirect = settings.redirect_uri
    browser: subprocess.Popen[bytes] | bool | None = None
    if is_loopback(redirect):
        with CallbackServer(redirect) as server:
            if no_browser:
                say("Open this URL in a browser on this machine to sign in to Sage:")
                typer.echo(request.url, err=True)
            else:
                say(
                    f"Opening the browser to sign in to Sage (profile {settings.profile}); if it does not open, visit:"
                )
                typer.echo(request.url, err=True)
                browser = open_browser(request.url, browser_command)
            say(f"Waiting for the callback on {redirect} …")
            query = server.wait(timeout)
        if query is None:
            raise CliError(
                f"no sign-in arrived on {redirect} within {timeout:g} s: run `sage-accounting auth login` again "
                "and finish the sign-in in the browser",
                ExitCode.AUTH,
            )
        callback = f"{redirect}?{query}"
    else:
        say(f"The redirect URI {redirect} is not on this machine: open this URL, sign in, then paste the URL "
            "the browser was sent to.")  # fmt: skip
        typer.echo(request.url, err=True)
        callback = typer.prompt("Redirected URL", err=True).strip()
        _check_pasted(callback, redirect)
    _check_callback(callback)
    token = conn.exchange_code(callback, authorization=request)
    register_secret(token.access_token)
    register_secret(token.refresh_token)
    if isinstance(browser, subprocess.Popen):
        _reap(browser)
    changed = {
        k: v for k, v in given.items() if v and settings.config.profiles.get(settings.profile, {}).get(k) != v
    }
    if changed:
        for key, value in changed.items():
            settings.config.set(settings.profile, key, value)
        settings.config.save()
        say(f"Saved {', '.join(changed)} in profile {settings.profile} ({settings.config.path}).")
    say(f"Tokens stored in {settings.token_file} (mode 0600).")
    _print_who(_who(conn), "Signed in as")


def _check_pasted(text: str, redirect: str) -> None:
    """Refuse what cannot be the redirected URL (a bare code, say) with advice, before the state check."""
    query = urlsplit(text).query if "?" in text else ""
    keys = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
    if not keys & {"code", "error"}:
        raise CliError(
            "that is not the URL the browser was sent to: paste the whole URL from the browser's address bar "
            f"(it starts with {redirect} and carries the code and the state after the '?'), not just the code",
            ExitCode.USAGE,
        )


def _check_callback(callback: str) -> None:
    """Refuse a callback with no code and no error, or a state no sign-in of ours can have sent."""
    params = dict(parse_qsl(urlsplit(callback).query, keep_blank_values=True))
    if "error" in params:
        return  # the library says what the user decided
    if not params.get("code"):
        raise CliError(
            "the sign-in callback carried no authorization code: run `sage-accounting auth login` again",
            ExitCode.AUTH,
        )
    if not params.get("state", "").isascii():
        raise CliError(
            "the state in the callback does not match the one sent with the authorization URL; the sign-in "
            "may have been forged or belongs to another session: start it again",
            ExitCode.AUTH,
        )


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Collect the browser command if it has finished (a real browser keeps running: leave it)."""
    try:
        process.wait(timeout=0.5)
    except subprocess.TimeoutExpired:
        pass


def _when(moment: _dt.datetime | None, now: _dt.datetime) -> str:
    if moment is None:
        return "unknown"
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return f"{moment.isoformat(timespec='seconds')} (expired)"
    if seconds < 3600:
        return f"{moment.isoformat(timespec='seconds')} (in {seconds} s)"
    return f"{moment.isoformat(timespec='seconds')} (in {seconds // 86400} d {seconds % 86400 // 3600} h)"


@command(auth_app, "status")
def status() -> None:
    """Show the profile, where its settings come from, the token's lifetime, and who is signed in
    (exit code 3 when not signed in)."""
    rt = runtime()
    if rt.options.emulator:
        _print_who(_who(rt.connection()), "Embedded emulator: signed in as")
        return
    settings = rt.settings()
    conn = rt.connection(settings, require_token=False)
    token = None if rt.token_problem else conn.token()
    now = conn.now()
    info: dict[str, Any] = {
        "profile": settings.profile,
        "config_file": str(settings.config.path),
        "client_id": settings.get("client_id"),
        "client_secret": "set" if settings.get("client_secret") else "missing",
        "api_url": redact_userinfo(conn.api_url),
        "redirect_uri": redact_userinfo(settings.redirect_uri),
        "business_id": settings.get("business_id"),
        "token_file": str(settings.token_file),
        "signed_in": token is not None,
        "sources": settings.sources,
    }
    if rt.token_problem:
        info["token_problem"] = rt.token_problem
    if token is not None:
        info["access_token_expires"] = _when(token.expires_at, now)
        info["refresh_token_expires"] = _when(token.refresh_expires_at, now)
        info["scope"] = token.scope
        who = _who(conn)
        info["user"] = who["user"]
        info["businesses"] = who["businesses"]
    if rt.output != "table":
        emit(info, rt.output)
    else:
        table = Table(title=f"Profile {settings.profile}", show_header=False)
        table.add_column("setting", style="bold")
        table.add_column("value", overflow="fold")
        for key in (
            "config_file",
            "client_id",
            "client_secret",
            "api_url",
            "redirect_uri",
            "business_id",
            "token_file",
        ):
            source = settings.sources.get(key, "")
            value = info[key] if info[key] is not None else "-"
            table.add_row(key, plain(value) + (f"  [dim]({plain(source)})[/]" if source else ""))
        if token is not None:
            table.add_row("access token", info["access_token_expires"])
            table.add_row("refresh token", info["refresh_token_expires"])
            user = info["user"]
            table.add_row("signed in as", plain(f"{user['displayed_as']} <{user['email']}>"))
            table.add_row(
                "businesses", plain(", ".join(f"{b['name']} ({b['id']})" for b in info["businesses"]))
            )
        else:
            table.add_row("signed in", "no" + (" (the token file is corrupt)" if rt.token_problem else ""))
        out_console().print(table)
    if rt.token_problem:
        raise CliError(rt.token_problem, ExitCode.AUTH)
    if token is None:
        raise CliError(
            f"not signed in with profile {settings.profile!r}: run `sage-accounting auth login"
            + ("" if settings.profile == "default" else f" --profile {settings.profile}")
            + "`",
            ExitCode.AUTH,
        )


@command(auth_app, "logout", output=False)
def logout(
    local: Annotated[
        bool,
        typer.Option(
            "--local",
            help="Only delete the stored tokens, without asking Sage to revoke them (offline, or Sage "
            "unreachable); the app keeps its access until the refresh token expires or is removed in Sage.",
        ),
    ] = False,
) -> None:
    """Revoke the refresh token at Sage, then delete the stored tokens (--local: only delete them)."""
    rt = runtime()
    say = err_console().print
    if rt.options.emulator:
        say("The embedded emulator keeps no sign-in: nothing to do.")
        return
    settings = rt.settings()
    conn = rt.connection(settings, require_token=False)
    where = plain(str(settings.token_file))
    if rt.token_problem:
        conn.store.clear()
        say(f"The token file {where} was corrupt, so nothing could be revoked: deleted it.")
        return
    if conn.token() is None:
        say(plain(f"Not signed in with profile {settings.profile}: nothing to revoke."))
        return
    if local:
        conn.store.clear()
        say(
            f"Signed out locally: {where} deleted; the refresh token was not revoked at Sage (remove the "
            "app's access in Sage if it matters)."
        )
        return
    try:
        conn.revoke()
    except APIConnectionError as exc:
        raise CliError(
            f"cannot reach Sage to revoke the refresh token ({str(exc).rstrip('.')}); the tokens are kept in "
            f"{settings.token_file}. Try again when online, or forget them without revoking: "
            f"sage-accounting auth logout --local{_flag(settings.profile)}",
            ExitCode.UNAVAILABLE,
        ) from None
    except OAuthError as exc:
        conn.store.clear()
        say(
            f"warning: Sage did not confirm the revocation ({plain(type(exc).__name__)}: {plain(exc)}); the "
            f"local tokens were deleted anyway ({where}). Remove the app's access in Sage if it matters."
        )
        return
    say(f"Signed out: the refresh token was revoked and {where} deleted.")


def _flag(profile: str) -> str:
    return "" if profile == "default" else f" --profile {profile}"
