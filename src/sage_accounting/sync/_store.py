"""The database side of the sync: records in, tombstones, the cursor, runs and jobs.

Every write of a batch happens in one transaction: the rows, their events in the outbox and, for a
job's last batch, the cursor that covers them.  A row is only replaced by a version at least as new
(``updated_at``), and only when it differs (``sync_hash``): replaying a batch after a crash changes
nothing and emits nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from ._catalog import SyncResource
from ._rows import (
    FIXED_HEAD,
    Row,
    RowMaker,
    cached_ts,
    event_id,
    same,
    sqlite_datetime,
    sqlite_ts,
    sqlite_ts_read,
    utc,
)
from ._schema import TABLES, ensure_schema

__all__ = ["Applied", "JobState", "Store", "open_store"]

CHUNK = 500  # ids per IN (...) query: well under SQLite's bound-parameter limit
LOOKUP_CHUNK = 1000
"""Ids looked up per query when a batch is written, where the driver binds that many (one query for a
batch of 1,000: each statement lets go of the GIL and may wait to take it back)."""


@dataclass(frozen=True)
class JobState:
    """Where one (business, resource) stands."""

    cursor: dt.datetime | None
    last_full_at: dt.datetime | None
    completed_at: dt.datetime | None
    last_round: str | None = None


@dataclass
class Applied:
    """What one batch changed."""

    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def upserts(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class Finish:
    """The cursor (and friends) a job's last batch commits with its rows."""

    cursor: dt.datetime | None
    full: bool
    job_id: int | None
    round_id: str | None = None
    stats: dict[str, int] | None = None
    """The job's counts (``upserts``, ``deletes``, ``requests``), recorded in the same transaction."""


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


PAGE_SIZE = 16384
"""SQLite page size of a database the sync creates.  Records are kilobytes of JSON each: with SQLite's
4 KB pages one record fills most of a page and two never share one, so a 4 KB-page file is about 1.7
times its data; 16 KB pages hold several records each and a first sync writes and syncs less."""
CACHE_KB = 8192
"""SQLite page cache per connection.  The 2 MB default cannot hold the id index of a table of 100,000
records, and a batch's inserts, landing all over that index, then spill and read back pages from
disk many times over; 8 MB keeps it in memory (the cache grows only as pages are used)."""
CHECKPOINT_BYTES = 32 * 1024 * 1024
"""Checkpoint the WAL (copy it into the database, with an fsync) every 32 MB of WAL rather than
SQLite's 1,000 pages: a first sync's batches are megabytes each, and checkpointing after nearly every
one doubled its writes.  Commits are as safe either way; the WAL is reset once checkpointed."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # only takes effect on a database not yet created (the first statement creates the file); an
    # existing database keeps the page size it was made with
    cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
    # WAL lets readers (sync status) run beside a writer; a busy timeout lets several processes take turns
    cursor.execute("PRAGMA journal_mode=WAL")
    # in WAL mode NORMAL still survives the process being killed at any moment (only a power cut can
    # lose the last commits, rows and cursor together, which the next run reads again)
    cursor.execute("PRAGMA synchronous=NORMAL")
    page_size = cursor.execute("PRAGMA page_size").fetchone()[0]
    cursor.execute(f"PRAGMA wal_autocheckpoint={max(1, CHECKPOINT_BYTES // page_size)}")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KB}")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _pg_session(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # A commit need not wait for the disk: a sync killed at any moment loses nothing it committed (the
    # server has it), and if the server itself crashes its last commits vanish whole, rows and cursor
    # together, so the next run reads them again.  It halves the time of a sync's many small commits.
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
    dbapi_connection.commit()


def open_store(url: str) -> Store:
    """A store on the SQLAlchemy ``url`` (SQLite or PostgreSQL), its schema created or migrated."""
    if not url.startswith(("sqlite", "postgresql")):
        raise ValueError(f"--db {url!r}: the sync writes to SQLite (sqlite:///file.db) or PostgreSQL only")
    engine = create_engine(url, pool_recycle=1800, json_serializer=_json_text)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "connect", _pg_session)
    return Store(engine)


class Store:
    """The sync's database: apply batches, read and move cursors, list ids, report status."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_schema(engine)
        self.t = TABLES
        self._makers: dict[str, RowMaker] = {}

    def close(self) -> None:
        self.engine.dispose()

    # --- settings -------------------------------------------------------------------------------

    def events_enabled(self) -> bool:
        """Whether syncs write change events (on once ``watch`` or ``changes()`` has used this database)."""
        meta = self.t.meta
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == "events")).scalar() == "on"

    def enable_events(self) -> None:
        meta = self.t.meta
        with self.engine.begin() as conn:
            found = conn.execute(select(meta.c.value).where(meta.c.key == "events")).scalar()
            if found is None:
                conn.execute(insert(meta).values(key="events", value="on"))
            elif found != "on":
                conn.execute(update(meta).where(meta.c.key == "events").values(value="on"))

    # --- state ----------------------------------------------------------------------------------

    def state(self, business_id: str, resource: str) -> JobState:
        st = self.t.state
        with self.engine.connect() as conn:
            row = conn.execute(
                select(st.c.cursor, st.c.last_full_at, st.c.completed_at, st.c.last_round).where(
                    st.c.business_id == business_id, st.c.resource == resource
                )
            ).first()
        if row is None:
            return JobState(None, None, None)
        return JobState(utc(row.cursor), utc(row.last_full_at), utc(row.completed_at), row.last_round)

    def has_rows(self, business_id: str, resource: str) -> bool:
        """Whether ``resource``'s table holds any row of the business, live or deleted."""
        with self.engine.connect() as conn:
            return self._has_rows(conn, self.t.resources[resource], business_id)

    def live_ids(self, business_id: str, resource: str) -> set[str]:
        table = self.t.resources[resource]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(table.c.id).where(table.c.business_id == business_id, table.c.deleted_at.is_(None))
            )
            return {r.id for r in rows}

    # --- writes ---------------------------------------------------------------------------------

    def row_maker(self, resource: SyncResource) -> RowMaker:
        """What turns ``resource``'s records into rows for this database (made once per resource)."""
        maker = self._makers.get(resource.name)
        if maker is None:
            maker = self._makers[resource.name] = _row_maker(
                self.engine.dialect, self.t.resources[resource.name], resource
            )
        return maker

    def apply(
        self,
        resource: SyncResource,
        business_id: str,
        *,
        rows: Sequence[Row] = (),
        deleted: Sequence[str] = (),
        events: bool,
        now: dt.datetime,
        finish: Finish | None = None,
        look_up: Collection[str] | None = None,
    ) -> Applied:
        """Upsert ``rows`` (from :meth:`row_maker`), tombstone the ids in ``deleted`` and (with
        ``finish``) move the cursor, all in one transaction; events go to the outbox in the same
        transaction.

        ``look_up``: the ids of ``rows`` that may be stored already, from a job that knows (one that
        found no row of the business before it began looks up only the ids it may have written
        since); ``None``: every id, unless the business has no row in the table."""
        table = self.t.resources[resource.name]
        applied = Applied()
        with self.engine.begin() as conn:
            outbox: list[dict[str, Any]] = []
            if rows:
                maker = self.row_maker(resource)
                if look_up is None and not self._has_rows(conn, table, business_id):
                    look_up = ()
                self._upsert(conn, table, maker, business_id, rows, now, events, outbox, applied, look_up)
            if deleted:
                self._tombstone(conn, table, resource, business_id, deleted, now, events, outbox, applied)
            if outbox:
                conn.execute(insert(self.t.outbox), outbox)
            if finish is not None:
                self._finish(conn, business_id, resource.name, finish, now, applied)
        return applied

    def _has_rows(self, conn: Connection, table: Table, business_id: str) -> bool:
        """Whether the business has any row in ``table`` (a first sync skips looking each id up)."""
        query = select(table.c.id).where(table.c.business_id == business_id).limit(1)
        return conn.execute(query).first() is not None

    def _existing(
        self, conn: Connection, table: Table, business_id: str, ids: Iterable[str], *, data: bool = False
    ) -> dict[str, Any]:
        cols = [table.c.id, table.c.updated_at, table.c.sync_hash, table.c.deleted_at]
        if data:
            cols.append(table.c.data)
        found: dict[str, Any] = {}
        id_list = list(ids)
        # one expanding parameter for the ids: bound as they are, not each made into an expression
        query = select(*cols).where(
            table.c.business_id == business_id, table.c.id.in_(bindparam("ids", expanding=True))
        )
        chunk = LOOKUP_CHUNK if _variable_limit(conn) > LOOKUP_CHUNK else CHUNK
        for i in range(0, len(id_list), chunk):
            for row in conn.execute(query, {"ids": id_list[i : i + chunk]}):
                found[row.id] = row
        return found

    def _upsert(
        self,
        conn: Connection,
        table: Table,
        maker: RowMaker,
        business_id: str,
        rows: Sequence[Row],
        now: dt.datetime,
        events: bool,
        outbox: list[dict[str, Any]],
        applied: Applied,
        look_up: Collection[str] | None,
    ) -> None:
        latest = {row[RowMaker.ID]: row for row in rows}  # the last copy of an id in the batch wins
        ids = latest if look_up is None else look_up
        existing = self._existing(conn, table, business_id, ids) if ids else {}
        resource = maker.resource
        changed = []
        for rid, row in latest.items():
            old = existing.get(rid)
            if old is None:
                kind = "created"
            else:
                old_at, new_at = utc(old.updated_at), maker.updated_at(row)
                if old_at is not None and new_at is not None and new_at < old_at:
                    continue  # never replace a newer version with an older one
                if old.sync_hash == row[maker.HASH] and old.deleted_at is None:
                    continue  # seen before: nothing to write, no event
                kind = "updated"
            changed.append(row)
            if kind == "created":
                applied.created += 1
            else:
                applied.updated += 1
            if events:
                record = maker.record_json(row)
                outbox.append(_event(resource, business_id, rid, kind, row[maker.HASH], record, now))
        if changed:
            _execute_upsert(conn, table, maker, changed)

    def _tombstone(
        self,
        conn: Connection,
        table: Table,
        resource: SyncResource,
        business_id: str,
        deleted: Sequence[str],
        now: dt.datetime,
        events: bool,
        outbox: list[dict[str, Any]],
        applied: Applied,
    ) -> None:
        existing = self._existing(conn, table, business_id, set(deleted), data=events)
        gone = [rid for rid, row in existing.items() if row.deleted_at is None]
        for i in range(0, len(gone), CHUNK):
            conn.execute(
                update(table)
                .where(table.c.business_id == business_id, table.c.id.in_(gone[i : i + CHUNK]))
                .where(table.c.deleted_at.is_(None))
                .values(deleted_at=now, synced_at=now)
            )
        applied.deleted += len(gone)
        if events:
            for rid in gone:
                outbox.append(_event(resource, business_id, rid, "deleted", "", existing[rid].data, now))

    def _finish(
        self,
        conn: Connection,
        business_id: str,
        resource: str,
        finish: Finish,
        now: dt.datetime,
        applied: Applied,
    ) -> None:
        st = self.t.state
        values: dict[str, Any] = {
            "cursor": finish.cursor,
            "completed_at": now,
            "last_job_id": finish.job_id,
            "last_round": finish.round_id,
        }
        if finish.full:
            values["last_full_at"] = now
        if finish.job_id is not None and finish.stats is not None:
            jobs = self.t.jobs
            conn.execute(
                update(jobs)
                .where(jobs.c.id == finish.job_id)
                .values(
                    ended_at=now,
                    upserts=finish.stats.get("upserts", 0) + applied.upserts,
                    deletes=finish.stats.get("deletes", 0) + applied.deleted,
                    requests=finish.stats.get("requests", 0),
                )
            )
        done = conn.execute(
            update(st).where(st.c.business_id == business_id, st.c.resource == resource).values(**values)
        )
        if not done.rowcount:
            conn.execute(insert(st).values(business_id=business_id, resource=resource, **values))

    def purge_deleted(self, resources: Iterable[str], business_ids: Iterable[str] | None = None) -> int:
        """Drop the tombstones of ``resources`` (all businesses, or the ones named); the count dropped."""
        wanted = list(business_ids) if business_ids is not None else None
        dropped = 0
        with self.engine.begin() as conn:
            for name in resources:
                table = self.t.resources[name]
                query = delete(table).where(table.c.deleted_at.is_not(None))
                if wanted is not None:
                    query = query.where(table.c.business_id.in_(wanted))
                dropped += conn.execute(query).rowcount or 0
        return dropped

    # --- runs and jobs --------------------------------------------------------------------------

    def start_run(self, now: dt.datetime) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(self.t.runs).values(started_at=now, status="running"))
            return _new_id(result.inserted_primary_key)

    def finish_run(
        self, run_id: int, now: dt.datetime, *, upserts: int, deletes: int, requests: int, error: str | None
    ) -> None:
        runs = self.t.runs
        with self.engine.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(
                    ended_at=now,
                    status="failed" if error else "ok",
                    upserts=upserts,
                    deletes=deletes,
                    requests=requests,
                    error=error,
                )
            )

    def start_job(
        self, run_id: int | None, business_id: str, resource: str, now: dt.datetime, full: bool
    ) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(self.t.jobs).values(
                    run_id=run_id, business_id=business_id, resource=resource, started_at=now, full_pass=full
                )
            )
            return _new_id(result.inserted_primary_key)

    def finish_job(
        self, job_id: int, now: dt.datetime, *, upserts: int, deletes: int, requests: int, error: str | None
    ) -> None:
        jobs = self.t.jobs
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(ended_at=now, upserts=upserts, deletes=deletes, requests=requests, error=error)
            )

    # --- status ---------------------------------------------------------------------------------

    def status(self) -> list[dict[str, Any]]:
        """Per business and resource: the cursor, live and deleted row counts and the last job."""
        st, jobs = self.t.state, self.t.jobs
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            states = conn.execute(select(st).order_by(st.c.business_id, st.c.resource)).all()
            counts: dict[tuple[str, str], tuple[int, int]] = {}
            for name, table in self.t.resources.items():
                query = select(
                    table.c.business_id,
                    func.count(),
                    func.count(table.c.deleted_at),
                ).group_by(table.c.business_id)
                for bid, total, deleted in conn.execute(query):
                    counts[(bid, name)] = (int(total) - int(deleted), int(deleted))
            last_jobs = {
                row.id: row
                for row in conn.execute(
                    select(jobs).where(jobs.c.id.in_([s.last_job_id for s in states if s.last_job_id]))
                )
            }
        for s in states:
            live, deleted = counts.get((s.business_id, s.resource), (0, 0))
            job = last_jobs.get(s.last_job_id)
            out.append(
                {
                    "business_id": s.business_id,
                    "resource": s.resource,
                    "cursor": _iso(s.cursor),
                    "rows": live,
                    "deleted": deleted,
                    "last_full_at": _iso(s.last_full_at),
                    "last_run": None
                    if job is None
                    else {
                        "started_at": _iso(job.started_at),
                        "ended_at": _iso(job.ended_at),
                        "full_pass": bool(job.full_pass),
                        "upserts": job.upserts,
                        "deletes": job.deletes,
                        "requests": job.requests,
                        "error": job.error,
                    },
                }
            )
        return out


def _new_id(key: Any) -> int:
    """The id the database gave an inserted row."""
    if key is None or key[0] is None:
        raise RuntimeError("the database gave the new row no id")
    return int(key[0])


def _iso(value: dt.datetime | None) -> str | None:
    value = utc(value)
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _row_maker(dialect: Any, table: Table, resource: SyncResource) -> RowMaker:
    """A :class:`RowMaker` whose values are what ``dialect``'s driver takes for ``table``: on SQLite
    timestamps as SQLAlchemy's text and ``data`` as the JSON text itself; elsewhere each column's own
    bind conversion (``data`` stays the JSON bytes until bound, see :func:`_execute_upsert`)."""
    convert: dict[str, Any] = {}
    for column in table.columns:
        if column.name in FIXED_HEAD or column.name in ("data", "sync_hash"):
            continue
        if dialect.name == "sqlite" and isinstance(column.type, DateTime):
            convert[column.name] = sqlite_datetime
        else:
            process = column.type._cached_bind_processor(dialect)
            if process is not None:
                convert[column.name] = process
    maker = (
        RowMaker(
            resource, timestamp=sqlite_ts, read_timestamp=sqlite_ts_read, data=bytes.decode, convert=convert
        )
        if dialect.name == "sqlite"
        else RowMaker(resource, timestamp=cached_ts, read_timestamp=same, data=same, convert=convert)
    )
    if tuple(c.name for c in table.columns) != maker.names:
        raise RuntimeError(f"table {table.name} does not have the columns its rows are made with")
    return maker


ROWS_PER_STATEMENT = 500
"""Rows per SQLite statement when upserting (two statements for a batch of 1,000): one statement
binding many rows, rather than one step per row, lets the database do a batch's work with the GIL
released once per statement instead of once per row.  Each time a thread lets go of the GIL it may
wait up to the interpreter's switch interval (5 ms) to take it back while other threads run Python,
so a thousand releases per batch cost more than the database's work."""

_COMPILED: dict[tuple[str, str, int], str] = {}


def _compiled_upsert(conn: Connection, table: Table, names: tuple[str, ...], count: int) -> str:
    """The upsert of ``count`` rows (0: one row, executed once per row) as the driver's SQL, compiled
    once; its parameters are the rows' values in column order, row after row."""
    key = (conn.dialect.name, table.name, count)
    sql = _COMPILED.get(key)
    if sql is None:
        compiled = _upsert_statement(conn, table, count).compile(
            dialect=conn.dialect, column_keys=list(names)
        )
        order = tuple(compiled.positiontup or compiled.binds)
        if count:
            expected: tuple[str, ...] = tuple(f"{n}_m{i}" for i in range(count) for n in names)
        else:
            expected = names
        matches = order == expected if conn.dialect.paramstyle == "qmark" else set(order) == set(expected)
        if not matches:
            raise RuntimeError(f"the upsert of {table.name} binds {order[:20]}, not its columns in order")
        sql = _COMPILED[key] = str(compiled)
    return sql


def _execute_upsert(conn: Connection, table: Table, maker: RowMaker, rows: list[Row]) -> None:
    """Run the upsert of many rows straight through the driver, its statements compiled once: the
    rows are already the values the driver binds (SQLAlchemy's per-row parameter handling would cost
    more than the database's work on a first sync)."""
    names = maker.names
    if conn.dialect.paramstyle == "qmark":
        per = _rows_per_statement(conn, len(names))
        whole = len(rows) - len(rows) % per if per > 1 else 0
        if whole:
            sql = _compiled_upsert(conn, table, names, per)
            for i in range(0, whole, per):
                conn.exec_driver_sql(sql, tuple(itertools.chain.from_iterable(rows[i : i + per])))
        if whole < len(rows):
            conn.exec_driver_sql(_compiled_upsert(conn, table, names, 0), rows[whole:])
        return
    # named parameters; ``data`` wrapped by the JSON column's own conversion, embedded, not re-parsed
    at = maker.DATA
    wrap = table.c.data.type._cached_bind_processor(conn.dialect) or same
    params = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        values["data"] = wrap(orjson.Fragment(row[at]))
        params.append(values)
    conn.exec_driver_sql(_compiled_upsert(conn, table, names, 0), params)


def _variable_limit(conn: Connection) -> int:
    """How many values one statement may bind (SQLite's own limit, 999 before 3.32; PostgreSQL's)."""
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, sqlite3.Connection):
        return dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535 if conn.dialect.name == "postgresql" else 999


def _rows_per_statement(conn: Connection, columns: int) -> int:
    """How many rows one SQLite statement binds: :data:`ROWS_PER_STATEMENT`, within the driver's
    limit on bound values."""
    return max(1, min(ROWS_PER_STATEMENT, _variable_limit(conn) // columns))


def _upsert_statement(conn: Connection, table: Table, count: int = 0) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    if count:
        stmt = stmt.values([dict.fromkeys(c.name for c in table.columns)] * count)
    keys = {"business_id", "id"}
    return stmt.on_conflict_do_update(
        index_elements=[table.c.business_id, table.c.id],
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
        # a concurrent writer can never put an older version over a newer one
        where=or_(
            table.c.updated_at.is_(None),
            stmt.excluded.updated_at.is_(None),
            table.c.updated_at <= stmt.excluded.updated_at,
        ),
    )


def _event(
    resource: SyncResource,
    business_id: str,
    record_id: str,
    kind: str,
    version: str,
    record: Any,
    now: dt.datetime,
) -> dict[str, Any]:
    kind_type = f"{resource.event}.{kind}"
    eid = event_id(business_id, resource.name, record_id, kind, version)
    return {
        "event_id": eid,
        "type": kind_type,
        "business_id": business_id,
        "resource": resource.name,
        "record_id": record_id,
        "occurred_at": now,
        "payload": {
            "type": kind_type,
            "timestamp": _iso(now),
            "data": {
                "business_id": business_id,
                "resource": resource.name,
                "id": record_id,
                "record": record,
            },
        },
        "attempts": 0,
    }
