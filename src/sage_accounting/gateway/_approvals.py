"""Approvals: held writes waiting for a human, decided exactly once, expiring after a while (24 h by
default), a denial or an expiry audited as rejected.  A mixin of :class:`~.store.GatewayStore`."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from . import _audit, sentences
from ._db import approvals
from ._types import (
    Agent,
    Approval,
    ApprovalStateError,
    AuditEntry,
    GatewayInputError,
    UnknownApprovalError,
    canonical_json,
    iso_time,
)

__all__ = ["APPROVAL_STATUSES", "ApprovalsMixin"]

APPROVAL_STATUSES = ("pending", "approved", "denied", "expired")


class ApprovalsMixin:
    """The approval methods of the store (it provides ``_write``, ``_read``, ``_now`` and ``approval_ttl``)."""

    approval_ttl: timedelta
    _write: Callable[[], AbstractContextManager[sa.Connection]]
    _read: Callable[[], AbstractContextManager[sa.Connection]]
    _now: Callable[[], datetime]

    def hold(
        self,
        agent: Agent,
        *,
        tool: str,
        action_key: str,
        business_id: str | None,
        arguments: Mapping[str, Any],
        request: Mapping[str, Any],
        sentence: str,
        business_name: str | None = None,
        amount: Decimal | None = None,
        ttl: timedelta | None = None,
    ) -> Approval:
        """Record a held write as pending (it expires after ``ttl``, default the store's 24 h)."""
        now = self._now()
        approval_id = secrets.token_hex(5)
        values = {
            "id": approval_id,
            "agent_id": agent.id,
            "agent_name": agent.name,
            "tool": tool,
            "action_key": action_key,
            "business_id": business_id,
            "business_name": business_name,
            "arguments": canonical_json(dict(arguments)),
            "request": canonical_json(dict(request)),
            "sentence": sentence,
            "amount": None if amount is None else str(amount),
            "status": "pending",
            "created_at": now,
            "expires_at": now + (ttl if ttl is not None else self.approval_ttl),
        }
        with self._write() as conn:
            conn.execute(sa.insert(approvals).values(**values))
        return self.get_approval(approval_id)

    def _approval(self, row: Any, now: datetime) -> Approval:
        status = row.status
        if status == "pending" and _audit.utc(row.expires_at) <= now:
            status = "expired"
        return Approval(
            id=row.id,
            agent_id=row.agent_id,
            agent_name=row.agent_name,
            tool=row.tool,
            action_key=row.action_key,
            business_id=row.business_id,
            business_name=row.business_name,
            arguments=json.loads(row.arguments),
            request=json.loads(row.request),
            sentence=row.sentence,
            status=status,
            created_at=_audit.utc(row.created_at),
            expires_at=_audit.utc(row.expires_at),
            amount=Decimal(row.amount) if row.amount is not None else None,
            decided_by=row.decided_by,
            decided_at=_audit.utc(row.decided_at) if row.decided_at else None,
            reason=row.reason,
            result=json.loads(row.result) if row.result is not None else None,
            error=row.error,
            finished_at=_audit.utc(row.finished_at) if row.finished_at else None,
        )

    def get_approval(self, approval_id: str) -> Approval:
        """The approval ``approval_id`` (:class:`UnknownApprovalError` if there is none)."""
        with self._read() as conn:
            row = conn.execute(sa.select(approvals).where(approvals.c.id == approval_id)).one_or_none()
        if row is None:
            raise UnknownApprovalError(f"no approval {approval_id!r} (see `sage-accounting approvals list`)")
        return self._approval(row, self._now())

    def list_approvals(self, status: str | None = "pending", *, agent: str | None = None) -> list[Approval]:
        """Approvals, oldest first: ``status`` ``pending`` (the default: waiting ones), ``approved``,
        ``denied``, ``expired``, or ``None`` for all.  Pending ones past their expiry are expired first
        (each audited once as rejected)."""
        if status is not None and status not in APPROVAL_STATUSES:
            raise GatewayInputError(f"status {status!r} is not one of {', '.join(APPROVAL_STATUSES)}")
        self.expire_approvals()
        query = sa.select(approvals).order_by(approvals.c.created_at, approvals.c.id)
        if status is not None:
            query = query.where(approvals.c.status == status)
        if agent is not None:
            query = query.where(approvals.c.agent_name == agent)
        with self._read() as conn:
            rows = conn.execute(query).all()
        now = self._now()
        return [self._approval(r, now) for r in rows]

    def expire_approvals(self) -> list[str]:
        """Mark pending approvals past their expiry as expired, audit each (rejected: expired), return their ids."""
        now = self._now()
        with self._write() as conn:
            rows = conn.execute(
                sa.select(approvals).where(approvals.c.status == "pending", approvals.c.expires_at <= now)
            ).all()
            for row in rows:
                self._expire(conn, row, now)
        return [r.id for r in rows]

    def _expire(self, conn: sa.Connection, row: Any, now: datetime) -> None:
        done = conn.execute(
            sa.update(approvals)
            .where(approvals.c.id == row.id, approvals.c.status == "pending")
            .values(status="expired", decided_at=now, reason="expired without a decision")
        ).rowcount
        if done:
            why = f"expired at {iso_time(_audit.utc(row.expires_at))} without a decision"
            _audit.append(conn, self._decision_entry(row, "gateway", why), now)

    def _decision_entry(self, row: Any, by: str, reason: str | None) -> AuditEntry:
        return AuditEntry(
            agent=row.agent_name,
            tool=row.tool,
            decision="rejected",
            business_id=row.business_id,
            business_name=row.business_name,
            reason=reason or f"by {by}",
            arguments=json.loads(row.arguments),
            sentence=sentences.rejection_sentence(by, row.id, row.agent_name, row.tool, reason),
        )

    def decide_approval(
        self, approval_id: str, approve: bool, by: str, reason: str | None = None
    ) -> Approval:
        """Approve or deny a pending approval, exactly once (a second decision, from any process, raises
        :class:`ApprovalStateError`, as does an expired one).  A denial is audited (rejected); an approval
        is audited by whoever carries out the call."""
        now = self._now()
        expired = False
        with self._write() as conn:
            row = conn.execute(
                sa.select(approvals).where(approvals.c.id == approval_id).with_for_update()
            ).one_or_none()
            if row is None:
                raise UnknownApprovalError(
                    f"no approval {approval_id!r} (see `sage-accounting approvals list`)"
                )
            if row.status == "pending" and _audit.utc(row.expires_at) <= now:
                self._expire(conn, row, now)
                expired = True
            elif row.status != "pending":
                raise ApprovalStateError(_decided(self._approval(row, now)))
            else:
                status = "approved" if approve else "denied"
                done = conn.execute(
                    sa.update(approvals)
                    .where(approvals.c.id == approval_id, approvals.c.status == "pending")
                    .values(status=status, decided_by=by, decided_at=now, reason=reason)
                ).rowcount
                if not done:  # pragma: no cover - the row lock (or SQLite's write lock) prevents this
                    raise ApprovalStateError(f"approval {approval_id} was decided meanwhile")
                if not approve:
                    _audit.append(conn, self._decision_entry(row, by, reason), now)
        if expired:
            raise ApprovalStateError(
                f"approval {approval_id} expired at {iso_time(_audit.utc(row.expires_at))}: it can no "
                "longer be approved or denied; the agent must make the call again"
            )
        return self.get_approval(approval_id)

    def finish_approval(self, approval_id: str, result: Any = None, error: str | None = None) -> Approval:
        """Record what carrying out an approved call gave (its result, or the error)."""
        with self._write() as conn:
            done = conn.execute(
                sa.update(approvals)
                .where(approvals.c.id == approval_id, approvals.c.status == "approved")
                .values(
                    result=None if result is None else canonical_json(result),
                    error=error,
                    finished_at=self._now(),
                )
            ).rowcount
        if not done:
            approval = self.get_approval(approval_id)
            raise ApprovalStateError(f"approval {approval_id} is {approval.status}, not approved")
        return self.get_approval(approval_id)


def _decided(approval: Approval) -> str:
    if approval.status == "expired":
        return f"approval {approval.id} expired without a decision"
    who = f" by {approval.decided_by}" if approval.decided_by else ""
    return f"approval {approval.id} was {approval.status}{who} already"
