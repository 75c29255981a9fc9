"""Signing in to the console: admin tokens and browser sessions, both kept in the gateway's database.

An admin token (``sgc_`` + 256 random bits) is shown once and stored only as its SHA-256, like agent keys;
the two live in different tables, so an agent key never signs in.  A session is a random id in a cookie
(stored hashed) with its own CSRF token, which every form of the console carries back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .._audit import utc

__all__ = ["TOKEN_PREFIX", "ConsoleAuth", "Session", "sessions", "tokens"]

TOKEN_PREFIX = "sgc_"
SESSION_TTL = timedelta(hours=12)

_metadata = sa.MetaData()
_TIME = sa.DateTime(timezone=True)

tokens = sa.Table(
    "gateway_console_tokens",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_by", sa.String(128)),
    sa.Column("created_at", _TIME, nullable=False),
)

sessions = sa.Table(
    "gateway_console_sessions",
    _metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column("token_id", sa.Integer, nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("expires_at", _TIME, nullable=False),
)


def _hash(secret: str) -> str:
    # 256 random bits: a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    """A signed-in browser: its CSRF token and when it ends."""

    csrf: str
    expires_at: datetime


class ConsoleAuth:
    """Admin tokens and sessions on the gateway's engine (the schema comes with the gateway's migrations)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def create_token(self, *, by: str = "admin") -> str:
        """A new admin token (returned once; only its hash is kept)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                sa.insert(tokens).values(token_hash=_hash(token), created_by=by, created_at=datetime.now(UTC))
            )
        return token

    def token_id(self, token: str | None) -> int | None:
        """The id of the admin token ``token`` (None for anything else, agent keys included)."""
        if not token or not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
            return None
        digest = _hash(token.strip())
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(tokens.c.id, tokens.c.token_hash).where(tokens.c.token_hash == digest)
            ).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        return int(row.id)

    def start_session(self, token_id: int) -> str:
        """A new session for the admin token ``token_id``; returns the cookie value."""
        sid = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(sa.delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(
                sa.insert(sessions).values(
                    session_hash=_hash(sid), token_id=token_id, csrf=secrets.token_urlsafe(32),
                    created_at=now, expires_at=now + SESSION_TTL,
                )
            )  # fmt: skip
        return sid

    def session(self, sid: str | None) -> Session | None:
        """The live session of the cookie value ``sid`` (None: not signed in)."""
        if not sid:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions).where(sessions.c.session_hash == _hash(sid))).first()
            if row is None or utc(row.expires_at) <= datetime.now(UTC):
                return None
            # A revoked admin token ends its sessions.
            if conn.execute(sa.select(tokens.c.id).where(tokens.c.id == row.token_id)).first() is None:
                return None
        return Session(csrf=row.csrf, expires_at=utc(row.expires_at))

    def end_session(self, sid: str | None) -> None:
        """Sign out (the cookie value stops working)."""
        if sid:
            with self.engine.begin() as conn:
                conn.execute(sa.delete(sessions).where(sessions.c.session_hash == _hash(sid)))
