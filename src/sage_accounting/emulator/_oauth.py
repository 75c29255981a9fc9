"""The OAuth 2.0 server: Sage's authorize page, token endpoint and revoke endpoint.

Authorization code flow only, with PKCE (S256 and plain). Access tokens live 300 s and refresh tokens 31 days
(both settings). Every refresh rotates the refresh token: the old one dies at once, and presenting it again,
or an expired or revoked one, answers ``400 {"error": "invalid_grant"}``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ._state import App, AuthCode, Grant, State, TokenRecord, User, new_id

SCOPES = ("full_access", "readonly")
# The countries of Sage's country/region selection screen (authentication guide: ca, gb, ie; the troubleshooting
# guide also names the US).
COUNTRY_CHOICES = {"GB": "United Kingdom", "IE": "Ireland", "CA": "Canada", "US": "United States"}
# Best-practices guide: wrong client credentials are a 400 with error invalid_client (never saying which part
# was wrong, nor echoing the secret).
BAD_CLIENT = "The client credentials are invalid."


class OAuthError(Exception):
    """An OAuth error answered as JSON ``{"error": ...}`` with the given status."""

    def __init__(self, error: str, status: int = 400, description: str = "") -> None:
        super().__init__(description or error)
        self.error = error
        self.status = status
        self.description = description


class AuthorizePageError(Exception):
    """A request that must not be redirected (unknown client, unregistered redirect URI): shown as a page."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass
class AuthorizeRequest:
    app: App
    redirect_uri: str
    scope: str
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: User
    country: str | None = None  # the country picked (the ``country`` parameter or the selection screen)


class RedirectError(Exception):
    """An error the client learns of through its redirect URI."""

    def __init__(
        self, redirect_uri: str, error: str, state: str | None, description: str | None = None
    ) -> None:
        super().__init__(error)
        self.location = redirect_with(
            redirect_uri, {"error": error, "error_description": description, "state": state}
        )


def redirect_with(redirect_uri: str, params: Mapping[str, str | None]) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v is not None])
    return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}"


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def check_authorize(state: State, params: Mapping[str, str]) -> AuthorizeRequest:
    """Validate an authorization request; raise AuthorizePageError or RedirectError when it is bad."""
    client_id = params.get("client_id", "")
    app = state.apps.get(client_id)
    if app is None:
        raise AuthorizePageError("unauthorized_client", "The client_id is not registered.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        raise AuthorizePageError(
            "invalid_request", "The redirect_uri does not match any callback URL registered for this app."
        )
    oauth_state = params.get("state")
    if params.get("response_type") != "code":
        raise RedirectError(redirect_uri, "unsupported_response_type", oauth_state)
    scope = params.get("scope") or "full_access"
    if scope not in SCOPES:
        raise RedirectError(redirect_uri, "invalid_scope", oauth_state)
    challenge = params.get("code_challenge") or None
    method = params.get("code_challenge_method") or None
    if challenge is not None:
        method = method or "plain"
        if method not in ("S256", "plain") or not 43 <= len(challenge) <= 128:
            raise RedirectError(redirect_uri, "invalid_request", oauth_state)
    elif method is not None:
        raise RedirectError(redirect_uri, "invalid_request", oauth_state)
    wanted = params.get("user")
    user: User | None = None
    if wanted:
        user = state.users.get(wanted) or next((u for u in state.users.values() if u.email == wanted), None)
    elif state.users:
        user = next(iter(state.users.values()))
    if user is None:
        raise AuthorizePageError("access_denied", "No such user can sign in here.")
    country = _picked_country(state, params, user, redirect_uri, oauth_state)
    return AuthorizeRequest(app, redirect_uri, scope, oauth_state, challenge, method, user, country)


def user_countries(state: State, user: User) -> list[str]:
    """The countries of the businesses the user can reach, lead business's first."""
    ids = [user.lead_business_id, *user.roles] if user.lead_business_id else list(user.roles)
    found: list[str] = []
    for business_id in ids:
        business = state.businesses.get(business_id or "")
        if business is not None and business.country not in found:
            found.append(business.country)
    return found


def _picked_country(
    state: State, params: Mapping[str, str], user: User, redirect_uri: str, oauth_state: str | None
) -> str | None:
    """The ``country`` the user picked, checked against their businesses (authentication guide: "The
    country selected by the user authenticating must match the region of the Sage Business Cloud
    Accounting instance ... the authorization request will fail" otherwise)."""
    picked = (params.get("country") or "").strip().upper()
    if not picked:
        return None
    if picked not in COUNTRY_CHOICES:
        raise RedirectError(
            redirect_uri,
            "invalid_request",
            oauth_state,
            f"country must be one of {', '.join(c.lower() for c in COUNTRY_CHOICES)}",
        )
    if picked not in user_countries(state, user):
        raise RedirectError(
            redirect_uri,
            "invalid_request",
            oauth_state,
            f"The country selected ({picked}) does not match the country of the user's business.",
        )
    return picked


def issue_code(state: State, req: AuthorizeRequest, now: float) -> str:
    """Allow: a single-use, region-prefixed code valid for ``code_ttl`` seconds; returns the redirect."""
    business = state.businesses.get(req.user.lead_business_id or "")
    country = req.country or (business.country if business else "GB")
    code = f"{country}/{secrets.token_hex(20)}"
    state.codes[code] = AuthCode(
        code=code,
        client_id=req.app.client_id,
        redirect_uri=req.redirect_uri,
        user_id=req.user.id,
        scope=req.scope,
        expires_at=now + state.settings.code_ttl,
        code_challenge=req.code_challenge,
        code_challenge_method=req.code_challenge_method,
    )
    return redirect_with(req.redirect_uri, {"code": code, "country": country, "state": req.state})


def consent_page(state: State, req: AuthorizeRequest, params: Mapping[str, str]) -> str:
    """A small HTML page: who signs in, which businesses the app will reach, Allow / Deny."""
    e = html.escape
    businesses = [state.businesses[b] for b in req.user.roles if b in state.businesses]
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in params.items() if k != "decision"
    )
    items = "".join(f"<li>{e(b.name)} ({e(b.country)})</li>" for b in businesses)
    picker = ""
    if req.country is None:
        # the country/region selection Sage shows when the app did not pass ``country``
        first = (user_countries(state, req.user) or ["GB"])[0]
        options = "".join(
            f'<option value="{code.lower()}"{" selected" if code == first else ""}>{e(name)}</option>'
            for code, name in COUNTRY_CHOICES.items()
        )
        picker = (
            f'<p><label>Country or region <select name="country" id="country">{options}</select></label></p>'
        )
    access = "read and write" if req.scope == "full_access" else "read-only"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorise {e(req.app.name)}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}button{{font-size:1rem;margin-right:1rem}}</style>
</head><body>
<h1>Sage Accounting (emulator)</h1>
<p>Signed in as <strong id="user">{e(req.user.display_name)}</strong> &lt;{e(req.user.email)}&gt;.</p>
<p><strong id="app">{e(req.app.name)}</strong> asks for {access} access to:</p>
<ul id="businesses">{items}</ul>
<form method="post" action="/oauth2/auth/central" id="consent">{hidden}{picker}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form></body></html>"""


def error_page(error: str, description: str) -> str:
    e = html.escape
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorisation error</title></head>'
        f'<body><h1>Authorisation error</h1><p id="error">{e(error)}</p><p>{e(description)}</p></body></html>'
    )


def client_credentials(form: Mapping[str, str], authorization: str | None) -> tuple[str, str, bool]:
    """(client_id, client_secret, used_basic) from HTTP Basic or the form body."""
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            raise OAuthError("invalid_client", description=BAD_CLIENT) from None
        client_id, sep, secret = raw.partition(":")
        if not sep:
            raise OAuthError("invalid_client", description=BAD_CLIENT)
        return client_id, secret, True
    return form.get("client_id", ""), form.get("client_secret", ""), False


def authenticate_client(state: State, form: Mapping[str, str], authorization: str | None) -> App:
    client_id, secret, _ = client_credentials(form, authorization)
    app = state.apps.get(client_id)
    if app is None or not secrets.compare_digest(app.client_secret.encode(), secret.encode()):
        raise OAuthError("invalid_client", description=BAD_CLIENT)
    return app


def _token(prefix: str) -> str:
    # Opaque to clients; Sage's own run to about 1,200 characters (up to 2,048), ours are shorter.
    return f"{prefix}{secrets.token_urlsafe(96)}"


def issue_pair(state: State, grant: Grant, now: float) -> dict[str, Any]:
    """A new access token and refresh token for the grant, in Sage's response field order."""
    settings = state.settings
    access = _token("ey.a.")
    refresh = _token("ey.r.")
    state.tokens[access] = TokenRecord(access, "access", grant.id, now + settings.access_token_ttl)
    state.tokens[refresh] = TokenRecord(refresh, "refresh", grant.id, now + settings.refresh_token_ttl)
    return {
        "access_token": access,
        "scope": grant.scope,
        "token_type": "bearer",
        "expires_in": settings.access_token_ttl,
        "refresh_token": refresh,
        "refresh_token_expires_in": settings.refresh_token_ttl,
        "requested_by_id": grant.user_id,
    }


def new_grant(state: State, client_id: str, user_id: str, scope: str, now: float) -> Grant:
    grant = Grant(id=new_id(), client_id=client_id, user_id=user_id, scope=scope, created_at=now)
    state.grants[grant.id] = grant
    return grant


def revoke_grant(state: State, grant_id: str) -> None:
    grant = state.grants.get(grant_id)
    if grant is not None:
        grant.revoked = True
    for record in state.tokens.values():
        if record.grant_id == grant_id:
            record.revoked = True


def token_request(
    state: State, form: Mapping[str, str], authorization: str | None, now: float
) -> dict[str, Any]:
    """Handle ``POST /token``; returns the JSON answer or raises OAuthError."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", description="The grant_type parameter is missing.")
    if grant_type not in ("authorization_code", "refresh_token"):
        raise OAuthError(
            "unsupported_grant_type",
            description="The grant_type must be authorization_code or refresh_token.",
        )
    app = authenticate_client(state, form, authorization)
    if grant_type == "authorization_code":
        code_value = form.get("code")
        redirect_uri = form.get("redirect_uri")
        if not code_value or not redirect_uri:
            raise OAuthError(
                "invalid_request", description="The code and redirect_uri parameters are required."
            )
        code = state.codes.get(code_value)
        if code is None or code.client_id != app.client_id:
            raise OAuthError("invalid_grant", description="The authorization code is invalid.")
        if code.used:
            # A replayed code: kill what it granted, as RFC 6749 asks.
            if code.grant_id:
                revoke_grant(state, code.grant_id)
            raise OAuthError("invalid_grant", description="The authorization code has already been used.")
        if now >= code.expires_at:
            raise OAuthError("invalid_grant", description="The authorization code has expired.")
        if code.redirect_uri != redirect_uri:
            raise OAuthError(
                "invalid_grant",
                description="The redirect_uri does not match the one of the authorization request.",
            )
        if code.code_challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                raise OAuthError("invalid_grant", description="The code_verifier parameter is missing.")
            expected = pkce_s256(verifier) if code.code_challenge_method == "S256" else verifier
            if not secrets.compare_digest(expected.encode(), code.code_challenge.encode()):
                raise OAuthError(
                    "invalid_grant", description="The code_verifier does not match the code_challenge."
                )
        code.used = True
        grant = new_grant(state, app.client_id, code.user_id, code.scope, now)
        code.grant_id = grant.id
        return issue_pair(state, grant, now)
    presented = form.get("refresh_token")
    if not presented:
        raise OAuthError("invalid_request", description="The refresh_token parameter is missing.")
    record = state.tokens.get(presented)
    if (
        record is None
        or record.kind != "refresh"
        or record.revoked
        or record.rotated
        or now >= record.expires_at
    ):
        raise OAuthError("invalid_grant", description=_refresh_problem(record, now))
    chain = state.grants.get(record.grant_id)
    if chain is None or chain.revoked or chain.client_id != app.client_id:
        raise OAuthError("invalid_grant", description="The refresh token has been revoked.")
    record.rotated = True
    return issue_pair(state, chain, now)


def _refresh_problem(record: TokenRecord | None, now: float) -> str:
    """Why a presented refresh token is refused (the troubleshooting guide's causes), without echoing it."""
    if record is None or record.kind != "refresh":
        return "The refresh token is invalid."
    if record.rotated:
        return "The refresh token has been used before; only the newest refresh token is valid."
    if record.revoked:
        return "The refresh token has been revoked."
    return "The refresh token has expired."


def revoke_request(state: State, form: Mapping[str, str], authorization: str | None) -> dict[str, str]:
    """Handle ``POST /revoke``: a refresh token ends its whole grant, an access token only itself."""
    app = authenticate_client(state, form, authorization)
    token = form.get("token")
    if not token:
        raise OAuthError("invalid_request", description="The token parameter is missing.")
    record = state.tokens.get(token)
    if record is not None:
        grant = state.grants.get(record.grant_id)
        if grant is not None and grant.client_id == app.client_id:
            if record.kind == "refresh":
                revoke_grant(state, grant.id)
            else:
                record.revoked = True
    return {"success": "ok"}


def prune(state: State, now: float) -> None:
    """Forget long-dead tokens and codes so a long-lived sandbox does not grow without bound."""
    dead = [t for t, r in state.tokens.items() if now >= r.expires_at + 3600]
    for token in dead:
        del state.tokens[token]
    for code in [c for c, r in state.codes.items() if now >= r.expires_at + 3600]:
        del state.codes[code]
