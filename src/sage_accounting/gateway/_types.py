"""The gateway's records (agents, approvals, idempotency claims, audit rows), its errors, and the canonical
JSON that hashes and redaction rely on.  No database code here: the policy and the sentences use these
without loading SQLAlchemy."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

__all__ = [
    "DECISIONS",
    "UNSET",
    "Agent",
    "AgentExistsError",
    "Approval",
    "ApprovalStateError",
    "AuditEntry",
    "AuditRow",
    "AuditVerdict",
    "Claim",
    "GatewayError",
    "GatewayInputError",
    "UnknownAgentError",
    "UnknownApprovalError",
    "Unset",
    "arguments_hash",
    "canonical_json",
    "redact",
]

DECISIONS: Final = ("allowed", "denied", "held", "approved", "rejected", "invalid", "failed")
"""The decisions an audit row records."""

Decision = Literal["allowed", "denied", "held", "approved", "rejected", "invalid", "failed"]


class Unset:
    """The type of :data:`UNSET`: "leave this setting as it is"."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset()
"""Passed for a setting that is to stay as it is (``None`` means "clear it")."""


# --- errors -----------------------------------------------------------------------------------------


class GatewayError(Exception):
    """Base of the gateway's errors; the message is one line naming what is wrong."""


class GatewayInputError(GatewayError, ValueError):
    """A bad name, area, level, amount or id given to the store."""


class UnknownAgentError(GatewayError, LookupError):
    """No agent has that name."""


class AgentExistsError(GatewayError):
    """An agent with that name exists already."""


class UnknownApprovalError(GatewayError, LookupError):
    """No approval has that id."""


class ApprovalStateError(GatewayError):
    """The approval was decided already, or has expired."""


# --- records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agent:
    """An agent: its grants (``levels``: every area -> ``off`` | ``read`` | ``full``), the businesses it may
    act in (empty: any), the amount above which its writes wait for approval, and whether every write does."""

    id: int
    name: str
    description: str | None
    levels: dict[str, str]
    businesses: tuple[str, ...] = ()
    max_amount: Decimal | None = None
    approve_writes: bool = False
    created_at: datetime | None = None

    def level(self, area: str) -> str:
        """The agent's level in ``area`` (``off`` when not granted)."""
        return self.levels.get(area, "off")


@dataclass(frozen=True)
class Approval:
    """A held write waiting for (or past) a human's decision.

    ``status`` is ``pending``, ``approved``, ``denied`` or ``expired`` (a pending one past ``expires_at``
    shows as expired).  ``result`` / ``error`` / ``finished_at`` are set once an approved call was carried
    out.
    """

    id: str
    agent_id: int
    agent_name: str
    tool: str
    action_key: str
    business_id: str | None
    business_name: str | None
    arguments: dict[str, Any]
    request: dict[str, Any]
    sentence: str
    status: str
    created_at: datetime
    expires_at: datetime
    amount: Decimal | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    result: Any = None
    error: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """The answer to an idempotency claim.

    ``new``: the caller owns the key and carries out the call (then stores or releases it); ``replay``:
    the call was made with these arguments, ``result`` is its answer; ``conflict``: the key was used with
    other arguments; ``in_progress``: a call with this key is running now.
    """

    state: Literal["new", "replay", "conflict", "in_progress"]
    result: Any = None


@dataclass(frozen=True)
class AuditEntry:
    """What one audit row records about a tool call (or an administrator's change)."""

    agent: str
    tool: str
    decision: str
    sentence: str
    area: str | None = None
    business_id: str | None = None
    business_name: str | None = None
    reason: str | None = None
    arguments: Mapping[str, Any] = field(default_factory=dict)
    sage_status: int | None = None
    request_id: str | None = None
    record_id: str | None = None
    record_displayed_as: str | None = None
    duration_ms: float | None = None


@dataclass(frozen=True)
class AuditRow(AuditEntry):
    """An audit row as stored: the entry, its id and time (UTC), the previous row's hash and its own."""

    id: int = 0
    time: datetime | None = None
    prev_hash: str = ""
    hash: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data (time as ISO 8601 UTC)."""
        return {
            "id": self.id,
            "time": iso_time(self.time) if self.time else None,
            "agent": self.agent,
            "tool": self.tool,
            "area": self.area,
            "business_id": self.business_id,
            "business_name": self.business_name,
            "decision": self.decision,
            "reason": self.reason,
            "sentence": self.sentence,
            "arguments": dict(self.arguments),
            "sage_status": self.sage_status,
            "request_id": self.request_id,
            "record_id": self.record_id,
            "record_displayed_as": self.record_displayed_as,
            "duration_ms": self.duration_ms,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class AuditVerdict:
    """The outcome of checking the audit chain: ``ok``, how many ``rows`` were checked, and for a broken
    chain the id of the first row that does not check out and what is wrong with it."""

    ok: bool
    rows: int
    first_bad_id: int | None = None
    problem: str | None = None


# --- canonical JSON, hashes, redaction ---------------------------------------------------------------


def iso_time(value: datetime) -> str:
    """``value`` (UTC) as ``2026-11-29T13:45:00.123456Z``; a naive value is taken as UTC."""
    return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return iso_time(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: keys sorted, no spaces, money (Decimal) as strings, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def arguments_hash(arguments: Mapping[str, Any]) -> str:
    """The SHA-256 of ``arguments``' canonical JSON (what an idempotency key is bound to)."""
    return hashlib.sha256(canonical_json(dict(arguments)).encode()).hexdigest()


_SECRET_NAME = re.compile(
    r"(?i)secret|token|passw(or)?d|passphrase|api_?key|(^|[_-])key$|^key|authorization|cookie"
)
_NOT_SECRET = frozenset({"idempotency_key"})
REDACTED: Final = "***"


def redact(value: Any) -> Any:
    """``value`` with the value of every key named like a secret (secret, token, password, key,
    authorization, cookie …) replaced by ``***``, at any depth."""
    if isinstance(value, Mapping):
        return {
            k: REDACTED
            if isinstance(k, str) and k not in _NOT_SECRET and _SECRET_NAME.search(k)
            else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value
