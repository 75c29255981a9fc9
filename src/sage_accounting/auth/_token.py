"""The OAuth token pair and its lifetimes."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Token"]


def _utc(value: _dt.datetime) -> _dt.datetime:
    return value.replace(tzinfo=_dt.UTC) if value.tzinfo is None else value.astimezone(_dt.UTC)


def _parse_dt(value: Any, key: str) -> _dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return _utc(value)
    if isinstance(value, str):
        return _utc(_dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    raise ValueError(f"token field {key!r} must be an ISO timestamp, got {type(value).__name__}")


@dataclass(frozen=True, repr=False)
class Token:
    """An access token and the refresh token that renews it.

    ``expires_at`` / ``refresh_expires_at`` are aware UTC datetimes.  ``repr()`` and ``str()`` never
    show the tokens themselves, so a token can be logged safely.

    >>> t = Token.from_response({"access_token": "a", "refresh_token": "r", "expires_in": 300})
    >>> "a" in repr(t).split("access_token=")[1][:3]
    False
    """

    access_token: str
    refresh_token: str
    expires_at: _dt.datetime
    refresh_expires_at: _dt.datetime | None = None
    scope: str | None = None
    token_type: str = "bearer"
    requested_by_id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_response(cls, data: Mapping[str, Any], *, now: _dt.datetime | None = None) -> Token:
        """Build from the JSON of ``POST /token`` (lifetimes counted from ``now``)."""
        now = _utc(now or _dt.datetime.now(_dt.UTC))
        try:
            access = str(data["access_token"])
            refresh = str(data["refresh_token"])
        except KeyError as exc:
            raise ValueError(f"token response lacks {exc.args[0]!r}") from None
        expires_in = float(data.get("expires_in") or 300)
        refresh_in = data.get("refresh_token_expires_in")
        known = {
            "access_token",
            "refresh_token",
            "expires_in",
            "refresh_token_expires_in",
            "scope",
            "token_type",
            "requested_by_id",
        }
        return cls(
            access_token=access,
            refresh_token=refresh,
            expires_at=now + _dt.timedelta(seconds=expires_in),
            refresh_expires_at=(now + _dt.timedelta(seconds=float(refresh_in))) if refresh_in else None,
            scope=data.get("scope"),
            token_type=str(data.get("token_type") or "bearer"),
            requested_by_id=None if data.get("requested_by_id") is None else str(data["requested_by_id"]),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stores persist it (contains the secrets: store it safely)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat(),
            "refresh_expires_at": self.refresh_expires_at.isoformat() if self.refresh_expires_at else None,
            "scope": self.scope,
            "token_type": self.token_type,
            "requested_by_id": self.requested_by_id,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Token:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, Mapping):
            raise ValueError("a stored token must be a JSON object")
        missing = [k for k in ("access_token", "refresh_token", "expires_at") if not data.get(k)]
        if missing:
            raise ValueError(f"stored token lacks {', '.join(missing)}")
        expires_at = _parse_dt(data["expires_at"], "expires_at")
        assert expires_at is not None
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            expires_at=expires_at,
            refresh_expires_at=_parse_dt(data.get("refresh_expires_at"), "refresh_expires_at"),
            scope=data.get("scope"),
            token_type=str(data.get("token_type") or "bearer"),
            requested_by_id=data.get("requested_by_id"),
            extra=dict(data.get("extra") or {}),
        )

    def access_expired(self, *, now: _dt.datetime | None = None, leeway: float = 0.0) -> bool:
        """True when the access token expires within ``leeway`` seconds of ``now``."""
        now = _utc(now or _dt.datetime.now(_dt.UTC))
        return now + _dt.timedelta(seconds=leeway) >= self.expires_at

    def refresh_expired(self, *, now: _dt.datetime | None = None) -> bool:
        """True when the refresh token's lifetime (31 days at Sage) is over."""
        if self.refresh_expires_at is None:
            return False
        now = _utc(now or _dt.datetime.now(_dt.UTC))
        return now >= self.refresh_expires_at

    def expired_copy(self) -> Token:
        """A copy whose access token counts as expired (forces a refresh on next use)."""
        return replace(self, expires_at=_dt.datetime(1970, 1, 1, tzinfo=_dt.UTC))

    def __repr__(self) -> str:
        refresh = self.refresh_expires_at.isoformat() if self.refresh_expires_at else None
        return (
            f"Token(access_token='***', refresh_token='***', expires_at={self.expires_at.isoformat()!r}, "
            f"refresh_expires_at={refresh!r}, "
            f"scope={self.scope!r}, requested_by_id={self.requested_by_id!r})"
        )

    __str__ = __repr__
