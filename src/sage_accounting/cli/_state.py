"""What one invocation knows: the common options, the settings, the connection and the client.

The common options (``--profile``, ``--business``, ``--emulator``, ``--debug`` and the output formats) are
accepted before the command (``sage-accounting --emulator contacts list``) and after it
(``sage-accounting contacts list --emulator``): :func:`command` adds them to every command it registers.
"""

from __future__ import annotations

import inspect
import logging
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._errors import CliError, ExitCode, register_secret, scrub

if TYPE_CHECKING:
    # Imported where used: the client, the sign-in and the emulator are not needed for --help.
    from .._client import SageAccounting
    from ..auth import Connection, Token
    from ..emulator import Emulator
    from ._config import Settings

__all__ = ["Globals", "Runtime", "command", "runtime"]

FORMATS = ("table", "json", "ndjson", "csv")


@dataclass
class Globals:
    """The common options of this invocation."""

    profile: str | None = None
    business: str | None = None
    emulator: bool = False
    emulator_url: str | None = None
    """``--emulator URL``: an emulator served elsewhere (the next word after --emulator was a URL)."""
    debug: bool = False
    output: str | None = None


class _ScrubbingFormatter(logging.Formatter):
    """Log lines with every known secret replaced by ``***``."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class Runtime:
    """Lazily builds the settings, the embedded emulator, the connection and the client."""

    def __init__(self) -> None:
        self.options = Globals()
        self._settings: Settings | None = None
        self._emulator: Emulator | None = None
        self._clients: list[SageAccounting] = []
        self._log_handler: logging.Handler | None = None
        self.token_problem: str | None = None
        """Why the stored token could not be read (a corrupt token file), when that was tolerated."""
        self._warning_handler: logging.Handler | None = None

    def show_warnings(self) -> None:
        """Print the library's warnings (a token file others can read, a save retried, a lost answer
        reported as done) on stderr as ``warning: …`` lines, secrets scrubbed, until :meth:`close`."""
        if self._warning_handler is None and not self.options.debug:
            handler = logging.StreamHandler(sys.stderr)
            handler.setLevel(logging.WARNING)
            handler.setFormatter(_ScrubbingFormatter("warning: %(message)s"))
            logging.getLogger("sage_accounting").addHandler(handler)
            self._warning_handler = handler

    # --- options ----------------------------------------------------------------------------------

    def merge(
        self,
        *,
        profile: str | None,
        business: str | None,
        emulator: bool,
        debug: bool,
        output: str | None,
    ) -> None:
        """Fold options given to the root or to a command into the invocation's options."""
        opts = self.options
        if profile:
            opts.profile = profile
            self._settings = None
        if business:
            opts.business = business
            self._settings = None
        opts.emulator = opts.emulator or emulator
        if debug and not opts.debug:
            opts.debug = True
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(_ScrubbingFormatter("debug: %(name)s: %(message)s"))
            log = logging.getLogger("sage_accounting")
            if self._warning_handler is not None:
                log.removeHandler(self._warning_handler)
                self._warning_handler = None
            log.addHandler(handler)
            log.setLevel(logging.DEBUG)
            self._log_handler = handler
        if output:
            opts.output = output

    @property
    def output(self) -> str:
        """The output format: table (default), json, ndjson or csv."""
        return self.options.output or "table"

    # --- settings ---------------------------------------------------------------------------------

    def settings(self, overrides: dict[str, str | None] | None = None) -> Settings:
        """The settings in effect (profile + ``SAGE_*`` + options)."""
        if self._settings is None or overrides:
            from ._config import Config, resolve

            self._settings = resolve(
                Config.load(),
                profile=self.options.profile,
                business=self.options.business,
                overrides=overrides,
            )
            register_secret(self._settings.get("client_secret"))
        return self._settings

    @property
    def profile_name(self) -> str | None:
        """The profile's name, when it can be known without failing."""
        try:
            return self.settings().profile
        except CliError:
            return self.options.profile

    @property
    def business_id(self) -> str | None:
        """The business in effect (``--business``, else ``SAGE_BUSINESS_ID`` or the profile's), checked."""
        if self.options.business:
            from ._config import check_setting

            return check_setting("business_id", self.options.business, "--business")
        if self.options.emulator or self.options.emulator_url:
            return None
        return self.settings().get("business_id")

    @property
    def emulator(self) -> Emulator:
        """The embedded emulator (demo seed) of ``--emulator``."""
        if self._emulator is None:
            self._emulator = new_emulator()
        return self._emulator

    def connection(self, settings: Settings | None = None, *, require_token: bool = True) -> Connection:
        """The OAuth connection: the served or embedded emulator's (signed in), or the profile's."""
        if self.options.emulator_url:
            from ._emulated import served_connection

            return served_connection(self.options.emulator_url)
        if self.options.emulator:
            from ..emulator import DEMO
            from ._emulated import emulator_connection

            tokens = self.emulator.grant_tokens(DEMO.client_id)
            register_secret(tokens["access_token"])
            register_secret(tokens["refresh_token"])
            return emulator_connection(self.emulator, tokens)
        settings = settings or self.settings()
        client_id = settings.get("client_id")
        if not client_id:
            raise CliError(
                f"profile {settings.profile!r} has no client id: run `sage-accounting config set client_id ID"
                f"{_profile_flag(settings.profile)}` or set SAGE_CLIENT_ID (or try it all with --emulator)",
                ExitCode.USAGE,
            )
        secret = settings.get("client_secret")
        if secret is None:
            raise CliError(
                f"profile {settings.profile!r} has no client secret: set SAGE_CLIENT_SECRET or run "
                f"`sage-accounting config set client_secret{_profile_flag(settings.profile)}` (it prompts)",
                ExitCode.USAGE,
            )
        register_secret(secret)
        path = settings.token_file
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise CliError(f"cannot create {path.parent}: {exc.strerror}", ExitCode.OTHER) from None
        from ..auth import Connection, FileTokenStore

        conn = Connection(
            client_id,
            secret,
            redirect_uri=settings.redirect_uri,
            scope=settings.scope,
            store=FileTokenStore(path),
            host=settings.get("base_url"),
            api_url=settings.get("api_url"),
            authorize_url=settings.get("authorize_url"),
            token_url=settings.get("token_url"),
            revoke_url=settings.get("revoke_url"),
            name=settings.profile,
        )
        token = self._stored_token(conn, path, tolerate=not require_token)
        if token is not None:
            register_secret(token.access_token)
            register_secret(token.refresh_token)
        elif require_token:
            raise CliError(
                f"not signed in to Sage with profile {settings.profile!r}: run "
                f"`sage-accounting auth login{_profile_flag(settings.profile)}` (or try it with --emulator)",
                ExitCode.AUTH,
            )
        return conn

    def _stored_token(self, conn: Connection, path: Path, *, tolerate: bool) -> Token | None:
        """The stored token; a corrupt token file is an error naming it (exit 3), or with ``tolerate`` (auth
        login, logout, status) no token, the problem kept in :attr:`token_problem`."""
        from .._errors import TokenStoreError

        try:
            return conn.token()
        except TokenStoreError as exc:
            try:
                path.read_bytes()
            except OSError:
                raise exc from None  # cannot be read at all: permissions, not content
            detail = str(exc).replace(f"token file {path} ", "").rstrip(".")
            problem = (
                f"token file {path} is corrupt ({detail}): run `sage-accounting auth login"
                f"{_profile_flag(conn.name)}` (it replaces the file) or delete it"
            )
            if not tolerate:
                raise CliError(problem, ExitCode.AUTH) from None
            self.token_problem = problem
            return None

    def client(self, connection: Connection | None = None) -> SageAccounting:
        """A client for the business in effect (``--business``, ``SAGE_BUSINESS_ID``, the profile's)."""
        from .._client import SageAccounting

        business = self.business_id
        conn = connection or self.connection()
        embedded = self.options.emulator and not self.options.emulator_url
        transport = self.emulator.transport() if embedded else None
        client = SageAccounting(conn, business_id=business, transport=transport)
        self._clients.append(client)
        return client

    def close(self) -> None:
        """Close every client this invocation opened."""
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._warning_handler is not None:
            logging.getLogger("sage_accounting").removeHandler(self._warning_handler)
            self._warning_handler = None
        if self._log_handler is not None:
            log = logging.getLogger("sage_accounting")
            log.removeHandler(self._log_handler)
            log.setLevel(logging.NOTSET)
            self._log_handler = None


def new_emulator() -> Emulator:
    """A new embedded emulator with the demo seed (imported only by commands run with --emulator)."""
    from ..emulator import Emulator

    return Emulator()


def _profile_flag(profile: str) -> str:
    return "" if profile == "default" else f" --profile {profile}"


_RUNTIME = Runtime()


def runtime() -> Runtime:
    """This invocation's runtime."""
    return _RUNTIME


def take_emulator_url(argv: list[str]) -> list[str]:
    """``argv`` without the URL of ``--emulator URL`` (or ``--emulator=URL``), which goes into the
    invocation's options: ``--emulator`` takes a value only when the next word is an http(s) URL."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            out.extend(argv[i:])
            break
        if word.startswith("--emulator=") and word.split("=", 1)[1].startswith(("http://", "https://")):
            runtime().options.emulator_url = word.split("=", 1)[1]
            out.append("--emulator")
        elif word == "--emulator" and i + 1 < len(argv) and argv[i + 1].startswith(("http://", "https://")):
            runtime().options.emulator_url = argv[i + 1]
            out.append(word)
            i += 1
        else:
            out.append(word)
        i += 1
    return out


def reset_runtime() -> Runtime:
    """Start a new invocation (the root command calls this first)."""
    global _RUNTIME
    _RUNTIME.close()
    _RUNTIME = Runtime()
    _RUNTIME.show_warnings()
    return _RUNTIME


# --- the common options -----------------------------------------------------------------------------

_PANEL = "Common options"
ProfileOpt = Annotated[
    str | None,
    typer.Option("--profile", help="Profile in config.toml (default: SAGE_PROFILE or default_profile).",
                 rich_help_panel=_PANEL, show_default=False),
]  # fmt: skip
BusinessOpt = Annotated[
    str | None,
    typer.Option("--business", help="Business id (default: SAGE_BUSINESS_ID or the profile's).",
                 rich_help_panel=_PANEL, show_default=False),
]  # fmt: skip
EmulatorOpt = Annotated[
    bool,
    typer.Option("--emulator", help="Run against an embedded emulator with demo data, signed in; "
                 "--emulator URL: against an emulator served at URL (commands share its data).",
                 rich_help_panel=_PANEL),
]  # fmt: skip
DebugOpt = Annotated[
    bool,
    typer.Option("--debug", help="Log requests and show tracebacks (secrets stay hidden).", rich_help_panel=_PANEL),
]  # fmt: skip
JsonOpt = Annotated[bool, typer.Option("--json", help="Output JSON.", rich_help_panel=_PANEL)]
NdjsonOpt = Annotated[
    bool, typer.Option("--ndjson", help="Output one JSON record per line.", rich_help_panel=_PANEL)
]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Output CSV.", rich_help_panel=_PANEL)]

_COMMON: list[tuple[str, Any, Any]] = [
    ("opt_profile", ProfileOpt, None),
    ("opt_business", BusinessOpt, None),
    ("opt_emulator", EmulatorOpt, False),
    ("opt_debug", DebugOpt, False),
]
OUTPUT_OPTIONS: list[tuple[str, Any, Any]] = [
    ("opt_json", JsonOpt, False),
    ("opt_ndjson", NdjsonOpt, False),
    ("opt_csv", CsvOpt, False),
]


def apply_common(values: dict[str, Any]) -> None:
    """Merge the common options found in ``values`` (and remove them from it)."""
    formats = [f for f in ("json", "ndjson", "csv") if values.pop(f"opt_{f}", False)]
    if len(formats) > 1:
        raise CliError(
            f"choose one output format, not {' and '.join('--' + f for f in formats)}", ExitCode.USAGE
        )
    runtime().merge(
        profile=values.pop("opt_profile", None),
        business=values.pop("opt_business", None),
        emulator=bool(values.pop("opt_emulator", False)),
        debug=bool(values.pop("opt_debug", False)),
        output=formats[0] if formats else None,
    )


def with_options(fn: Callable[..., Any], options: list[tuple[str, Any, Any]]) -> Callable[..., Any]:
    """``fn`` with ``options`` (name, annotation, default) added to its signature: they are merged by
    :func:`apply_common`, then ``fn`` runs."""
    hints = typing.get_type_hints(fn, include_extras=True)
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in inspect.signature(fn).parameters.values()
    ]
    for name, annotation, default in options:
        params.append(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        )

    def wrapper(**kwargs: Any) -> Any:
        apply_common(kwargs)
        return fn(**kwargs)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return wrapper


def with_common(fn: Callable[..., Any], *, output: bool = True) -> Callable[..., Any]:
    """``fn`` with the common options added to its signature (they are merged, then ``fn`` runs)."""
    return with_options(fn, _COMMON + (OUTPUT_OPTIONS if output else []))


def command(
    app: typer.Typer, name: str | None = None, *, output: bool = True, **kwargs: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as a command of ``app`` with the common options (``output``: the format flags)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        app.command(name, **kwargs)(with_common(fn, output=output))
        return fn

    return decorate
