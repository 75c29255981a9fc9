"""The sync's tables: one per resource (typed columns, the whole record as ``data``), the cursor per
business and resource, the runs, the job leases and the event outbox; created and versioned here.

Each resource table has the primary key ``(business_id, id)``; ``deleted_at`` is NULL unless Sage
deleted the record (the row is kept as a tombstone).  ``data`` is JSON (JSONB on PostgreSQL) holding
the record as ``GET /{resource}/{id}`` returns it.  ``sync_hash`` fingerprints ``data`` so a record
changed twice within one second (same ``updated_at``) is still seen as changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

from ._catalog import RESOURCES
from ._catalog import Column as Spec

__all__ = ["SCHEMA_VERSION", "Tables", "ensure_schema"]

SCHEMA_VERSION = 1
"""Bumped whenever a table changes; :func:`ensure_schema` migrates older databases forward."""

_JSON = JSON().with_variant(JSONB(), "postgresql")
_TS = DateTime(timezone=True)
_ID = String(64)


def _kind(spec: Spec) -> TypeEngine[Any]:
    kinds: dict[str, TypeEngine[Any]] = {
        "text": Text(),
        "money": Numeric(20, 6, asdecimal=True),
        "date": Date(),
        "bool": Boolean(),
        "int": BigInteger(),
    }
    return kinds[spec.kind]


class Tables:
    """Every table of the sync, on one ``MetaData``."""

    def __init__(self) -> None:
        self.metadata = MetaData()
        md = self.metadata
        self.resources: dict[str, Table] = {}
        for res in RESOURCES:
            table = Table(
                res.name,
                md,
                Column("business_id", _ID, primary_key=True),
                Column("id", _ID, primary_key=True),
                Column("displayed_as", Text),
                Column("created_at", _TS),
                Column("updated_at", _TS),
                Column("deleted_at", _TS),
                *(Column(c.name, _kind(c)) for c in res.columns),
                Column("data", _JSON, nullable=False),
                Column("sync_hash", String(40), nullable=False),
                Column("synced_at", _TS, nullable=False),
            )
            Index(f"ix_{res.name}_updated", table.c.business_id, table.c.updated_at)
            self.resources[res.name] = table
        self.meta = Table("sync_meta", md, Column("key", String(64), primary_key=True), Column("value", Text))
        self.state = Table(
            "sync_state",
            md,
            Column("business_id", _ID, primary_key=True),
            Column("resource", String(64), primary_key=True),
            Column("cursor", _TS),
            Column("last_full_at", _TS),
            Column("completed_at", _TS),
            Column("last_round", String(128)),
            Column("last_job_id", BigInteger),
        )
        self.runs = Table(
            "sync_runs",
            md,
            Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
            Column("started_at", _TS, nullable=False),
            Column("ended_at", _TS),
            Column("status", String(16), nullable=False),
            Column("upserts", BigInteger, nullable=False, default=0),
            Column("deletes", BigInteger, nullable=False, default=0),
            Column("requests", BigInteger, nullable=False, default=0),
            Column("error", Text),
        )
        self.jobs = Table(
            "sync_jobs",
            md,
            Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
            Column("run_id", BigInteger),
            Column("business_id", _ID, nullable=False),
            Column("resource", String(64), nullable=False),
            Column("started_at", _TS, nullable=False),
            Column("ended_at", _TS),
            Column("full_pass", Boolean, nullable=False),
            Column("upserts", BigInteger, nullable=False, default=0),
            Column("deletes", BigInteger, nullable=False, default=0),
            Column("requests", BigInteger, nullable=False, default=0),
            Column("error", Text),
        )
        self.leases = Table(
            "sync_leases",
            md,
            Column("business_id", _ID, primary_key=True),
            Column("resource", String(64), primary_key=True),
            Column("owner", String(64), nullable=False),
            Column("expires_at", _TS, nullable=False),
        )
        self.outbox = Table(
            "sync_outbox",
            md,
            Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False, unique=True),
            Column("type", String(96), nullable=False),
            Column("business_id", _ID, nullable=False),
            Column("resource", String(64), nullable=False),
            Column("record_id", _ID, nullable=False),
            Column("occurred_at", _TS, nullable=False),
            Column("payload", _JSON, nullable=False),
            Column("delivered_at", _TS),
            Column("attempts", Integer, nullable=False, default=0),
            Column("next_attempt_at", _TS),
            Column("last_error", Text),
        )
        Index("ix_sync_outbox_pending", self.outbox.c.delivered_at, self.outbox.c.seq)


TABLES = Tables()


def ensure_schema(engine: Engine) -> None:
    """Create missing tables and record the schema version; refuse a database from a newer version."""
    meta = TABLES.meta
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # several workers may start at once: one creates the tables, the others wait and find them
            conn.execute(text("SELECT pg_advisory_xact_lock(7243101)"))
        TABLES.metadata.create_all(conn, checkfirst=True)
        found = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        if found is None:
            conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        elif int(found) > SCHEMA_VERSION:
            raise RuntimeError(
                f"the sync database is at schema version {found}, newer than this toolkit's "
                f"{SCHEMA_VERSION}: upgrade sage-accounting"
            )
        elif int(found) < SCHEMA_VERSION:  # forward migrations go here, one version at a time
            conn.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
