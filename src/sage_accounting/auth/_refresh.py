"""The single-flight refresh every client of a connection goes through, and the keeping of the pairs
it produces.

Sage's access tokens live five minutes and every refresh rotates the refresh token, invalidating the
previous one at once.  Two workers refreshing with the same refresh token therefore lose the
connection.  The refresh here is a critical section guarded at three levels (an ``asyncio.Lock`` per
event loop, a ``threading.Lock``, and the store's own cross-process lock).  Inside it the store is
re-read, a pair another worker already rotated is adopted, and only otherwise is ``/token`` called;
the new pair is saved before the new access token is used.  If the store cannot save it, the pair is
kept in memory all the same (Sage has already invalidated the stored one), saved again on the next
call, and ``TokenStoreError`` says so: a failed save never turns into a lost sign-in while the process
lives.

:class:`Refresher` is the middle layer of :class:`~sage_accounting.auth.Connection`, on top of
:class:`~sage_accounting.auth._endpoint.TokenEndpoint`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import weakref
from collections.abc import Generator
from typing import Any

import anyio
import anyio.to_thread
import httpx

from .._core import user_agent
from .._errors import ReauthorizationRequired, TokenRefreshError, TokenStoreError
from .._files import write_target
from ._durable import run_helper
from ._endpoint import TokenEndpoint
from ._flow import CheckWritable, Keep, Load, Post, SignInOver, Step, refresh_flow
from ._oauth import InvalidGrant
from ._store import FileTokenStore
from ._token import Token

__all__ = ["Refresher"]

# The helper's failures that mean the token endpoint could not be reached (not a refused sign-in).
_NETWORK = frozenset(
    {
        "timeout",
        "TimeoutError",
        "ConnectionError",
        "ConnectionRefusedError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "BrokenPipeError",
        "RemoteDisconnected",
        "IncompleteRead",
        "gaierror",
        "SSLError",
        "OSError",
    }
)

log = logging.getLogger("sage_accounting")


def _cause(exc: BaseException) -> str:
    """A short description of why a save failed (the store's own message when it is ours)."""
    if isinstance(exc, TokenStoreError):
        return str(exc)
    detail = str(exc)[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


class Refresher(TokenEndpoint):
    """Single-flight refresh and the saving of new pairs (a mixin: :class:`Connection` sets the
    configuration and calls :meth:`_init_refresh` from its constructor)."""

    refresh_leeway: float
    crash_safe_refresh: bool
    _token: Token | None
    _unsaved: Token | None
    _unsaved_base: str | None
    _thread_lock: threading.Lock
    _async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]

    def _init_refresh(self) -> None:
        self._token = None
        # A pair Sage issued that the store refused to save: kept (it is the only valid one) and
        # saved again on the next call.  ``_unsaved_base`` is the refresh token of the pair it replaced.
        self._unsaved = None
        self._unsaved_base = None
        self._thread_lock = threading.Lock()
        self._async_locks = weakref.WeakKeyDictionary()

    def _fresh(self, token: Token) -> bool:
        return not token.access_expired(now=self._clock(), leeway=self.refresh_leeway)

    def _reauth(self, detail: str) -> ReauthorizationRequired:
        who = self._token.requested_by_id if self._token else None
        return ReauthorizationRequired(
            f"The Sage connection {self.name!r} (client id {self.client_id}"
            + (f", user {who}" if who else "")
            + f") must be authorised again: {detail}. Send the user to "
            "connection.authorization_url().url and pass the callback to connection.exchange_code().",
            connection=self.name,
            error="invalid_grant",
        )

    # --- saving a new pair ------------------------------------------------------------------------

    def _stored_refresh_token(self) -> str | None:
        try:
            stored = self.store.load()
        except Exception:
            return None
        return stored.refresh_token if stored else None

    def _save_locked(self, token: Token, *, locked: bool) -> None:
        if locked:
            self.store.save(token)
        else:
            with self.store.lock():
                self.store.save(token)

    def _keep_new(self, token: Token, *, base: str | None, locked: bool) -> Token:
        """Adopt a pair Sage has just issued and save it (``locked``: the store lock is held).

        Sage invalidated the previous pair when it issued this one, so it is kept whatever happens to
        the save: if saving fails twice the pair stays in memory, marked unsaved, is saved again on
        the next call, and ``TokenStoreError`` says so.
        """
        self._token = token
        try:
            self._save_locked(token, locked=locked)
        except Exception as first:
            log.warning(
                "saving the new token pair of connection %r to %r failed (%s); trying again",
                self.name,
                self.store,
                _cause(first),
            )
            try:
                self._save_locked(token, locked=locked)
            except Exception as exc:
                self._unsaved = token
                self._unsaved_base = base
                error = self._unsaved_error(exc)
                log.error("%s", error)
                raise error from exc
        self._unsaved = None
        self._unsaved_base = None
        return token

    def _unsaved_error(self, exc: BaseException) -> TokenStoreError:
        return TokenStoreError(
            f"Sage issued a new token pair for connection {self.name!r} but it could not be saved to "
            f"{self.store!r} ({_cause(exc)}). The connection keeps the new pair in memory (Sage has "
            "already invalidated the stored one) and saves it again on its next call: fix the store "
            "(disk space, permissions) before this process ends, or the user will have to sign in again."
        )

    def _flush_unsaved(self) -> None:
        """Save the pair a previous call could not save (called with the thread lock held)."""
        token = self._unsaved
        if token is None:
            return
        try:
            with self.store.lock():
                try:
                    stored = self.store.load()
                    readable = True
                except Exception:
                    stored, readable = None, False  # unreadable: overwrite it with the pair we hold
                current = stored.refresh_token if stored else None
                if readable and current == token.refresh_token:
                    pass  # another worker saved it already
                elif readable and current != self._unsaved_base:
                    # The store moved on without us (a new sign-in, or a sign-out): follow it.
                    log.warning(
                        "connection %r drops its unsaved token pair: %r was changed meanwhile",
                        self.name,
                        self.store,
                    )
                    self._token = stored
                else:
                    self.store.save(token)
        except Exception as exc:
            raise self._unsaved_error(exc) from exc
        log.info("connection %r saved its new token pair to %r", self.name, self.store)
        self._unsaved = None
        self._unsaved_base = None

    def _check_writable(self) -> None:
        """Refuse to spend the refresh token when its successor could not be saved (called with the
        store's lock held): Sage invalidates the old pair the moment it issues the new one, so a new
        pair the store cannot keep would be lost with the process."""
        check = getattr(self.store, "check_writable", None)
        if check is None:
            return
        try:
            check()
        except Exception as exc:
            raise TokenStoreError(
                f"the access token of connection {self.name!r} needs renewing but {self.store!r} cannot "
                f"be written ({_cause(exc)}); the refresh token was not spent: fix the store (disk "
                "space, permissions, a read-only mount) and try again"
            ) from exc

    # --- single-flight refresh --------------------------------------------------------------------

    def _usable(self, token: Token | None, stale: str | None, force: bool) -> bool:
        if token is None or not self._fresh(token):
            return False
        if stale is not None and token.access_token == stale:
            return False
        return not (force and stale is None)

    def ensure_token(self, http: httpx.Client, *, stale: str | None = None, force: bool = False) -> Token:
        """A usable token, refreshing if needed.

        ``stale`` is an access token known to be bad (it got a 401, or it is expiring): a stored
        token with a different access token that is still fresh is adopted instead of refreshing.
        """
        token = self._token
        if not force and stale is None and token is not None and self._unsaved is None and self._fresh(token):
            return token
        with self._thread_lock:
            self._flush_unsaved()
            if self._usable(self._token, stale, force) and not force:
                assert self._token is not None
                return self._token
            if self.crash_safe_refresh:
                return self._durable_refresh(stale, force)
            with self.store.lock():
                return self._drive(refresh_flow(self._usable, stale, force), http)

    def _perform(self, step: Step, http: httpx.Client) -> Any:
        """Carry out one step of the refresh flow, blocking."""
        if isinstance(step, Load):
            return self.store.load()
        if isinstance(step, CheckWritable):
            return self._check_writable()
        if isinstance(step, Post):
            return self._refresh_call(http, step.refresh_token)
        if isinstance(step, Keep):
            return self._keep_new(step.token, base=step.base, locked=True)
        self._token = step.token
        return None

    def _drive(self, flow: Generator[Step, Any, Token], http: httpx.Client) -> Token:
        """Run the refresh flow to its end, blocking on each step."""
        sent: Any = None
        thrown: InvalidGrant | None = None
        try:
            while True:
                try:
                    step = flow.throw(thrown) if thrown is not None else flow.send(sent)
                except StopIteration as done:
                    token: Token = done.value
                    return token
                except SignInOver as over:
                    raise self._reauth(str(over)) from None
                sent, thrown = None, None
                try:
                    sent = self._perform(step, http)
                except InvalidGrant as exc:
                    thrown = exc
        finally:
            flow.close()

    def _durable_refresh(self, stale: str | None, force: bool) -> Token:
        assert isinstance(self.store, FileTokenStore)
        # A fresh pair in the file (another process refreshed, or this one has not read it yet) is
        # adopted without starting the helper: the file is replaced atomically, so reading it
        # without the lock is safe.
        stored = self.store.load()
        if self._usable(stored, stale, force):
            assert stored is not None
            self._token = stored
            return stored
        read_timeout = self.timeout.read if isinstance(self.timeout, httpx.Timeout) else self.timeout
        config = {
            "path": str(self.store.path),
            "write_path": str(write_target(self.store.path)),
            "lock_path": str(self.store.lock_path),
            "token_url": self.token_url,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "stale": stale,
            "force": force,
            "leeway": self.refresh_leeway,
            "clock_offset": self._clock().timestamp() - time.time(),
            "timeout": float(read_timeout or 60.0),
            "user_agent": user_agent(),
        }
        verdict = run_helper(config, timeout=float(read_timeout or 60.0) + 30.0)
        status = verdict.get("status")
        log.debug("crash-safe refresh for connection %r: %s", self.name, status)
        if status in ("refreshed", "adopted"):
            token = self.store.load()
            if token is None:
                raise self._reauth("no token is stored for it")
            self._token = token
            return token
        if status == "unsaved" and isinstance(verdict.get("token"), dict):
            # Sage issued a pair but the helper could not write it: keep it and try saving it here.
            try:
                issued = Token.from_dict(verdict["token"])
            except (TypeError, ValueError):
                issued = None
            if issued is not None:
                log.warning(
                    "crash-safe refresh for connection %r: the helper could not save the new pair (%s: %s)",
                    self.name,
                    verdict.get("error"),
                    verdict.get("detail"),
                )
                base = verdict.get("base")
                return self._keep_new(issued, base=base if isinstance(base, str) else None, locked=False)
        if status == "missing":
            raise self._reauth("no token is stored for it")
        if status == "unwritable":
            raise TokenStoreError(
                f"the access token of connection {self.name!r} needs renewing but {self.store!r} cannot "
                f"be written ({verdict.get('detail') or verdict.get('error')}); the refresh token was not "
                "spent: fix the store (disk space, permissions, a read-only mount) and try again"
            )
        if status == "invalid_grant":
            raise self._reauth("Sage refused its refresh token (invalid_grant)")
        if status == "lock":
            raise TokenStoreError(
                f"cannot lock token file {self.store.path}: cannot open its lock file "
                f"{self.store.lock_path} ({verdict.get('detail') or verdict.get('error')})"
            )
        http = verdict.get("http")
        if isinstance(http, int):
            why = f"HTTP {http} {verdict.get('error') or 'without an OAuth error code'}"
        else:
            why = f"{verdict.get('error') or 'the helper failed'}: {verdict.get('detail') or 'no detail'}"
        raise TokenRefreshError(
            f"token refresh for connection {self.name!r} failed: {why}",
            connection=self.name,
            error=verdict.get("error") if isinstance(http, int) else None,
            status_code=http if isinstance(http, int) else None,
            unreachable=isinstance(verdict.get("error"), str) and verdict.get("error") in _NETWORK,
        )

    def _async_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            lock = asyncio.Lock()
            self._async_locks[loop] = lock
        return lock

    async def aensure_token(
        self, http: httpx.AsyncClient, *, stale: str | None = None, force: bool = False
    ) -> Token:
        """Async twin of :meth:`ensure_token` (the critical section is shielded from cancellation,
        so a cancelled task cannot lose a pair Sage has already rotated)."""
        token = self._token
        if not force and stale is None and token is not None and self._unsaved is None and self._fresh(token):
            return token
        async with self._async_lock():
            if self._unsaved is None and self._usable(self._token, stale, force) and not force:
                assert self._token is not None
                return self._token
            with anyio.CancelScope(shield=True):
                fresh = await self._acritical(http, stale, force)
            return fresh

    async def _acritical(self, http: httpx.AsyncClient, stale: str | None, force: bool) -> Token:
        await anyio.to_thread.run_sync(self._thread_lock.acquire)
        try:
            if self._unsaved is not None:
                await anyio.to_thread.run_sync(self._flush_unsaved)
            if self._usable(self._token, stale, force) and not force:
                assert self._token is not None
                return self._token
            if self.crash_safe_refresh:
                return await anyio.to_thread.run_sync(self._durable_refresh, stale, force)
            store_lock = self.store.lock()
            await anyio.to_thread.run_sync(store_lock.__enter__)
            try:
                return await self._adrive(refresh_flow(self._usable, stale, force), http)
            finally:
                await anyio.to_thread.run_sync(store_lock.__exit__, None, None, None)
        finally:
            self._thread_lock.release()

    async def _aperform(self, step: Step, http: httpx.AsyncClient) -> Any:
        """Carry out one step of the refresh flow, awaiting (store calls run in a worker thread)."""
        if isinstance(step, Load):
            return await anyio.to_thread.run_sync(self.store.load)
        if isinstance(step, CheckWritable):
            return await anyio.to_thread.run_sync(self._check_writable)
        if isinstance(step, Post):
            return await self._arefresh_call(http, step.refresh_token)
        if isinstance(step, Keep):
            token, base = step.token, step.base
            return await anyio.to_thread.run_sync(lambda: self._keep_new(token, base=base, locked=True))
        self._token = step.token
        return None

    async def _adrive(self, flow: Generator[Step, Any, Token], http: httpx.AsyncClient) -> Token:
        """Async twin of :meth:`_drive`."""
        sent: Any = None
        thrown: InvalidGrant | None = None
        try:
            while True:
                try:
                    step = flow.throw(thrown) if thrown is not None else flow.send(sent)
                except StopIteration as done:
                    token: Token = done.value
                    return token
                except SignInOver as over:
                    raise self._reauth(str(over)) from None
                sent, thrown = None, None
                try:
                    sent = await self._aperform(step, http)
                except InvalidGrant as exc:
                    thrown = exc
        finally:
            flow.close()
