"""The gateway's state in one SQL database: agents and their grants, approvals, idempotency keys and the
audit chain.

:class:`GatewayStore` is thread-safe (every call takes its own connection from the engine's pool) and
several processes may share one PostgreSQL database: audit appends and approval decisions are serialized
in the database, not in the process.  Agent keys (``sga_`` + 256 random bits) are returned once, when
created or rotated, and stored only as their SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from . import _audit, sentences
from ._approvals import ApprovalsMixin
from ._areas import ALL_AREAS, LEVELS
from ._db import agents, approvals, create_engine, default_url, grants, idempotency, migrate
from ._types import (
    UNSET,
    Agent,
    AgentExistsError,
    Approval,
    AuditEntry,
    AuditRow,
    AuditVerdict,
    Claim,
    GatewayInputError,
    UnknownAgentError,
    Unset,
    canonical_json,
)

__all__ = [
    "KEY_PREFIX",
    "Agent",
    "Approval",
    "AuditEntry",
    "AuditRow",
    "AuditVerdict",
    "Claim",
    "GatewayStore",
    "check_amount",
    "check_levels",
]

T = TypeVar("T")

KEY_PREFIX = "sga_"
DEFAULT_APPROVAL_TTL = timedelta(hours=24)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _now() -> datetime:
    return datetime.now(UTC)


def _key_hash(key: str) -> str:
    # Keys carry 256 random bits: a plain SHA-256 cannot be brute-forced, no salt or slow hash needed.
    return hashlib.sha256(key.encode()).hexdigest()


# The lookup every HTTP request makes, in one statement built once: the agent with its grants (an agent with
# none comes back as one row whose area is NULL).
_AGENT_BY_KEY = (
    sa.select(agents, grants.c.area.label("grant_area"), grants.c.level.label("grant_level"))
    .select_from(agents.outerjoin(grants, grants.c.agent_id == agents.c.id))
    .where(agents.c.key_hash == sa.bindparam("digest"))
)


def _agent(row: Any, granted: Mapping[str, str]) -> Agent:
    """The agent of an agents-table ``row`` with these levels (every other area off)."""
    return Agent(
        id=row.id,
        name=row.name,
        description=row.description,
        levels={**dict.fromkeys(ALL_AREAS, "off"), **granted},
        businesses=tuple(json.loads(row.businesses or "[]")),
        max_amount=Decimal(row.max_amount) if row.max_amount is not None else None,
        approve_writes=bool(row.approve_writes),
        created_at=_audit.utc(row.created_at),
    )


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def check_name(name: str) -> str:
    """``name`` if it is a valid agent name (letters, digits, ``_ . -``, up to 64), else an error naming it."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise GatewayInputError(
            f"agent name {name!r} is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a "
            "letter or digit"
        )
    return name


def check_levels(levels: Mapping[str, str]) -> dict[str, str]:
    """``levels`` checked (every area one of :data:`ALL_AREAS`, every level off/read/full), lower-cased."""
    checked: dict[str, str] = {}
    for area, level in levels.items():
        a, lv = str(area).strip().lower(), str(level).strip().lower()
        if a not in ALL_AREAS:
            raise GatewayInputError(f"unknown area {area!r}: the areas are {', '.join(ALL_AREAS)}")
        if lv not in LEVELS:
            raise GatewayInputError(f"unknown level {level!r} for {a}: the levels are {', '.join(LEVELS)}")
        checked[a] = lv
    return checked


def check_amount(value: Decimal | str | int | None) -> Decimal | None:
    """``value`` as a non-negative finite Decimal (``None`` stays ``None``), else an error naming it."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise GatewayInputError(f"max amount {value!r} is not a number (e.g. 1000 or 1500.50)") from None
    if not amount.is_finite() or amount < 0:
        raise GatewayInputError(f"max amount {value!r} must be a finite amount of zero or more")
    return amount


def _dumps(value: Any) -> str:
    return canonical_json(value)


class GatewayStore(ApprovalsMixin):
    """The gateway's database.  Open it with :meth:`open`; ``clock`` (UTC ``datetime`` factory) and
    ``approval_ttl`` are there for tests and deployments that want another expiry."""

    def __init__(
        self,
        engine: sa.Engine,
        url: str,
        *,
        clock: Callable[[], datetime] = _now,
        approval_ttl: timedelta = DEFAULT_APPROVAL_TTL,
    ) -> None:
        self._engine = engine
        self.url = url
        self.clock = clock
        self.approval_ttl = approval_ttl

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        clock: Callable[[], datetime] = _now,
        approval_ttl: timedelta = DEFAULT_APPROVAL_TTL,
    ) -> GatewayStore:
        """Open (creating or upgrading the schema) the database at ``url`` (default :func:`default_url`)."""
        url = url or default_url()
        engine = create_engine(url)
        try:
            migrate(engine)
        except Exception:
            engine.dispose()
            raise
        return cls(engine, url, clock=clock, approval_ttl=approval_ttl)

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine (for tests and maintenance)."""
        return self._engine

    @property
    def local(self) -> bool:
        """True when the database is a SQLite file (or memory) in this process's reach, not a server."""
        return self._engine.dialect.name == "sqlite"

    async def acall(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` (one of this store's methods) from async code.

        On SQLite it runs in place: a call is a millisecond of local file work, while handing it to a worker
        thread and back costs several on a busy machine (two thread switches and the GIL), twice per tool
        call.  WAL readers never wait, and a write waits only for another process's write of the same
        size.  A database server (PostgreSQL) is a network round trip away, so there the call goes to a
        worker thread and the event loop keeps serving other agents meanwhile.
        """
        if self.local:
            return fn(*args, **kwargs)
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> GatewayStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self._engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def _now(self) -> datetime:
        return _audit.utc(self.clock())

    # --- agents -----------------------------------------------------------------------------------

    def _load_agent(self, conn: sa.Connection, row: Any) -> Agent:
        query = sa.select(grants.c.area, grants.c.level).where(grants.c.agent_id == row.id)
        return _agent(row, {g.area: g.level for g in conn.execute(query)})

    def _agent_row(self, conn: sa.Connection, name: str) -> Any:
        row = conn.execute(sa.select(agents).where(agents.c.name == name)).one_or_none()
        if row is None:
            raise UnknownAgentError(f"no agent named {name!r} (see `sage-accounting agents list`)")
        return row

    def _admin_audit(self, conn: sa.Connection, agent: str, tool: str, by: str, sentence: str) -> None:
        entry = AuditEntry(agent=agent, tool=tool, decision="allowed", reason=f"by {by}", sentence=sentence)
        _audit.append(conn, entry, self._now())

    def add_agent(self, name: str, description: str | None = None, *, by: str = "admin") -> tuple[Agent, str]:
        """Create an agent with every area off; return it and its key (the only time the key is shown)."""
        check_name(name)
        key = _new_key()
        try:
            with self._write() as conn:
                if conn.execute(sa.select(agents.c.id).where(agents.c.name == name)).first() is not None:
                    raise AgentExistsError(f"an agent named {name!r} exists already")
                conn.execute(
                    sa.insert(agents).values(
                        name=name, description=description, key_hash=_key_hash(key), created_at=self._now()
                    )
                )
                agent = self._load_agent(conn, self._agent_row(conn, name))
                self._admin_audit(conn, name, "agents add", by, sentences.admin_sentence(by, "added", name))
        except IntegrityError:  # another process added it between our check and insert
            raise AgentExistsError(f"an agent named {name!r} exists already") from None
        return agent, key

    def agent_by_key(self, key: str | None) -> Agent | None:
        """The agent whose key is ``key`` (``None`` for an unknown, removed or rotated-away key)."""
        if not key or not isinstance(key, str) or not key.startswith(KEY_PREFIX):
            return None
        digest = _key_hash(key)
        with self._read() as conn:
            rows = conn.execute(_AGENT_BY_KEY, {"digest": digest}).all()
        if not rows or not hmac.compare_digest(rows[0].key_hash, digest):
            return None
        return _agent(rows[0], {r.grant_area: r.grant_level for r in rows if r.grant_area is not None})

    def get_agent(self, name: str) -> Agent:
        """The agent named ``name`` (:class:`UnknownAgentError` if there is none)."""
        with self._read() as conn:
            return self._load_agent(conn, self._agent_row(conn, name))

    def list_agents(self) -> list[Agent]:
        """Every agent, by name."""
        with self._read() as conn:
            rows = conn.execute(sa.select(agents).order_by(agents.c.name)).all()
            return [self._load_agent(conn, r) for r in rows]

    def rotate_key(self, name: str, *, by: str = "admin") -> str:
        """Give the agent a new key (returned, the only time it is shown); the old one stops working."""
        key = _new_key()
        with self._write() as conn:
            row = self._agent_row(conn, name)
            conn.execute(
                sa.update(agents)
                .where(agents.c.id == row.id)
                .values(key_hash=_key_hash(key), key_rotated_at=self._now())
            )
            self._admin_audit(
                conn, name, "agents rotate-key", by, sentences.admin_sentence(by, "rotated the key of", name)
            )
        return key

    def remove_agent(self, name: str, *, by: str = "admin") -> None:
        """Remove the agent (its key stops working; its pending approvals are denied; the audit stays)."""
        with self._write() as conn:
            row = self._agent_row(conn, name)
            now = self._now()
            conn.execute(
                sa.update(approvals)
                .where(approvals.c.agent_id == row.id, approvals.c.status == "pending")
                .values(status="denied", decided_by=by, decided_at=now, reason="agent removed")
            )
            conn.execute(sa.delete(grants).where(grants.c.agent_id == row.id))
            conn.execute(sa.delete(idempotency).where(idempotency.c.agent_id == row.id))
            conn.execute(sa.delete(agents).where(agents.c.id == row.id))
            self._admin_audit(conn, name, "agents remove", by, sentences.admin_sentence(by, "removed", name))

    def grant(
        self,
        name: str,
        levels: Mapping[str, str] | None = None,
        *,
        businesses: Sequence[str] | None = None,
        max_amount: Decimal | str | Unset | None = UNSET,
        approve_writes: bool | None = None,
        by: str = "admin",
    ) -> Agent:
        """Set the agent's levels (only the areas given change), and optionally its businesses (``[]``:
        any), its max amount (``None``: no limit) and whether every write waits for approval.  The change
        is audited as a sentence: "admin set bookkeeper: Sales Off → Full"."""
        checked = check_levels(levels or {})
        amount = UNSET if isinstance(max_amount, Unset) else check_amount(max_amount)
        wanted = None if businesses is None else tuple(dict.fromkeys(str(b).strip() for b in businesses))
        if wanted is not None and any(not b for b in wanted):
            raise GatewayInputError("a business id given to --business is empty")
        with self._write() as conn:
            row = self._agent_row(conn, name)
            before = self._load_agent(conn, row)
            for area, level in checked.items():
                conn.execute(sa.delete(grants).where(grants.c.agent_id == row.id, grants.c.area == area))
                if level != "off":
                    conn.execute(sa.insert(grants).values(agent_id=row.id, area=area, level=level))
            values: dict[str, Any] = {}
            extra: list[str] = []
            if wanted is not None and wanted != before.businesses:
                values["businesses"] = _dumps(list(wanted))
                extra.append(f"businesses {_any(before.businesses)} → {_any(wanted)}")
            if not isinstance(amount, Unset) and amount != before.max_amount:
                values["max_amount"] = None if amount is None else str(amount)
                extra.append(f"max amount {_limit(before.max_amount)} → {_limit(amount)}")
            if approve_writes is not None and approve_writes != before.approve_writes:
                values["approve_writes"] = approve_writes
                extra.append(f"approve writes {_yes(before.approve_writes)} → {_yes(approve_writes)}")
            if values:
                conn.execute(sa.update(agents).where(agents.c.id == row.id).values(**values))
            after = self._load_agent(conn, self._agent_row(conn, name))
            changes = sentences.grant_changes(before.levels, {a: after.levels[a] for a in checked})
            sentence = sentences.grant_sentence(by, name, changes, extra)
            self._admin_audit(conn, name, "agents grant", by, sentence)
        return after

    # --- idempotency ------------------------------------------------------------------------------

    def idempotency_claim(self, agent_id: int, business_id: str | None, key: str, args_hash: str) -> Claim:
        """Claim ``key`` for a write (see :class:`Claim` for the answers).  Keys are per agent and business."""
        if not key or len(key) > 255:
            raise GatewayInputError("idempotency_key must be 1 to 255 characters")
        now = self._now()
        ident = {"agent_id": agent_id, "business_id": business_id or "", "key": key}
        try:
            with self._write() as conn:
                conn.execute(
                    sa.insert(idempotency).values(
                        **ident, args_hash=args_hash, state="in_progress", created_at=now, updated_at=now
                    )
                )
            return Claim("new")
        except IntegrityError:
            pass
        with self._read() as conn:
            row = conn.execute(sa.select(idempotency).where(*_ident(ident))).one_or_none()
        if row is None:  # released between our insert and this read: try once more
            return self.idempotency_claim(agent_id, business_id, key, args_hash)
        if row.args_hash != args_hash:
            return Claim("conflict")
        if row.state != "done":
            return Claim("in_progress")
        return Claim("replay", json.loads(row.result) if row.result is not None else None)

    def idempotency_store(self, agent_id: int, business_id: str | None, key: str, result: Any) -> None:
        """Keep the result of the call that claimed ``key`` (later claims with the same arguments replay it)."""
        ident = {"agent_id": agent_id, "business_id": business_id or "", "key": key}
        with self._write() as conn:
            conn.execute(
                sa.update(idempotency)
                .where(*_ident(ident))
                .values(state="done", result=_dumps(result), updated_at=self._now())
            )

    def idempotency_release(self, agent_id: int, business_id: str | None, key: str) -> None:
        """Give ``key`` up after a call that failed without writing (a retry may claim it again)."""
        ident = {"agent_id": agent_id, "business_id": business_id or "", "key": key}
        with self._write() as conn:
            conn.execute(sa.delete(idempotency).where(*_ident(ident), idempotency.c.state == "in_progress"))

    # --- audit ------------------------------------------------------------------------------------

    def append_audit(self, entry: AuditEntry) -> AuditRow:
        """Append one row to the audit chain (arguments redacted again, to be sure) and return it."""
        with self._write() as conn:
            return _audit.append(conn, entry, self._now())

    def list_audit(
        self,
        agent: str | None = None,
        decision: str | None = None,
        business_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AuditRow]:
        """Audit rows, newest first; pass the last row's id as ``before_id`` for the next page."""
        with self._read() as conn:
            return _audit.list_rows(
                conn,
                agent=agent,
                decision=decision,
                business_id=business_id,
                since=since,
                until=until,
                before_id=before_id,
                limit=limit,
            )

    def verify_audit(self) -> AuditVerdict:
        """Check the whole chain; the verdict names the first row that was altered or follows a removed one."""
        with self._read() as conn:
            return _audit.verify(conn)


def _ident(ident: Mapping[str, Any]) -> list[sa.ColumnElement[bool]]:
    return [idempotency.c.agent_id == ident["agent_id"], idempotency.c.business_id == ident["business_id"],
            idempotency.c.key == ident["key"]]  # fmt: skip


def _any(businesses: Sequence[str]) -> str:
    return ", ".join(businesses) if businesses else "any"


def _limit(amount: Decimal | None) -> str:
    return "none" if amount is None else sentences.money(amount)


def _yes(flag: bool) -> str:
    return "on" if flag else "off"
