"""The OAuth connection against the emulator: code flow, refresh, revoke, single-flight refresh."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
from client_helpers import Driver, make_connection

from sage_accounting import (
    AsyncSageAccounting,
    Connection,
    FileTokenStore,
    MemoryTokenStore,
    ReauthorizationRequired,
    SageAccounting,
    Token,
    TokenRefreshError,
)
from sage_accounting.emulator import DEMO, Emulator


def _sign_in(emu: Emulator, conn: Connection, http: httpx.Client) -> Token:
    """Drive the emulator's consent page the way a browser would, then exchange the code."""
    request = conn.authorization_url()
    page = http.get(request.url)
    assert page.status_code == 200
    form = dict(httpx.URL(request.url).params.multi_items())
    form["decision"] = "allow"
    answer = http.post("/oauth2/auth/central", data=form)
    assert answer.status_code in (302, 303)
    callback = answer.headers["location"]
    assert callback.startswith(DEMO.redirect_uri)
    return conn.exchange_code(callback, authorization=request, http_client=http)


def test_authorization_code_flow_with_pkce(emu: Emulator) -> None:
    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        redirect_uri=DEMO.redirect_uri,
        host="http://sage.test",
        transport=emu.transport(),
    )
    with httpx.Client(transport=emu.transport(), base_url="http://sage.test") as http:
        token = _sign_in(emu, conn, http)
    assert token.scope == "full_access"
    assert token.requested_by_id == DEMO.user_id
    assert conn.store.load() == token
    with SageAccounting(conn) as sage:
        assert sage.user.retrieve().id == DEMO.user_id


def test_a_code_cannot_be_exchanged_twice(emu: Emulator) -> None:
    conn = Connection(
        DEMO.client_id, DEMO.client_secret, redirect_uri=DEMO.redirect_uri, host="http://sage.test"
    )
    with httpx.Client(transport=emu.transport(), base_url="http://sage.test") as http:
        request = conn.authorization_url()
        form = dict(httpx.URL(request.url).params.multi_items()) | {"decision": "allow"}
        callback = http.post("/oauth2/auth/central", data=form).headers["location"]
        conn.exchange_code(callback, authorization=request, http_client=http)
        from sage_accounting import OAuthError

        with pytest.raises(OAuthError, match="invalid_grant"):
            conn.exchange_code(callback, authorization=request, http_client=http)


def test_refresh_rotates_and_persists(emu: Emulator) -> None:
    conn = make_connection(emu)
    before = conn.store.load()
    assert before is not None
    after = conn.refresh()
    assert after.refresh_token != before.refresh_token
    assert conn.store.load() == after
    assert len(emu.token_requests(grant_type="refresh_token")) == 1


def test_proactive_refresh_before_expiry(emu: Emulator, kind: str) -> None:
    sage = Driver(kind, make_connection(emu, clock=emu.clock.now), business_id=DEMO.business_id)
    try:
        sage(lambda c: c.contacts.list())
        emu.clock.advance(250)  # 50 s left: inside the 60 s window
        sage(lambda c: c.contacts.list())
    finally:
        sage.close()
    assert len(emu.token_requests(grant_type="refresh_token")) == 1
    statuses = [e.status for e in emu.request_log.entries() if e.path.startswith("/v3.1")]
    assert 401 not in statuses


def test_401_refreshes_once_and_replays_once(emu: Emulator, sage: Driver) -> None:
    emu.clock.advance(301)  # the emulator expires the token; our clock does not know
    assert sage(lambda c: c.contacts.list()).total == 0
    assert len(emu.token_requests(grant_type="refresh_token")) == 1
    statuses = [e.status for e in emu.request_log.entries() if e.path == "/v3.1/contacts"]
    assert statuses == [401, 200]


class _ExpiresEarly(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sage in front of the emulator, refusing the first API request's token as expired the way seed 004
    documents it (401, ``AccessTokenExpiredError``), before the token's own lifetime is over."""

    def __init__(self, emu: Emulator) -> None:
        self.sync, self.async_ = emu.transport(), emu.async_transport()
        self.refused = 0

    def _refuse(self, request: httpx.Request) -> httpx.Response | None:
        if request.url.path.startswith("/v3.1/") and not self.refused:
            self.refused += 1
            body = [{"$severity": "error", "$dataCode": "AccessTokenExpiredError",
                     "$message": "The access token has expired.", "$source": ""}]  # fmt: skip
            return httpx.Response(401, json=body, request=request)
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._refuse(request) or self.sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._refuse(request) or await self.async_.handle_async_request(request)


def test_an_expired_token_error_refreshes_once_and_replays(emu: Emulator, kind: str) -> None:
    sage_like = _ExpiresEarly(emu)
    conn = make_connection(emu)
    conn.transport, conn.async_transport = sage_like, sage_like
    sage = Driver(kind, conn, business_id=DEMO.business_id)
    try:
        assert sage(lambda c: c.contacts.list()).total == 0
    finally:
        sage.close()
    assert sage_like.refused == 1
    assert len(emu.token_requests(grant_type="refresh_token")) == 1


def test_invalid_grant_raises_reauthorization_required(emu: Emulator, sage: Driver) -> None:
    conn = sage.connection
    stored = conn.store.load()
    assert stored is not None
    conn.store.save(stored.expired_copy())
    # Someone else used our refresh token: it is dead now.
    Connection(
        DEMO.client_id, DEMO.client_secret, host="http://sage.test", token=stored, transport=emu.transport()
    ).refresh()
    with pytest.raises(ReauthorizationRequired) as info:
        sage(lambda c: c.contacts.list())
    text = str(info.value)
    assert "default" in text and "authorization_url" in text
    assert stored.refresh_token not in text and DEMO.client_secret not in text


def test_invalid_grant_adopts_a_pair_saved_meanwhile(emu: Emulator, tmp_path: Path, kind: str) -> None:
    """A worker that refused to share the lock rotated the pair; we reload the store and carry on."""
    path = tmp_path / "t.json"
    first = make_connection(emu, store=FileTokenStore(path))
    token = first.store.load()
    assert token is not None
    first.store.save(token.expired_copy())
    second = Connection(
        DEMO.client_id, DEMO.client_secret, host="http://sage.test", transport=emu.transport()
    )
    new = second._refresh_call(httpx.Client(transport=emu.transport()), token.refresh_token)

    class RacyStore(FileTokenStore):
        """Saves the other worker's pair right after we read the old one."""

        raced = False

        def load(self) -> Token | None:
            value = super().load()
            if not self.raced:
                self.raced = True
                self.save(new.expired_copy())
                return value
            return value

    racy = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host="http://sage.test",
        store=RacyStore(path),
        transport=emu.transport(),
        async_transport=emu.async_transport(),
    )
    sage = Driver(kind, racy, business_id=DEMO.business_id)
    try:
        sage(lambda c: c.contacts.list())
    finally:
        sage.close()
    assert racy.store.load() is not None
    # The other worker's, ours (refused), then ours with the pair it saved (expired, so refreshed).
    assert len(emu.token_requests(grant_type="refresh_token")) == 3


def test_revoke(emu: Emulator) -> None:
    conn = make_connection(emu)
    token = conn.store.load()
    assert token is not None
    conn.revoke()
    assert conn.store.load() is None
    again = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host="http://sage.test",
        token=token.expired_copy(),
        transport=emu.transport(),
    )
    with pytest.raises(ReauthorizationRequired):
        again.refresh()


def test_50_threads_with_an_expired_token_refresh_once(emu: Emulator) -> None:
    conn = make_connection(emu)
    stored = conn.store.load()
    assert stored is not None
    conn.store.save(stored.expired_copy())
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:

        def call() -> None:
            try:
                barrier.wait()
                sage.tax_rates.list()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert len(emu.token_requests(grant_type="refresh_token")) == 1


def test_50_threads_after_server_side_expiry_refresh_once(emu: Emulator) -> None:
    conn = make_connection(emu)
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        sage.tax_rates.list()
        emu.clock.advance(301)
        errors: list[BaseException] = []

        def call() -> None:
            try:
                sage.tax_rates.list()
            except BaseException as exc:  # pragma: no cover
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert len(emu.token_requests(grant_type="refresh_token")) == 1


@pytest.mark.anyio
async def test_50_tasks_with_an_expired_token_refresh_once(emu: Emulator) -> None:
    conn = make_connection(emu)
    stored = conn.store.load()
    assert stored is not None
    conn.store.save(stored.expired_copy())
    async with AsyncSageAccounting(conn, business_id=DEMO.business_id) as sage:
        pages = await asyncio.gather(*(sage.tax_rates.list() for _ in range(50)))
        assert all(page.total for page in pages)
        emu.clock.advance(301)
        await asyncio.gather(*(sage.tax_rates.list() for _ in range(50)))
    assert len(emu.token_requests(grant_type="refresh_token")) == 2


# --- a database-backed store (the documented example) ---------------------------------------------


class SQLiteTokenStore:
    """A TokenStore on a database table; the same shape works for PostgreSQL with
    ``SELECT ... FOR UPDATE`` (or ``pg_advisory_lock``) as the lock."""

    def __init__(self, path: str, name: str) -> None:
        self.path = path
        self.name = name
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS sage_tokens (name TEXT PRIMARY KEY, token TEXT NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)

    def load(self) -> Token | None:
        import json

        with self._db() as db:
            row = db.execute("SELECT token FROM sage_tokens WHERE name = ?", (self.name,)).fetchone()
        return Token.from_dict(json.loads(row[0])) if row else None

    def save(self, token: Token) -> None:
        import json

        db = self._db()
        try:
            db.execute(
                "INSERT INTO sage_tokens(name, token) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET token = excluded.token",
                (self.name, json.dumps(token.to_dict())),
            )
        finally:
            db.close()

    def clear(self) -> None:
        db = self._db()
        try:
            db.execute("DELETE FROM sage_tokens WHERE name = ?", (self.name,))
        finally:
            db.close()

    def lock(self) -> AbstractContextManager[object]:
        return self._locked()

    @contextmanager
    def _locked(self) -> Iterator[object]:
        # A separate lock table, so that load/save on their own connections are not blocked.
        db = sqlite3.connect(self.path + ".lock", timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("BEGIN EXCLUSIVE")
            yield self
        finally:
            db.execute("ROLLBACK")
            db.close()


def test_a_database_backed_store(emu: Emulator, tmp_path: Path) -> None:
    store = SQLiteTokenStore(str(tmp_path / "app.db"), "acme-ltd")
    conn = make_connection(emu, store=store)
    stored = store.load()
    assert stored is not None
    store.save(stored.expired_copy())
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        threads = [threading.Thread(target=sage.tax_rates.list) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(emu.token_requests(grant_type="refresh_token")) == 1
    assert store.load() != stored


def test_memory_store_is_default(emu: Emulator) -> None:
    assert isinstance(make_connection(emu, store=MemoryTokenStore()).store, MemoryTokenStore)


def test_revoke_that_cannot_reach_sage_raises_a_connection_error_and_keeps_the_tokens() -> None:
    from sage_accounting import APIConnectionError, MemoryTokenStore

    store = MemoryTokenStore()
    emu = Emulator(seed="minimal")
    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host="http://127.0.0.1:9",  # nothing listens on the discard port
        token=emu.grant_tokens(),
        store=store,
    )
    with pytest.raises(APIConnectionError) as info:
        conn.revoke()
    assert "could not reach http://127.0.0.1:9/revoke" in str(info.value)
    assert DEMO.client_secret not in str(info.value)
    assert store.load() is not None


def test_a_failing_token_endpoint_is_unavailable_not_a_lost_sign_in(emu: Emulator, sage: Driver) -> None:
    store = sage.connection.store
    stored = store.load()
    assert stored is not None
    store.save(stored.expired_copy())
    emu.faults.add("POST", "/token", status=503, count=1)
    with pytest.raises(TokenRefreshError) as info:
        sage(lambda c: c.contacts.list())
    assert not isinstance(info.value, ReauthorizationRequired)
    assert info.value.status_code == 503 and info.value.unavailable
    assert sage(lambda c: c.contacts.list()).total == 0  # the stored pair still works
