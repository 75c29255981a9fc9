"""One OAuth connection to Sage: the app's credentials, its URLs, the token store, and the
single-flight refresh that every client of the connection goes through.

The connection is built in three layers, one concept each: the calls to Sage's token and revoke
endpoints (:mod:`._endpoint`), the single-flight refresh and the keeping of the pairs it produces
(:mod:`._refresh`, whose docstring explains the critical section), and here the configuration and
the public OAuth steps (authorize, exchange, refresh, revoke).
"""

from __future__ import annotations

import datetime as _dt
import os
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
)
from .._limits import RateBudget, budget_from_env
from ._endpoint import code_refused
from ._oauth import AuthorizationRequest, InvalidGrant, build_authorization_url
from ._refresh import Refresher
from ._store import FileTokenStore, MemoryTokenStore, TokenStore
from ._token import Token

__all__ = ["Connection"]


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class Connection(Refresher):
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
    it defaults to on for a ``FileTokenStore`` on POSIX without a custom transport.  ``budget``
    replaces the rate budget (a :class:`~sage_accounting.RateBudget`; default: in process, or in
    Redis when ``SAGE_REDIS_URL`` is set).
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
        budget: RateBudget | None = None,
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
        # the rate budget every client of this connection shares (in Redis when SAGE_REDIS_URL is set)
        self.limiter: RateBudget = budget or budget_from_env(
            max_concurrency, requests_per_second, app=client_id
        )
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
        self._init_refresh()
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
            raise code_refused() from None
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
            raise code_refused() from None

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
