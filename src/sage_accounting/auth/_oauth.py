"""Sans-I/O OAuth 2.0 pieces: the authorization URL with PKCE, token request bodies, token answers."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .._errors import SageError
from ._token import Token

__all__ = ["AuthorizationRequest", "OAuthError", "code_challenge", "new_code_verifier"]


class OAuthError(SageError):
    """The authorization step failed: ``state`` mismatch, a refused code, or an error callback."""

    def __init__(self, message: str, *, error: str | None = None, status_code: int | None = None) -> None:
        self.error = error
        self.status_code = status_code
        super().__init__(message)


class InvalidGrant(Exception):
    """Internal: ``/token`` answered ``invalid_grant``."""


def new_code_verifier() -> str:
    """A PKCE code verifier: 86 URL-safe characters (RFC 7636 allows 43–128)."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    """The S256 challenge of ``verifier``: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, repr=False)
class AuthorizationRequest:
    """Where to send the user, and what to keep until the callback (``state``, ``code_verifier``).

    Keep this object (for example in the user's session) and hand it to ``exchange_code``.
    """

    url: str
    state: str
    code_verifier: str
    #: The ``redirect_uri`` sent with the URL; the code exchange must send the same one.
    redirect_uri: str | None = None

    def __repr__(self) -> str:
        return (
            f"AuthorizationRequest(url={self.url!r}, state='***', code_verifier='***', "
            f"redirect_uri={self.redirect_uri!r})"
        )


def build_authorization_url(
    authorize_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    scope: str,
    state: str | None = None,
    code_verifier: str | None = None,
    country: str | None = None,
    locale: str | None = None,
) -> AuthorizationRequest:
    """The authorize URL with ``response_type=code``, ``state`` and a PKCE S256 challenge."""
    state = state or secrets.token_urlsafe(24)
    verifier = code_verifier or new_code_verifier()
    parts = urlsplit(authorize_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", scope),
        ("state", state),
        ("code_challenge", code_challenge(verifier)),
        ("code_challenge_method", "S256"),
    ]
    if country:
        query.append(("country", country))
    if locale:
        query.append(("locale", locale))
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    return AuthorizationRequest(url=url, state=state, code_verifier=verifier, redirect_uri=redirect_uri)


def parse_callback(url_or_query: str | Mapping[str, str]) -> dict[str, str]:
    """The query parameters of the redirect (``code``, ``state``, ``country`` or ``error``)."""
    if isinstance(url_or_query, Mapping):
        return {str(k): str(v) for k, v in url_or_query.items()}
    query = urlsplit(url_or_query).query if "?" in url_or_query else url_or_query
    return dict(parse_qsl(query, keep_blank_values=True))


def check_state(returned: str | None, expected: str) -> None:
    """Raise ``OAuthError`` unless the callback's ``state`` is the one we sent."""
    # compare bytes: compare_digest refuses non-ASCII str, and a pasted callback may carry anything
    if not returned or not secrets.compare_digest(returned.encode(), expected.encode()):
        raise OAuthError(
            "the state in the callback does not match the one sent with the authorization URL; "
            "the sign-in may have been forged or belongs to another session: start it again",
            error="state_mismatch",
        )


def parse_token_answer(status_code: int, content: bytes, *, now: _dt.datetime, what: str) -> Token:
    """A ``Token`` from a ``/token`` answer; raises ``InvalidGrant`` or ``OAuthError`` otherwise."""
    try:
        data: Any = json.loads(content) if content else None
    except ValueError:
        data = None
    if status_code == 200 and isinstance(data, Mapping) and "access_token" in data:
        return Token.from_response(data, now=now)
    error = str(data.get("error")) if isinstance(data, Mapping) and data.get("error") else None
    if error == "invalid_grant":
        raise InvalidGrant()
    description = data.get("error_description") if isinstance(data, Mapping) else None
    raise OAuthError(
        f"{what} failed: HTTP {status_code} {error or 'without an OAuth error code'}"
        + (f" ({description})" if description else ""),
        error=error,
        status_code=status_code,
    )
