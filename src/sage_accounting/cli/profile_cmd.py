"""``config`` (the profiles in config.toml) and ``businesses list`` / ``businesses use ID``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from ._config import ENV, PROFILE_KEYS, SECRET_KEYS, Config, check_profile_name, check_setting, config_path
from ._errors import CliError, ExitCode, redact_userinfo
from ._output import emit, err_console, out_console, plain
from ._state import command, runtime

__all__ = ["businesses_app", "config_app"]

config_app = typer.Typer(
    help="Profiles in config.toml ($XDG_CONFIG_HOME/sage-accounting): client id, secret, hosts, default business.",
    no_args_is_help=True,
)
businesses_app = typer.Typer(help="The businesses the signed-in user can reach; pick the default one.",
                             no_args_is_help=True)  # fmt: skip

_KEYS_HELP = "; ".join(f"{k}: {v} [{ENV[k]}]" for k, v in PROFILE_KEYS.items())


def _profile_name() -> str:
    rt = runtime()
    if rt.options.profile:
        return check_profile_name(rt.options.profile)
    return rt.settings().profile


@command(config_app, "path", output=False)
def path() -> None:
    """Print the configuration file's path."""
    typer.echo(str(config_path()))


@command(config_app, "show")
def show() -> None:
    """Show every profile (secrets masked) and the SAGE_* variables that override them."""
    config = Config.load()
    default = config.default_profile or "default"
    data: dict[str, Any] = {
        "config_file": str(config.path),
        "default_profile": default,
        "profiles": {
            name: {k: ("***" if k in SECRET_KEYS else redact_userinfo(v)) for k, v in table.items()}
            for name, table in config.profiles.items()
        },
        "environment": {
            var: "***" if key in SECRET_KEYS else redact_userinfo(value)
            for key, var in ENV.items()
            if (value := _env(var))
        },
    }
    if runtime().output != "table":
        emit(data, runtime().output)
        return
    console = out_console()
    console.print(plain(f"Config file: {config.path}  (default profile: {default})"))
    table = Table()
    for column in ("profile", "setting", "value"):
        table.add_column(column, overflow="fold")
    for name, settings in data["profiles"].items():
        for key, value in settings.items():
            table.add_row(plain(name), plain(key), plain(value))
    for var, value in data["environment"].items():
        table.add_row("(environment)", var, plain(value))
    console.print(table)


def _env(var: str) -> str | None:
    import os

    return os.environ.get(var) or None


@command(config_app, "set", output=False, help=f"Set a profile setting. Settings: {_KEYS_HELP}.")
def set_(
    key: Annotated[str, typer.Argument(help="The setting (client_id, client_secret, base_url, …).")],
    value: Annotated[
        str | None, typer.Argument(help="The value (client_secret: prompted when omitted).")
    ] = None,
) -> None:
    """Set a profile setting (the profile is created if needed)."""
    config = Config.load()
    if value is None:
        if key not in SECRET_KEYS:
            raise CliError(f"give a value for {key}", ExitCode.USAGE)
        value = typer.prompt(f"{key}", hide_input=True, err=True)
    elif key in SECRET_KEYS:
        err_console().print(
            f"warning: a {key} given on the command line stays in the shell history and shows in `ps`; "
            f"next time leave the value out to be prompted for it (`sage-accounting config set {key}`), "
            f"or set {ENV[key]}."
        )
    name = _profile_name()
    config.set(name, key, value)
    if config.default_profile is None and len(config.profiles) == 1:
        config.default_profile = name
    config.save()
    shown = "***" if key in SECRET_KEYS else redact_userinfo(value)
    err_console().print(plain(f"Profile {name}: {key} = {shown} ({config.path})"))


@command(config_app, "unset", output=False)
def unset(key: Annotated[str, typer.Argument(help="The setting to remove.")]) -> None:
    """Remove a setting from the profile."""
    config = Config.load()
    name = _profile_name()
    config.set(name, key, None)
    config.save()
    err_console().print(plain(f"Profile {name}: {key} removed"))


@command(config_app, "default", output=False)
def default(
    profile: Annotated[str, typer.Argument(help="The profile to use when --profile is not given.")],
) -> None:
    """Choose the default profile."""
    config = Config.load()
    check_profile_name(profile)
    if profile not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none yet"
        raise CliError(
            f"no profile {profile!r} in {config.path} (profiles: {known}); create it first with "
            f"`sage-accounting config set client_id ID --profile {profile}`",
            ExitCode.USAGE,
        )
    config.default_profile = profile
    config.save()
    err_console().print(plain(f"Default profile: {profile}"))


def business_rows(client: Any) -> list[dict[str, Any]]:
    """The businesses the user can reach, marking the lead business and the profile's default."""
    rt = runtime()
    answer = client.request("GET", "/businesses", params={"items_per_page": 200, "attributes": "all"}).json()
    default = rt.options.business if rt.options.emulator else rt.settings().get("business_id")
    return [
        {
            "id": b.get("id"),
            "name": b.get("name") or b.get("displayed_as"),
            "country": (b.get("country") or {}).get("id"),
            "lead": bool(b.get("lead")),
            "default": b.get("id") == default,
        }
        for b in answer.get("$items", [])
    ]


def businesses_table(rows: list[dict[str, Any]]) -> Table:
    """``business_rows`` as a table."""
    table = Table(title="Businesses")
    for column in ("id", "name", "country", "lead", "default"):
        table.add_column(column)
    for b in rows:
        table.add_row(
            plain(b["id"]),
            plain(b["name"]),
            plain(b["country"] or ""),
            "yes" if b["lead"] else "",
            "yes" if b["default"] else "",
        )
    return table


@command(businesses_app, "list")
def list_businesses() -> None:
    """List the businesses the user can reach, marking the lead business and the profile's default."""
    rt = runtime()
    rows = business_rows(rt.client().with_business(None))
    if rt.output != "table":
        emit(rows, rt.output)
        return
    out_console().print(businesses_table(rows))


@command(businesses_app, "use", output=False)
def use(
    business_id: Annotated[str, typer.Argument(metavar="ID", help="The business id (see businesses list).")],
) -> None:
    """Make a business the profile's default (checked against the businesses the user can reach)."""
    rt = runtime()
    if rt.options.emulator:
        raise CliError(
            "businesses use saves to a profile; with --emulator pass --business ID instead", ExitCode.USAGE
        )
    check_setting("business_id", business_id, "ID")
    client = rt.client().with_business(None)
    answer = client.request("GET", "/businesses", params={"items_per_page": 200, "attributes": "all"}).json()
    ids = {b.get("id"): b.get("name") or b.get("displayed_as") for b in answer.get("$items", [])}
    if business_id not in ids:
        raise CliError(
            f"business {business_id!r} is not one the signed-in user can reach (they are: "
            f"{', '.join(f'{v} {k}' for k, v in ids.items()) or 'none'}); see `sage-accounting businesses list`",
            ExitCode.NOT_FOUND,
        )
    settings = rt.settings()
    settings.config.set(settings.profile, "business_id", business_id)
    settings.config.save()
    err_console().print(
        plain(f"Profile {settings.profile}: default business is now {ids[business_id]} ({business_id}).")
    )
