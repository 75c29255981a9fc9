"""Sage's token and revoke endpoints: the forms a connection posts, the posting itself (with its
retry of a request that never reached the server), and the reading of the answer.

:class:`TokenEndpoint` is the bottom layer of :class:`~sage_accounting.auth.Connection`: it reads the
connection's credentials, URLs, transports and clock from ``self`` and keeps no state of its own.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Callable, Mapping

import anyio
import httpx

from .._core import redact_mapping, user_agent
from .._errors import APIConnectionError, APITimeoutError, TokenRefreshError
from ._oauth import (
    AuthorizationRequest,
    OAuthError,
    check_state,
    parse_callback,
    parse_token_answer,
)
from ._store import TokenStore
from ._token import Token

__all__ = ["TokenEndpoint", "code_refused"]

log = logging.getLogger("sage_accounting")


def code_refused() -> OAuthError:
    return OAuthError(
        "code exchange failed: invalid_grant (the code expired after 60 s, was already used, or the "
        "redirect_uri or code_verifier do not match): start the sign-in again",
        error="invalid_grant",
    )


class TokenEndpoint:
    """The calls to ``/token`` and ``/revoke`` (a mixin: :class:`Connection` sets the attributes)."""

    client_id: str
    _client_secret: str
    redirect_uri: str | None
    token_url: str
    revoke_url: str
    name: str
    store: TokenStore
    transport: httpx.BaseTransport | None
    async_transport: httpx.AsyncBaseTransport | None
    timeout: httpx.Timeout | float
    _clock: Callable[[], _dt.datetime]

    # --- the forms --------------------------------------------------------------------------------

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

    def _revoke_form(self) -> dict[str, str] | None:
        token = self.store.load()
        if token is None:
            return None
        return {
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "token": token.refresh_token,
        }

    # --- the HTTP clients used when the caller gives none -----------------------------------------

    def _http(self) -> httpx.Client:
        return httpx.Client(
            transport=self.transport, timeout=self.timeout, headers={"User-Agent": user_agent()}
        )

    def _ahttp(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.async_transport, timeout=self.timeout, headers={"User-Agent": user_agent()}
        )

    # --- the token endpoint -----------------------------------------------------------------------

    def _log_token_request(self, form: Mapping[str, str]) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request POST %s %s", self.token_url, redact_mapping(form))

    def _unreachable(self, what: str, exc: httpx.TransportError) -> TokenRefreshError:
        return TokenRefreshError(
            f"{what} for connection {self.name!r} could not reach {self.token_url}: {exc}",
            connection=self.name,
            unreachable=True,
        )

    def _no_answer(self, what: str, exc: httpx.TransportError) -> TokenRefreshError:
        # The request went out: Sage may have rotated the pair without our hearing of it.
        return TokenRefreshError(
            f"{what} for connection {self.name!r}: the token endpoint did not answer "
            f"({type(exc).__name__}); if it had already rotated the pair the user must sign in again",
            connection=self.name,
            unreachable=True,
        )

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
                    raise self._unreachable(what, exc) from None
                time.sleep(0.2 * attempt)
            except httpx.TransportError as exc:
                raise self._no_answer(what, exc) from None
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
                    raise self._unreachable(what, exc) from None
                await anyio.sleep(0.2 * attempt)
            except httpx.TransportError as exc:
                raise self._no_answer(what, exc) from None
        log.debug("response %s POST %s", response.status_code, self.token_url)
        return parse_token_answer(response.status_code, response.content, now=self._clock(), what=what)

    def _refresh_call(self, http: httpx.Client, refresh_token: str) -> Token:
        try:
            return self._post_token(http, self._refresh_form(refresh_token), what="token refresh")
        except OAuthError as exc:
            raise TokenRefreshError(
                str(exc), connection=self.name, error=exc.error, status_code=exc.status_code
            ) from None

    async def _arefresh_call(self, http: httpx.AsyncClient, refresh_token: str) -> Token:
        try:
            return await self._apost_token(http, self._refresh_form(refresh_token), what="token refresh")
        except OAuthError as exc:
            raise TokenRefreshError(
                str(exc), connection=self.name, error=exc.error, status_code=exc.status_code
            ) from None

    # --- the revoke endpoint ----------------------------------------------------------------------

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
