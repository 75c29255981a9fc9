"""The refresh decision on its own, with no I/O: the steps it asks for and what it concludes from each
answer (both clients run exactly these steps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from typing import Any

import pytest

from sage_accounting import Token
from sage_accounting.auth._flow import (
    Adopt,
    CheckWritable,
    Keep,
    Load,
    Post,
    SignInOver,
    Step,
    refresh_flow,
)
from sage_accounting.auth._oauth import InvalidGrant

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def pair(name: str, *, fresh: bool = True) -> Token:
    return Token(f"access-{name}", f"refresh-{name}", NOW + dt.timedelta(minutes=5 if fresh else -1))


def usable(token: Token | None, stale: str | None, force: bool) -> bool:
    if token is None or token.expires_at <= NOW:
        return False
    if stale is not None and token.access_token == stale:
        return False
    return not (force and stale is None)


class Run:
    """Steps a flow by hand: ``run.next(answer)`` sends the answer to the last step, returns the next."""

    def __init__(self, flow: Generator[Step, Any, Token]) -> None:
        self.flow = flow
        self.result: Token | None = None

    def next(self, answer: Any = None, *, throw: BaseException | None = None) -> Step | None:
        try:
            return self.flow.throw(throw) if throw is not None else self.flow.send(answer)
        except StopIteration as done:
            self.result = done.value
            return None


def test_an_expired_pair_is_refreshed_once_the_store_can_take_the_new_one() -> None:
    old, new = pair("old", fresh=False), pair("new")
    run = Run(refresh_flow(usable, None, False))
    assert run.next() == Load()
    assert run.next(old) == CheckWritable()
    assert run.next() == Post("refresh-old")
    assert run.next(new) == Keep(new, "refresh-old")
    assert run.next(new) is None and run.result == new


def test_a_fresh_pair_another_worker_saved_is_adopted_without_calling_sage() -> None:
    theirs = pair("theirs")
    run = Run(refresh_flow(usable, "access-mine", False))
    assert run.next() == Load()
    assert run.next(theirs) == Adopt(theirs)
    assert run.next() is None and run.result == theirs


def test_an_unwritable_store_stops_before_the_refresh_token_is_spent() -> None:
    run = Run(refresh_flow(usable, None, False))
    run.next()
    assert run.next(pair("old", fresh=False)) == CheckWritable()
    with pytest.raises(OSError):
        run.next(throw=OSError("read-only file system"))


def test_invalid_grant_reads_the_store_again_and_adopts_a_pair_rotated_meanwhile() -> None:
    rotated = pair("rotated")
    run = Run(refresh_flow(usable, "access-old", True))
    run.next()
    run.next(pair("old"))
    assert run.next() == Post("refresh-old")
    assert run.next(throw=InvalidGrant()) == Load()
    assert run.next(rotated) == Adopt(rotated)
    assert run.next() is None and run.result == rotated


def test_invalid_grant_refreshes_once_more_with_a_rotated_pair_that_expired() -> None:
    rotated, new = pair("rotated", fresh=False), pair("new")
    run = Run(refresh_flow(usable, None, False))
    run.next()
    run.next(pair("old", fresh=False))
    run.next()
    assert run.next(throw=InvalidGrant()) == Load()
    assert run.next(rotated) == Post("refresh-rotated")
    assert run.next(new) == Keep(new, "refresh-rotated")


@pytest.mark.parametrize("again", [None, pair("old", fresh=False)])
def test_invalid_grant_with_a_store_that_did_not_move_ends_the_sign_in(again: Token | None) -> None:
    run = Run(refresh_flow(usable, None, False))
    run.next()
    run.next(pair("old", fresh=False))
    run.next()
    run.next(throw=InvalidGrant())
    with pytest.raises(SignInOver, match="invalid_grant"):
        run.next(again)


def test_no_stored_pair_ends_the_sign_in() -> None:
    run = Run(refresh_flow(usable, None, False))
    run.next()
    with pytest.raises(SignInOver, match="no token is stored"):
        run.next(None)
