"""What the ``agents``, ``approvals`` and ``audit`` commands share: ``--db``, their registration with the
output options, the store with its errors as one-line CLI errors, who is acting, and reading times."""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._errors import CliError, ExitCode, redact_userinfo
from ._state import OUTPUT_OPTIONS, DebugOpt, with_options

if TYPE_CHECKING:
    from ..gateway.store import GatewayStore

__all__ = ["DbOpt", "acting_user", "gateway_command", "open_store", "parse_time"]

DbOpt = Annotated[
    str | None,
    typer.Option("--db", envvar="SAGE_GATEWAY_DB", show_default=False, metavar="URL",
                 help="The gateway's database (default: SAGE_GATEWAY_DB, else gateway.db in the XDG data "
                      "directory), e.g. postgresql+psycopg://user@host/db."),
]  # fmt: skip


def gateway_command(app: typer.Typer, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` with the output options and ``--debug`` (not ``--business``: ``agents grant`` has
    its own)."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        app.command(name)(with_options(fn, [*OUTPUT_OPTIONS, ("opt_debug", DebugOpt, False)]))
        return fn

    return decorate


@contextmanager
def open_store(db: str | None) -> Iterator[GatewayStore]:
    """The gateway's store, its errors turned into one-line CLI errors with their exit codes."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..gateway._types import (
        AgentExistsError,
        ApprovalStateError,
        GatewayError,
        GatewayInputError,
        UnknownAgentError,
        UnknownApprovalError,
    )
    from ..gateway.store import GatewayStore

    try:
        store = GatewayStore.open(db)
    except GatewayInputError as exc:
        raise CliError(str(exc), ExitCode.USAGE) from None
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(
            f"cannot open the gateway database {_db_shown(db)}: {_first_line(exc)}", ExitCode.OTHER
        ) from None
    try:
        yield store
    except (UnknownAgentError, UnknownApprovalError) as exc:
        raise CliError(str(exc), ExitCode.NOT_FOUND) from None
    except (GatewayInputError, AgentExistsError) as exc:
        raise CliError(str(exc), ExitCode.USAGE) from None
    except (ApprovalStateError, GatewayError) as exc:
        raise CliError(str(exc), ExitCode.OTHER) from None
    except SQLAlchemyError as exc:
        raise CliError(
            f"the gateway database {_db_shown(db)} failed: {_first_line(exc)}", ExitCode.OTHER
        ) from None
    finally:
        store.close()


def _db_shown(db: str | None) -> str:
    from ..gateway._db import default_url

    return redact_userinfo(db or default_url())


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return redact_userinfo(text.splitlines()[0] if text else type(exc).__name__)


def acting_user() -> str:
    """Who is making the change, for the audit: the operating-system user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "admin"


_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")


def parse_time(value: str, option: str) -> datetime:
    """An ISO 8601 date or time (UTC unless it says otherwise), or a span back from now: 30m, 24h, 7d, 2w."""
    text = value.strip()
    if match := _RELATIVE.match(text.lower()):
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
        return datetime.now(UTC) - timedelta(**{unit: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise CliError(f"{option} {value!r} is not a date or time (2026-11-29, 2026-11-29T09:00Z) or a span "
                           "(30m, 24h, 7d)", ExitCode.USAGE) from None  # fmt: skip
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
