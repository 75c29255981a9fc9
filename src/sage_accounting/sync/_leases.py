"""Leases on (business, resource) jobs, held in the database, so that several sync processes (or an
orchestrator's tasks) share the work and no job runs twice at once.

A lease names its owner (``host:pid:random``) and expires unless renewed.  A lease whose owner was a
process on this machine that no longer exists (killed) is taken over at once instead of waiting for it
to expire.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ._rows import utc
from ._schema import TABLES

__all__ = ["Leases", "new_owner"]


def new_owner() -> str:
    """An owner name for this process: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_local(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Leases:
    """Take, renew and give back job leases for one owner."""

    def __init__(self, engine: Engine, owner: str, ttl: dt.timedelta = dt.timedelta(minutes=5)) -> None:
        self.engine = engine
        self.owner = owner
        self.ttl = ttl

    def acquire(self, business_id: str, resource: str, now: dt.datetime) -> bool:
        """Take the lease on a job: ``False`` when another live owner holds it."""
        table = TABLES.leases
        expires = now + self.ttl
        key = (table.c.business_id == business_id, table.c.resource == resource)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(table).values(
                        business_id=business_id, resource=resource, owner=self.owner, expires_at=expires
                    )
                )
            return True
        except IntegrityError:
            pass
        with self.engine.begin() as conn:
            row = conn.execute(select(table.c.owner, table.c.expires_at).where(*key)).first()
            if row is None:
                return False  # released meanwhile: the next round takes it
            held_until = utc(row.expires_at)
            held = row.owner != self.owner and held_until is not None and held_until > now
            if held and not _dead_local(row.owner):
                return False
            # compare-and-set on the owner we saw, so two takers never both win
            done = conn.execute(
                update(table)
                .where(*key, table.c.owner == row.owner, table.c.expires_at == row.expires_at)
                .values(owner=self.owner, expires_at=expires)
            )
            return bool(done.rowcount)

    def renew(self, business_id: str, resource: str, now: dt.datetime) -> bool:
        """Push the lease's expiry on; ``False`` if it was lost (taken over after expiring)."""
        table = TABLES.leases
        with self.engine.begin() as conn:
            done = conn.execute(
                update(table)
                .where(
                    table.c.business_id == business_id,
                    table.c.resource == resource,
                    table.c.owner == self.owner,
                )
                .values(expires_at=now + self.ttl)
            )
            return bool(done.rowcount)

    def release(self, business_id: str, resource: str) -> None:
        table = TABLES.leases
        with self.engine.begin() as conn:
            conn.execute(
                delete(table).where(
                    table.c.business_id == business_id,
                    table.c.resource == resource,
                    table.c.owner == self.owner,
                )
            )
