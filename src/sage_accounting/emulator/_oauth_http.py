"""OAuth over HTTP: the authorize page (``/oauth2/auth/central``) and the token and revoke endpoints
(``/token``, ``/revoke``). The rules themselves are in ``_oauth``."""

from __future__ import annotations

from urllib.parse import parse_qsl

from ._answers import Answer, html_answer, json_answer, redirect
from ._oauth import (
    AuthorizePageError,
    OAuthError,
    RedirectError,
    check_authorize,
    consent_page,
    error_page,
    issue_code,
    prune,
    revoke_request,
    token_request,
)
from ._sandbox import Sandbox

AUTHORIZE_PATH = "/oauth2/auth/central"
TOKEN_PATHS = ("/token", "/revoke")


def answer_authorize(sandbox: Sandbox, method: str, query: str, body: bytes) -> Answer:
    """The consent page (GET), the user's decision (POST), or a redirect back with a code or an error."""
    if method == "GET":
        params = dict(parse_qsl(query, keep_blank_values=True))
    elif method == "POST":
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    else:
        return Answer(405, b"", {"allow": "GET, POST"})
    with sandbox.lock:
        try:
            req = check_authorize(sandbox.state, params)
        except AuthorizePageError as exc:
            return html_answer(400, error_page(exc.error, exc.description))
        except RedirectError as exc:
            return redirect(exc.location)
        decision = params.get("decision") if method == "POST" else None
        if decision == "deny":
            return redirect(RedirectError(req.redirect_uri, "access_denied", req.state).location)
        if decision == "allow" or req.app.auto_approve:
            return redirect(issue_code(sandbox.state, req, sandbox.clock.time()))
        return html_answer(200, consent_page(sandbox.state, req, params))


def answer_token(sandbox: Sandbox, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
    """``POST /token`` (every grant type) and ``POST /revoke``, answered as Sage's OAuth server does."""
    if method != "POST":
        return json_answer(
            405, {"error": "invalid_request", "error_description": "Use POST."}, {"allow": "POST"}
        )
    if "application/x-www-form-urlencoded" not in headers.get("content-type", ""):
        return json_answer(
            400,
            {
                "error": "invalid_request",
                "error_description": "The body must be form-encoded (application/x-www-form-urlencoded).",
            },
        )
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    authorization = headers.get("authorization")
    grant_type = form.get("grant_type") if path == "/token" else "revoke"
    try:
        with sandbox.lock:
            now = sandbox.clock.time()
            if path == "/token":
                prune(sandbox.state, now)
                data = token_request(sandbox.state, form, authorization, now)
            else:
                data = revoke_request(sandbox.state, form, authorization)
        answer = json_answer(200, data, {"cache-control": "no-store", "pragma": "no-cache"})
    except OAuthError as exc:
        # best-practices guide: the answer has an error and an error_description saying more
        answer = json_answer(
            exc.status, {"error": exc.error, "error_description": exc.description or exc.error}
        )
    answer.grant_type = grant_type
    answer.client_id = form.get("client_id") or None
    return answer
