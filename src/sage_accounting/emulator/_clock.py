"""The emulator's clock: real time plus an offset the control plane can move."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime

# The clock never goes past the last second datetime can show (9999-12-31T23:59:59Z).
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()


class Clock:
    """Time as the emulator sees it. ``advance()`` moves it forward so tests expire tokens without sleeping."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen: float | None = None
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, emulator time."""
        if self._frozen is not None:
            return self._frozen
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock forward ``seconds``; ``ValueError`` for a negative or non-finite amount, or one that
        would take it past the year 9999."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise ValueError("advance must be a finite number of seconds")
        if seconds < 0:
            raise ValueError("advance must not be negative: the clock only moves forward")
        if self.time() + seconds > LATEST:
            raise ValueError(
                f"advance {seconds:g} s would move the clock past 9999-12-31; at most "
                f"{max(LATEST - self.time(), 0):.0f} s is left"
            )
        with self._lock:
            if self._frozen is not None:
                self._frozen += seconds
            else:
                self._offset += seconds

    def freeze(self, at: float | None = None) -> None:
        """Stop the clock (at ``at`` seconds since the epoch, or now)."""
        with self._lock:
            self._frozen = self.time() if at is None else at

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - time.time()
                self._frozen = None

    @property
    def offset(self) -> float:
        return self._offset if self._frozen is None else self._frozen - time.time()


_last: tuple[int, str] = (-1, "")


def iso(ts: float) -> str:
    """``2022-12-30T13:59:24Z``: Sage's UTC timestamp format (cached per second: it is on every request's path)."""
    global _last
    second = int(ts)
    cached = _last
    if cached[0] == second:
        return cached[1]
    text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _last = (second, text)
    return text
