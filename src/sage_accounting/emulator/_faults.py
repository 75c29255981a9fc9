"""Scripted faults and the request log."""

from __future__ import annotations

import fnmatch
import random
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_STATUSES = (408, 429, 500, 502, 503, 504)


@dataclass
class Fault:
    """What to do to the next ``count`` requests matching ``method`` and ``path`` (an fnmatch pattern on the
    URL path, e.g. ``/v3.1/contacts*``). ``count=None`` keeps the fault until it is cleared; ``probability``
    applies it to that share of matching requests at random (seeded, so runs repeat)."""

    method: str = "*"
    path: str = "*"
    status: int | None = None
    count: int | None = 1
    retry_after: int | None = None
    latency: float | None = None
    drop: bool = False
    commit_then_fail: bool = False
    probability: float | None = None
    id: int = 0
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_fault(data: dict[str, Any]) -> Fault:
    """Build a Fault from user input, refusing what makes no sense with a ValueError naming the input."""
    allowed = {f for f in Fault.__dataclass_fields__ if f not in ("id", "hits")}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
    fault = Fault(**data)
    fault.method = str(fault.method).upper()
    if fault.status is not None and fault.status not in FAULT_STATUSES:
        raise ValueError(f"status must be one of {FAULT_STATUSES}, not {fault.status!r}")
    if fault.count is not None and (not isinstance(fault.count, int) or fault.count < 1):
        raise ValueError("count must be a positive integer or null")
    if fault.latency is not None and (
        not isinstance(fault.latency, int | float) or not 0 <= fault.latency <= 120
    ):
        raise ValueError("latency must be a number of seconds between 0 and 120")
    if fault.probability is not None and not (
        isinstance(fault.probability, int | float) and 0 < fault.probability <= 1
    ):
        raise ValueError("probability must be a number in (0, 1]")
    if fault.status is None and not (fault.drop or fault.commit_then_fail or fault.latency):
        raise ValueError("a fault needs a status, latency, drop or commit_then_fail")
    return fault


class Faults:
    """The armed faults. Thread-safe: the emulator may serve in-process and over a socket at once."""

    def __init__(self, seed: int = 1234) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()
        self._next_id = 1
        self._random = random.Random(seed)

    def add(self, method: str = "*", path: str = "*", **options: Any) -> Fault:
        """Arm a fault. See :class:`Fault` for the options (status, count, retry_after, latency, drop,
        commit_then_fail, probability)."""
        fault = check_fault({"method": method, "path": path, **options})
        with self._lock:
            fault.id = self._next_id
            self._next_id += 1
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault that applies to this request, consuming one of its uses."""
        with self._lock:
            for fault in self._rules:
                if not fault.matches(method, path):
                    continue
                if fault.probability is not None and self._random.random() >= fault.probability:
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._rules.remove(fault)
                return fault
        return None


@dataclass
class LogEntry:
    """One request the emulator answered."""

    seq: int
    time: str
    method: str
    path: str
    query: str
    status: int
    request_id: str
    business_id: str | None = None
    client_id: str | None = None
    user_id: str | None = None
    grant_type: str | None = None
    fault: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """Every call with method, path, status, business and token grant, so tests can assert on them.

    The most recent ``limit`` calls are kept (a bounded deque: a long-running server never grows past it)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._entries: deque[LogEntry] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._seq = 0

    @property
    def limit(self) -> int:
        """How many calls are kept."""
        return self._entries.maxlen or 0

    def append(self, **fields: Any) -> LogEntry:
        with self._lock:
            self._seq += 1
            entry = LogEntry(seq=self._seq, **fields)
            self._entries.append(entry)
            return entry

    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
