"""One OAuth connection to Sage: the app's credentials, its URLs, the token store, and the
single-flight refresh that every client of the connection goes through.

Sage's access tokens live five minutes and every refresh rotates the refresh token, invalidating the
previous one at once.  Two workers refreshing with the same refresh token therefore lose the
connection.  The refresh here is a critical section guarded at three levels (an ``asyncio.Lock`` per
event loop, a ``threading.Lock``, and the store's own cross-process lock).  Inside it the store is
re-read, a pair another worker already rotated is adopted, and only otherwise is ``/token`` called;
the new pair is saved before the new access token is used.  If the store cannot save it, the pair is
kept in memory all the same (Sage has already invalidated the stored one), saved again on the next
call, and ``TokenStoreError`` says so: a failed save never turns into a lost sign-in while the process
lives.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import anyio.to_thread
import httpx

from .._core import (
    DEFAULT_API_URL,
    DEFAULT_AUTHORIZE_URL,
    DEFAULT_REVOKE_URL,
    DEFAULT_TIMEOUT,
    DEFAULT_TOKEN_URL,
    check_http_url,
    hosts_from_base,
    redact_mapping,
    user_agent,
)
from .._errors import (
    APIConnectionError,
    APITimeoutError,
    ReauthorizationRequired,
    TokenRefreshError,
    TokenStoreError,
)
from .._limits import Limiter
from ._durable import run_helper
from ._oauth import (
    AuthorizationRequest,
    InvalidGrant,
    OAuthError,
    build_authorization_url,
    check_state,
    parse_callback,
    parse_token_answer,
)
from ._store import FileTokenStore, MemoryTokenStore, TokenStore
from ._token import Token

__all__ = ["Connection"]

log = logging.getLogger("sage_accounting")


def _code_refused() -> OAuthError:
    return OAuthError(
        "code exchange failed: invalid_grant (the code expired after 60 s, was already used, or the "
        "redirect_uri or code_verifier do not match): start the sign-in again",
        error="invalid_grant",
    )


def _cause(exc: BaseException) -> str:
    """A short description of why a save failed (the store's own message when it is ours)."""
    if isinstance(exc, TokenStoreError):
        return str(exc)
    detail = str(exc)[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class Connection:
    """The OAuth 2.0 connection: client id and secret, scope, URLs, token store, limits.

    Every URL defaults to Sage's real host; ``host=`` points all four at one base URL (the emulator):

    >>> conn = Connection("id", "secret", host="http://127.0.0.1:8000")
    >>> conn.api_url, conn.token_url
    ('http://127.0.0.1:8000/v3.1', 'http://127.0.0.1:8000/token')

    ``store`` defaults to a :class:`MemoryTokenStore`; pass a :class:`FileTokenStore` (or your own
    ``TokenStore``) to share the pair between processes.  ``token`` seeds an empty store.
    ``max_concurrency`` (default 150, Sage's per-app cap) and ``requests_per_second`` apply to all
    clients built on this connection.  ``transport``/``async_transport`` are used by the OAuth calls
    and by clients that are not given their own.  ``clock`` returns the current aware datetime (tests
    pass the emulator's clock).  ``crash_safe_refresh`` (with a ``FileTokenStore``) runs each
    refresh in a helper process that outlives a killed worker, so a pair Sage issued is never lost;
    it defaults to on for a ``FileTokenStore`` on POSIX without a custom transport.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        redirect_uri: str | None = None,
        scope: str = "full_access",
        store: TokenStore | None = None,
        token: Token | Mapping[str, Any] | None = None,
        host: str | None = None,
        api_url: str | None = None,
        authorize_url: str | None = None,
        token_url: str | None = None,
        revoke_url: str | None = None,
        name: str = "default",
        max_concurrency: int = 150,
        requests_per_second: float | None = None,
        refresh_leeway: float = 60.0,
        clock: Callable[[], _dt.datetime] | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        crash_safe_refresh: bool | None = None,
    ) -> None:
        if not client_id or not isinstance(client_id, str):
            raise ValueError("client_id must be a non-empty string")
        if not isinstance(client_secret, str):
            raise TypeError("client_secret must be a string")
        if not client_secret:
            raise ValueError("client_secret must not be empty (Sage's token endpoint requires it)")
        if scope not in ("full_access", "readonly"):
            raise ValueError(f"scope must be 'full_access' or 'readonly', got {scope!r}")
        if refresh_leeway < 0:
            raise ValueError(f"refresh_leeway must be >= 0, got {refresh_leeway!r}")
        derived = hosts_from_base(host) if host else {}
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.api_url = (api_url or derived.get("api_url") or DEFAULT_API_URL).rstrip("/")
        self.authorize_url = authorize_url or derived.get("authorize_url") or DEFAULT_AUTHORIZE_URL
        self.token_url = token_url or derived.get("token_url") or DEFAULT_TOKEN_URL
        self.revoke_url = revoke_url or derived.get("revoke_url") or DEFAULT_REVOKE_URL
        for attr in ("api_url", "authorize_url", "token_url", "revoke_url"):
            check_http_url(getattr(self, attr), attr)
        if redirect_uri is not None:
            check_http_url(redirect_uri, "redirect_uri")
        self.name = name
        self.refresh_leeway = float(refresh_leeway)
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        if not isinstance(self.store, TokenStore):
            raise TypeError("store must implement load(), save(), clear() and lock()")
        self.limiter = Limiter(max_concurrency, requests_per_second)
        durable_possible = isinstance(self.store, FileTokenStore) and os.name == "posix"
        if crash_safe_refresh and not durable_possible:
            raise ValueError("crash_safe_refresh needs a FileTokenStore on a POSIX system")
        if crash_safe_refresh is None:
            # On by default wherever it can work: a file store on POSIX talking over a real network (an
            # in-process transport cannot be reached from the helper process).
            crash_safe_refresh = durable_possible and transport is None and async_transport is None
        self.crash_safe_refresh = crash_safe_refresh
        self.transport = transport
        self.async_transport = async_transport
        self.timeout = timeout
        self._clock = clock or _utcnow
        self._token: Token | None = None
        # A pair Sage issued that the store refused to save: kept (it is the only valid one) and
        # saved again on the next call.  ``_unsaved_base`` is the refresh token of the pair it replaced.
        self._unsaved: Token | None = None
        self._unsaved_base: str | None = None
        self._thread_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        if token is not None:
            tok = token if isinstance(token, Token) else Token.from_response(token, now=self._clock())
            with self.store.lock():
                if self.store.load() is None:
                    self.store.save(tok)

    @classmethod
    def from_env(cls, **overrides: Any) -> Connection:
        """Build from ``SAGE_CLIENT_ID``, ``SAGE_CLIENT_SECRET``, ``SAGE_REDIRECT_URI``,
        ``SAGE_BASE_URL`` (one base URL for all four endpoints) and ``SAGE_TOKEN_FILE``."""
        env = os.environ
        kwargs: dict[str, Any] = {}
        if env.get("SAGE_REDIRECT_URI"):
            kwargs["redirect_uri"] = env["SAGE_REDIRECT_URI"]
        if env.get("SAGE_BASE_URL"):
            kwargs["host"] = env["SAGE_BASE_URL"]
        if env.get("SAGE_TOKEN_FILE"):
            kwargs["store"] = FileTokenStore(env["SAGE_TOKEN_FILE"])
        kwargs.update(overrides)
        client_id = kwargs.pop("client_id", None) or env.get("SAGE_CLIENT_ID")
        client_secret = kwargs.pop("client_secret", None) or env.get("SAGE_CLIENT_SECRET")
        if not client_id or client_secret is None:
            raise ValueError("set SAGE_CLIENT_ID and SAGE_CLIENT_SECRET (or pass client_id/client_secret)")
        return cls(client_id, client_secret, **kwargs)

    def __repr__(self) -> str:
        return (
            f"Connection(name={self.name!r}, client_id={self.client_id!r}, client_secret='***', "
            f"api_url={self.api_url!r}, store={self.store!r})"
        )

    # --- the current token ------------------------------------------------------------------------

    def now(self) -> _dt.datetime:
        """The connection's clock."""
        return self._clock()

    def token(self) -> Token | None:
        """The token in the store (``None`` until the user has signed in); a pair that could not be
        saved yet (see :attr:`unsaved`) wins over the older stored one."""
        if self._unsaved is not None:
            return self._unsaved
        return self.store.load()

    @property
    def unsaved(self) -> bool:
        """True while this connection holds a pair Sage issued that the store could not save yet.

        The pair is used and saved again on the next call; if the process ends before that, the
        stored pair is stale and the user must sign in again.
        """
        return self._unsaved is not None

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

    # --- OAuth: authorize, exchange, refresh, revoke ----------------------------------------------

    def authorization_url(
        self,
        *,
        state: str | None = None,
        country: str | None = None,
        locale: str | None = None,
        redirect_uri: str | None = None,
    ) -> AuthorizationRequest:
        """The URL to send the user to, with a random ``state`` and a PKCE S256 challenge.

        Keep the returned object until the callback and pass it to :meth:`exchange_code`.
        """
        redirect = redirect_uri or self.redirect_uri
        if not redirect:
            raise ValueError("redirect_uri is required: pass it here or to Connection(redirect_uri=...)")
        return build_authorization_url(
            self.authorize_url,
            client_id=self.client_id,
            redirect_uri=redirect,
            scope=self.scope,
            state=state,
            country=country,
            locale=locale,
        )

    def _code_form(
        self,
        code_or_callback: str | Mapping[str, str],
        authorization: AuthorizationRequest,
        state: str | None,
    ) -> dict[str, str]:
        if (
            isinstance(code_or_callback, Mapping)
            or "code=" in code_or_callback
            or "error=" in code_or_callback
        ):
            params = parse_callback(code_or_callback)
            if "error" in params:
                raise OAuthError(
                    f"the user did not authorise the app: {params['error']}"
                    + (f" ({params['error_description']})" if params.get("error_description") else ""),
                    error=params["error"],
                )
            code = params.get("code", "")
            state = params.get("state", state)
        else:
            code = code_or_callback
        check_state(state, authorization.state)
        if not code:
            raise ValueError("the callback has no authorization code")
        return {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": authorization.redirect_uri or self.redirect_uri or "",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "code_verifier": authorization.code_verifier,
        }

    def _refresh_form(self, refresh_token: str) -> dict[str, str]:
        return {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }

    def _http(self) -> httpx.Client:
        return httpx.Client(
            transport=self.transport, timeout=self.timeout, headers={"User-Agent": user_agent()}
        )

    def _ahttp(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.async_transport, timeout=self.timeout, headers={"User-Agent": user_agent()}
        )

    def exchange_code(
        self,
        code_or_callback: str | Mapping[str, str],
        *,
        authorization: AuthorizationRequest,
        state: str | None = None,
        http_client: httpx.Client | None = None,
    ) -> Token:
        """Exchange the callback's code for a token pair, after checking ``state``; saves it.

        ``code_or_callback`` is the code (then give ``state=``), the full callback URL, or its query
        parameters as a mapping.
        """
        form = self._code_form(code_or_callback, authorization, state)
        try:
            if http_client is None:
                with self._http() as http:
                    token = self._post_token(http, form, what="code exchange")
            else:
                token = self._post_token(http_client, form, what="code exchange")
        except InvalidGrant:
            raise _code_refused() from None
        with self._thread_lock:
            return self._keep_new(token, base=self._stored_refresh_token(), locked=False)

    async def aexchange_code(
        self,
        code_or_callback: str | Mapping[str, str],
        *,
        authorization: AuthorizationRequest,
        state: str | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> Token:
        """Async twin of :meth:`exchange_code`."""
        form = self._code_form(code_or_callback, authorization, state)
        try:
            if http_client is None:
                async with self._ahttp() as http:
                    token = await self._apost_token(http, form, what="code exchange")
            else:
                token = await self._apost_token(http_client, form, what="code exchange")
        except InvalidGrant:
            raise _code_refused() from None

        def save() -> Token:
            with self._thread_lock:
                return self._keep_new(token, base=self._stored_refresh_token(), locked=False)

        return await anyio.to_thread.run_sync(save)

    def refresh(self, *, http_client: httpx.Client | None = None) -> Token:
        """Renew the pair now (single-flight: adopts a pair another worker just rotated)."""
        current = self._token or self.store.load()
        stale = current.access_token if current else None
        if http_client is None:
            with self._http() as http:
                return self.ensure_token(http, stale=stale, force=True)
        return self.ensure_token(http_client, stale=stale, force=True)

    async def arefresh(self, *, http_client: httpx.AsyncClient | None = None) -> Token:
        """Async twin of :meth:`refresh`."""
        current = self._token or await anyio.to_thread.run_sync(self.store.load)
        stale = current.access_token if current else None
        if http_client is None:
            async with self._ahttp() as http:
                return await self.aensure_token(http, stale=stale, force=True)
        return await self.aensure_token(http_client, stale=stale, force=True)

    def _revoke_form(self) -> dict[str, str] | None:
        token = self.store.load()
        if token is None:
            return None
        return {
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "token": token.refresh_token,
        }

    def revoke(self, *, http_client: httpx.Client | None = None) -> None:
        """Revoke the refresh token at Sage and clear the store (the user must sign in again)."""
        with self._thread_lock, self.store.lock():
            form = self._revoke_form()
            if form is not None:
                try:
                    if http_client is None:
                        with self._http() as http:
                            response = http.post(self.revoke_url, data=form)
                    else:
                        response = http_client.post(self.revoke_url, data=form)
                except httpx.TransportError as exc:
                    raise self._revoke_unreachable(exc) from None
                self._check_revoke(response)
            self.store.clear()
            self._token = None
            self._unsaved = None

    async def arevoke(self, *, http_client: httpx.AsyncClient | None = None) -> None:
        """Async twin of :meth:`revoke`."""
        form = await anyio.to_thread.run_sync(self._revoke_form)
        if form is not None:
            try:
                if http_client is None:
                    async with self._ahttp() as http:
                        response = await http.post(self.revoke_url, data=form)
                else:
                    response = await http_client.post(self.revoke_url, data=form)
            except httpx.TransportError as exc:
                raise self._revoke_unreachable(exc) from None
            self._check_revoke(response)

        def clear() -> None:
            with self._thread_lock, self.store.lock():
                self.store.clear()
                self._token = None
                self._unsaved = None

        await anyio.to_thread.run_sync(clear)

    def _revoke_unreachable(self, exc: httpx.TransportError) -> APIConnectionError:
        kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        return kind(
            f"revoke for connection {self.name!r} could not reach {self.revoke_url} ({type(exc).__name__}); "
            "the stored tokens were kept: try again"
        )

    def _check_revoke(self, response: httpx.Response) -> None:
        log.debug("response %s POST %s (revoke)", response.status_code, self.revoke_url)
        if response.status_code != 200:
            raise OAuthError(f"revoke failed: HTTP {response.status_code}", error=None)

    # --- the token endpoint -----------------------------------------------------------------------

    def _log_token_request(self, form: Mapping[str, str]) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request POST %s %s", self.token_url, redact_mapping(form))

    def _post_token(self, http: httpx.Client, form: Mapping[str, str], *, what: str) -> Token:
        self._log_token_request(form)
        attempt = 0
        while True:
            try:
                response = http.post(self.token_url, data=form, headers={"Accept": "application/json"})
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Never reached the server: safe to try again.
                attempt += 1
                if attempt > 2:
                    raise TokenRefreshError(
                        f"{what} for connection {self.name!r} could not reach {self.token_url}: {exc}",
                        connection=self.name,
                    ) from None
                time.sleep(0.2 * attempt)
            except httpx.TransportError as exc:
                raise TokenRefreshError(
                    f"{what} for connection {self.name!r}: the token endpoint did not answer "
                    f"({type(exc).__name__}); if it had already rotated the pair the user must sign in again",
                    connection=self.name,
                ) from None
        log.debug("response %s POST %s", response.status_code, self.token_url)
        return parse_token_answer(response.status_code, response.content, now=self._clock(), what=what)

    async def _apost_token(self, http: httpx.AsyncClient, form: Mapping[str, str], *, what: str) -> Token:
        self._log_token_request(form)
        attempt = 0
        while True:
            try:
                response = await http.post(self.token_url, data=form, headers={"Accept": "application/json"})
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                attempt += 1
                if attempt > 2:
                    raise TokenRefreshError(
                        f"{what} for connection {self.name!r} could not reach {self.token_url}: {exc}",
                        connection=self.name,
                    ) from None
                await anyio.sleep(0.2 * attempt)
            except httpx.TransportError as exc:
                raise TokenRefreshError(
                    f"{what} for connection {self.name!r}: the token endpoint did not answer "
                    f"({type(exc).__name__}); if it had already rotated the pair the user must sign in again",
                    connection=self.name,
                ) from None
        log.debug("response %s POST %s", response.status_code, self.token_url)
        return parse_token_answer(response.status_code, response.content, now=self._clock(), what=what)

    def _refresh_call(self, http: httpx.Client, refresh_token: str) -> Token:
        try:
            return self._post_token(http, self._refresh_form(refresh_token), what="token refresh")
        except OAuthError as exc:
            raise TokenRefreshError(str(exc), connection=self.name, error=exc.error) from None

    async def _arefresh_call(self, http: httpx.AsyncClient, refresh_token: str) -> Token:
        try:
            return await self._apost_token(http, self._refresh_form(refresh_token), what="token refresh")
        except OAuthError as exc:
            raise TokenRefreshError(str(exc), connection=self.name, error=exc.error) from None

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
                stored = self.store.load()
                if stored is None:
                    raise self._reauth("no token is stored for it")
                if self._usable(stored, stale, force) and (not force or stored.access_token != stale):
                    self._token = stored
                    return stored
                try:
                    new = self._refresh_call(http, stored.refresh_token)
                except InvalidGrant:
                    again = self.store.load()
                    if again is None or again.refresh_token == stored.refresh_token:
                        raise self._reauth("Sage refused its refresh token (invalid_grant)") from None
                    if self._usable(again, stale, False):
                        self._token = again
                        return again
                    try:
                        new = self._refresh_call(http, again.refresh_token)
                    except InvalidGrant:
                        raise self._reauth("Sage refused its refresh token (invalid_grant)") from None
                    stored = again
                return self._keep_new(new, base=stored.refresh_token, locked=True)

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
        if status == "invalid_grant":
            raise self._reauth("Sage refused its refresh token (invalid_grant)")
        raise TokenRefreshError(
            f"token refresh for connection {self.name!r} failed: "
            f"{verdict.get('error') or 'unknown error'} (HTTP {verdict.get('http', '-')})",
            connection=self.name,
            error=verdict.get("error"),
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
                stored = await anyio.to_thread.run_sync(self.store.load)
                if stored is None:
                    raise self._reauth("no token is stored for it")
                if self._usable(stored, stale, force) and (not force or stored.access_token != stale):
                    self._token = stored
                    return stored
                try:
                    new = await self._arefresh_call(http, stored.refresh_token)
                except InvalidGrant:
                    again = await anyio.to_thread.run_sync(self.store.load)
                    if again is None or again.refresh_token == stored.refresh_token:
                        raise self._reauth("Sage refused its refresh token (invalid_grant)") from None
                    if self._usable(again, stale, False):
                        self._token = again
                        return again
                    try:
                        new = await self._arefresh_call(http, again.refresh_token)
                    except InvalidGrant:
                        raise self._reauth("Sage refused its refresh token (invalid_grant)") from None
                    stored = again
                base = stored.refresh_token
                return await anyio.to_thread.run_sync(lambda: self._keep_new(new, base=base, locked=True))
            finally:
                await anyio.to_thread.run_sync(store_lock.__exit__, None, None, None)
        finally:
            self._thread_lock.release()
