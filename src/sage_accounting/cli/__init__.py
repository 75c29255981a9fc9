"""The ``sage-accounting`` command line."""

from __future__ import annotations

import typer

from .emulator_cmd import emulator_app

app = typer.Typer(
    name="sage-accounting",
    help="Sage Business Cloud Accounting (API v3.1) from the command line, with a local emulator.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(emulator_app, name="emulator")


def main() -> None:
    app()
