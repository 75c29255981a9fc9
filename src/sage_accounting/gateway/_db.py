"""The gateway's tables (SQLAlchemy Core), the engine for a database URL, and bringing the schema up to date
with the Alembic migrations shipped in ``gateway/migrations``.

The URL comes from ``--db`` / ``SAGE_GATEWAY_DB``; the default is a SQLite file in the XDG data directory
(``$XDG_DATA_HOME/sage-accounting/gateway.db``, else ``~/.local/share/sage-accounting/gateway.db``).
PostgreSQL (``postgresql+psycopg://…``) is the choice for several gateway processes sharing one state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ._types import GatewayInputError

__all__ = [
    "ENV_VAR",
    "GENESIS",
    "agents",
    "approvals",
    "audit",
    "audit_head",
    "create_engine",
    "default_url",
    "grants",
    "idempotency",
    "metadata",
    "migrate",
]

ENV_VAR = "SAGE_GATEWAY_DB"
GENESIS = "0" * 64
"""The ``prev_hash`` of the first audit row."""
VERSION_TABLE = "gateway_alembic_version"
MIGRATIONS = Path(__file__).with_name("migrations")

metadata = sa.MetaData()
_TIME = sa.DateTime(timezone=True)

agents = sa.Table(
    "gateway_agents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("description", sa.Text),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("businesses", sa.Text, nullable=False, server_default="[]"),  # JSON array of ids
    sa.Column("max_amount", sa.String(40)),  # a decimal string: exact, the same on every database
    sa.Column("approve_writes", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("key_rotated_at", _TIME),
)

grants = sa.Table(
    "gateway_grants",
    metadata,
    sa.Column(
        "agent_id", sa.Integer, sa.ForeignKey("gateway_agents.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area", sa.String(32), primary_key=True),
    sa.Column("level", sa.String(8), nullable=False),
)

approvals = sa.Table(
    "gateway_approvals",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("agent_id", sa.Integer, nullable=False),
    sa.Column("agent_name", sa.String(64), nullable=False),
    sa.Column("tool", sa.String(128), nullable=False),
    sa.Column("action_key", sa.String(128), nullable=False),
    sa.Column("business_id", sa.String(64)),
    sa.Column("business_name", sa.Text),
    sa.Column("arguments", sa.Text, nullable=False),
    sa.Column("request", sa.Text, nullable=False),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("amount", sa.String(40)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("expires_at", _TIME, nullable=False),
    sa.Column("decided_by", sa.String(128)),
    sa.Column("decided_at", _TIME),
    sa.Column("reason", sa.Text),
    sa.Column("result", sa.Text),
    sa.Column("error", sa.Text),
    sa.Column("finished_at", _TIME),
    sa.Index("ix_gateway_approvals_status", "status", "created_at"),
)

idempotency = sa.Table(
    "gateway_idempotency",
    metadata,
    sa.Column("agent_id", sa.Integer, primary_key=True),
    sa.Column("business_id", sa.String(64), primary_key=True),  # "" when the call names no business
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("args_hash", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # in_progress | done
    sa.Column("result", sa.Text),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
)

audit = sa.Table(
    "gateway_audit",
    metadata,
    sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    sa.Column("time", _TIME, nullable=False),
    sa.Column("agent", sa.String(128), nullable=False),
    sa.Column("tool", sa.String(128), nullable=False),
    sa.Column("area", sa.String(32)),
    sa.Column("business_id", sa.String(64)),
    sa.Column("business_name", sa.Text),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("arguments", sa.Text, nullable=False),
    sa.Column("sage_status", sa.Integer),
    sa.Column("request_id", sa.String(128)),
    sa.Column("record_id", sa.String(128)),
    sa.Column("record_displayed_as", sa.Text),
    sa.Column("duration_ms", sa.Float),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # Keyset pages (newest first) filtered by one column walk these indexes backwards from a bound.
    sa.Index("ix_gateway_audit_agent", "agent", "id"),
    sa.Index("ix_gateway_audit_agent_decision", "agent", "decision", "id"),
    sa.Index("ix_gateway_audit_decision", "decision", "id"),
    sa.Index("ix_gateway_audit_business", "business_id", "id"),
    sa.Index("ix_gateway_audit_time", "time", "id"),
)

audit_head = sa.Table(
    "gateway_audit_head",
    metadata,
    # One row: the last appended row's id and hash.  Appends lock it, which serializes them across
    # processes and lets `verify` notice rows removed from the end.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("last_time", _TIME),
    sa.Column("rows", sa.BigInteger, nullable=False),
)


def _xdg_data() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative path is invalid and must be ignored.
    base = Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"
    return base / "sage-accounting"


def default_url() -> str:
    """``$SAGE_GATEWAY_DB``, else the SQLite file ``gateway.db`` in the XDG data directory."""
    return os.environ.get(ENV_VAR) or f"sqlite:///{_xdg_data() / 'gateway.db'}"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is off so that `begin` below decides how each one starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL: readers never wait for the writer (and it is a no-op on an in-memory database).
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the database; a power cut (not a crash) may lose the last commits.
    # FULL would fsync every audit row: about ten times fewer rows per second.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at once: two writers never both read the audit head and then
    # fail (or worse, fork the chain) when upgrading their lock.  Reads use a plain BEGIN.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite: WAL journal, foreign keys, a 30 s busy timeout; write transactions
    begin IMMEDIATE).  A URL that names no database SQLAlchemy knows raises :class:`GatewayInputError`."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise GatewayInputError(f"--db {_shown(url)} is not a database URL (e.g. sqlite:///gateway.db or "
                                "postgresql+psycopg://user@host/db)") from None  # fmt: skip
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            engine = sa.create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_connect)
            sa.event.listen(engine, "begin", _sqlite_begin)
            return engine
        return sa.create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise GatewayInputError(f"--db {_shown(url)}: no driver for it ({exc})") from None


def _shown(url: str) -> str:
    """``url`` with its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (nothing to do when it is there already).

    On PostgreSQL an advisory lock makes processes opening a fresh database at once take turns.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        if context.get_current_revision() == head:
            return
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7450021)")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")  # checks the revision again, under the lock
