"""The refresh decision, written once and free of I/O, for the sync and the async client alike.

Like httpx's auth flows, :func:`refresh_flow` is a generator: it yields the I/O it needs — read the store
(:class:`Load`), check that a new pair could be saved (:class:`CheckWritable`), call Sage's token
endpoint (:class:`Post`), save and adopt the new pair (:class:`Keep`), adopt a pair another worker saved
(:class:`Adopt`) — and is sent each result back.  An ``InvalidGrant`` answer to a :class:`Post` is thrown
into it.  :class:`~sage_accounting.auth._refresh.Refresher` drives it inside the refresh's critical
section, blocking in ``ensure_token`` and awaiting in ``aensure_token``; neither carries any of the
decisions below.

The decisions: with no stored pair the user must sign in; a stored pair that is still fresh (and is not
the one known to be bad) was rotated by another worker and is adopted without calling Sage; the refresh
token is spent only once the store is known to take its successor; after ``invalid_grant`` the store is
read again, because another process may have rotated the pair meanwhile — its pair is adopted, or
refreshed once more — and only a store that did not move means the sign-in is over.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from ._oauth import InvalidGrant
from ._token import Token

__all__ = ["Adopt", "CheckWritable", "Keep", "Load", "Post", "Step", "refresh_flow"]


@dataclass(frozen=True)
class Load:
    """Read the stored pair; the flow is sent the ``Token`` or ``None``."""


@dataclass(frozen=True)
class CheckWritable:
    """Make sure the store could save a new pair now (raises if not: the refresh token is kept)."""


@dataclass(frozen=True)
class Post:
    """Ask Sage for a new pair with ``refresh_token``; the flow is sent the new ``Token``, or thrown
    ``InvalidGrant``."""

    refresh_token: str


@dataclass(frozen=True)
class Keep:
    """Save the pair Sage just issued and use it (``base``: the refresh token it replaces); the flow is
    sent the ``Token`` in use."""

    token: Token
    base: str


@dataclass(frozen=True)
class Adopt:
    """Use a pair another worker saved, without calling Sage."""

    token: Token


Step = Load | CheckWritable | Post | Keep | Adopt

Usable = Callable[[Token | None, str | None, bool], bool]
"""``usable(token, stale, force)``: whether a pair can be used as it is."""


class SignInOver(Exception):
    """Raised by the flow when the user must sign in again; ``args[0]`` says why."""


def refresh_flow(usable: Usable, stale: str | None, force: bool) -> Generator[Step, Any, Token]:
    """The refresh, as the steps it needs (run with the store's lock held).

    ``stale`` is an access token known to be bad; ``force`` asks for a new pair even if the stored one
    is fresh (a pair another worker saved meanwhile still counts).  Returns the token to use; raises
    :class:`SignInOver` when the user must sign in again.
    """
    stored: Token | None = yield Load()
    if stored is None:
        raise SignInOver("no token is stored for it")
    if usable(stored, stale, force) and (not force or stored.access_token != stale):
        yield Adopt(stored)
        return stored
    yield CheckWritable()
    base = stored.refresh_token
    try:
        new: Token = yield Post(base)
    except InvalidGrant:
        # Another process may have rotated the pair after we read it: read the store again.
        again: Token | None = yield Load()
        if again is None or again.refresh_token == base:
            raise SignInOver("Sage refused its refresh token (invalid_grant)") from None
        if usable(again, stale, False):
            yield Adopt(again)
            return again
        base = again.refresh_token
        try:
            new = yield Post(base)
        except InvalidGrant:
            raise SignInOver("Sage refused its refresh token (invalid_grant)") from None
    kept: Token = yield Keep(new, base)
    return kept
