"""A pair Sage issued is never lost because the store failed to save it, and a fresh stored pair is
adopted without refreshing (or starting the crash-safe helper)."""

from __future__ import annotations

import contextlib
import errno
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from client_helpers import Driver, control, disk_full, make_connection

from sage_accounting import (
    Connection,
    FileTokenStore,
    MemoryTokenStore,
    SageAccounting,
    Token,
    TokenStoreError,
)
from sage_accounting.emulator import DEMO, Emulator


class FlakyStore:
    """The user's store, with a disk that is full for the next ``failures`` saves."""

    def __init__(self, failures: int = 0) -> None:
        self.inner = MemoryTokenStore()
        self.failures = failures
        self.saves = 0

    def load(self) -> Token | None:
        return self.inner.load()

    def save(self, token: Token) -> None:
        self.saves += 1
        if self.failures:
            self.failures -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        self.inner.save(token)

    def clear(self) -> None:
        self.inner.clear()

    def lock(self) -> contextlib.AbstractContextManager[object]:
        return self.inner.lock()

    def __repr__(self) -> str:
        return "FlakyStore('tokens-db')"


def _refreshes(emu: Emulator) -> int:
    return len(emu.token_requests(grant_type="refresh_token"))


def _expire_stored(conn: Connection) -> Token:
    stored = conn.store.load()
    assert stored is not None
    conn.store.save(stored.expired_copy())
    return stored


@contextlib.contextmanager
def _client(kind: str, conn: Connection) -> Iterator[Driver]:
    sage = Driver(kind, conn, business_id=DEMO.business_id)
    try:
        yield sage
    finally:
        sage.close()


def test_a_save_failing_once_is_retried_at_once(emu: Emulator, kind: str) -> None:
    store = FlakyStore()
    conn = make_connection(emu, store=store)
    old = _expire_stored(conn)
    store.failures = 1
    with _client(kind, conn) as sage:
        assert sage(lambda c: c.contacts.list()).total == 0
        saved = store.load()
        assert saved is not None and saved.refresh_token != old.refresh_token
        assert not conn.unsaved
        sage(lambda c: c.contacts.list())
    assert _refreshes(emu) == 1


def test_a_pair_that_cannot_be_saved_is_kept_and_saved_on_the_next_call(emu: Emulator, kind: str) -> None:
    store = FlakyStore()
    conn = make_connection(emu, store=store)
    old = _expire_stored(conn)
    store.failures = 2  # the save and its immediate retry
    with _client(kind, conn) as sage:
        with pytest.raises(TokenStoreError) as info:
            sage(lambda c: c.contacts.list())
        message = str(info.value)
        assert "FlakyStore('tokens-db')" in message and "No space left" in message
        assert "in memory" in message
        assert conn.unsaved
        kept = conn.token()
        assert kept is not None and kept.refresh_token != old.refresh_token
        stored = store.load()
        assert stored is not None and stored.refresh_token == old.refresh_token  # still the dead pair
        # The disk has room again: the next call saves the kept pair and goes on, no sign-in needed.
        assert sage(lambda c: c.contacts.list()).total == 0
    assert store.load() == kept
    assert not conn.unsaved
    assert _refreshes(emu) == 1


def test_the_unsaved_pair_is_saved_again_while_the_store_keeps_failing(emu: Emulator, kind: str) -> None:
    store = FlakyStore()
    conn = make_connection(emu, store=store)
    _expire_stored(conn)
    store.failures = 3  # the save, its immediate retry, and the next call's retry
    with _client(kind, conn) as sage:
        with pytest.raises(TokenStoreError):
            sage(lambda c: c.contacts.list())
        with pytest.raises(TokenStoreError, match="in memory"):
            sage(lambda c: c.contacts.list())  # still failing: said again, and the pair is still kept
        assert sage(lambda c: c.contacts.list()).total == 0
    assert store.load() == conn.token()
    assert _refreshes(emu) == 1


def test_an_unsaved_pair_gives_way_to_a_new_sign_in(emu: Emulator) -> None:
    store = FlakyStore()
    conn = make_connection(emu, store=store)
    _expire_stored(conn)
    store.failures = 2
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        with pytest.raises(TokenStoreError):
            sage.contacts.list()
        # Meanwhile the user signed in again elsewhere: the store holds an unrelated, newer pair.
        fresh = Token.from_response(emu.grant_tokens(DEMO.client_id, DEMO.user_id), now=emu.clock.now())
        store.inner.save(fresh)
        sage.contacts.list()
    assert store.load() == fresh
    assert conn.token() == fresh


def test_a_fresh_stored_pair_does_not_start_the_crash_safe_helper(emu: Emulator, tmp_path: Path) -> None:
    # A directory in the way of the lock file: were the helper started, it would fail to lock.
    path = tmp_path / "token.json"
    (tmp_path / "token.json.lock").mkdir()
    FileTokenStore(path).save(
        Token.from_response(emu.grant_tokens(DEMO.client_id, DEMO.user_id), now=emu.clock.now())
    )
    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host="http://sage.test",
        store=FileTokenStore(path),
        transport=emu.transport(),
        crash_safe_refresh=True,
    )
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        assert sage.contacts.list().total == 0
    assert _refreshes(emu) == 0


def test_a_file_store_in_a_missing_directory_is_refused(tmp_path: Path, emu: Emulator) -> None:
    target = tmp_path / "missing" / "deeper" / "token.json"
    with pytest.raises(TokenStoreError, match="does not exist"):
        Connection(
            DEMO.client_id,
            DEMO.client_secret,
            host="http://sage.test",
            store=FileTokenStore(target),
            token=emu.grant_tokens(DEMO.client_id, DEMO.user_id),
            transport=emu.transport(),
        )
    assert not (tmp_path / "missing").exists()


# --- the crash-safe helper, over a real socket -----------------------------------------------------


def _chattr_works(directory: Path) -> bool:
    if sys.platform == "win32" or shutil.which("chattr") is None:
        return False
    probe = directory / "probe"
    probe.mkdir()
    try:
        if subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode != 0:
            return False
        try:
            (probe / "x").touch()
        except OSError:
            return True
        return False
    finally:
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
        shutil.rmtree(probe, ignore_errors=True)


@contextlib.contextmanager
def _immutable(directory: Path) -> Iterator[None]:
    """Nothing can be created in, or renamed into, ``directory`` (even by root)."""
    subprocess.run(["chattr", "+i", str(directory)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_a_frozen_token_directory_never_spends_the_refresh_token(server_url: str, tmp_path: Path) -> None:
    if not _chattr_works(tmp_path):
        pytest.skip("needs chattr +i (an ext2/3/4-like file system and CAP_LINUX_IMMUTABLE)")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    path = tokens / "token.json"
    seeded = Token.from_response(control(server_url, "POST", "/tokens", json={"client_id": DEMO.client_id}))
    FileTokenStore(path).save(seeded.expired_copy())
    with FileTokenStore(path).lock():
        pass  # the lock file exists before the directory is frozen
    before = len(control(server_url, "GET", "/requests", params={"grant_type": "refresh_token"}))
    conn = Connection(DEMO.client_id, DEMO.client_secret, host=server_url, store=FileTokenStore(path))
    assert conn.crash_safe_refresh
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        with _immutable(tokens), pytest.raises(TokenStoreError) as info:
            sage.contacts.list()
        assert str(path) in str(info.value) and "not spent" in str(info.value)
        assert not conn.unsaved
        assert len(control(server_url, "GET", "/requests", params={"grant_type": "refresh_token"})) == before
        # The directory is writable again: the stored refresh token still works.
        assert sage.contacts.list().total == 0
    stored = FileTokenStore(path).load()
    assert stored is not None and stored.refresh_token != seeded.refresh_token
    after = len(control(server_url, "GET", "/requests", params={"grant_type": "refresh_token"}))
    assert after - before == 1


@pytest.mark.parametrize("crash_safe", [False, True])
def test_a_full_disk_never_spends_the_refresh_token(
    server_url: str, tmp_path: Path, crash_safe: bool
) -> None:
    path = tmp_path / "token.json"
    seeded = Token.from_response(control(server_url, "POST", "/tokens", json={"client_id": DEMO.client_id}))
    FileTokenStore(path).save(seeded.expired_copy())
    with FileTokenStore(path).lock():
        pass
    before = len(control(server_url, "GET", "/requests", params={"grant_type": "refresh_token"}))
    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host=server_url,
        store=FileTokenStore(path),
        crash_safe_refresh=crash_safe,
    )
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        with disk_full(), pytest.raises(TokenStoreError) as info:
            sage.contacts.list()
        assert "not spent" in str(info.value) and str(path) in str(info.value)
        assert len(control(server_url, "GET", "/requests", params={"grant_type": "refresh_token"})) == before
        assert not conn.unsaved
        assert sage.contacts.list().total == 0  # room again: the stored pair refreshes as usual
    after = len(control(server_url, "GET", "/requests", params={"grant_type": "refresh_token"}))
    assert after - before == 1


def test_a_full_disk_never_spends_the_refresh_token_in_process(
    emu: Emulator, tmp_path: Path, kind: str
) -> None:
    conn = make_connection(emu, store=FileTokenStore(tmp_path / "token.json"))
    _expire_stored(conn)
    with _client(kind, conn) as sage:
        with disk_full(), pytest.raises(TokenStoreError, match="not spent"):
            sage(lambda c: c.contacts.list())
        assert _refreshes(emu) == 0
        assert sage(lambda c: c.contacts.list()).total == 0
    assert _refreshes(emu) == 1
