"""The OAuth server: authorize page, code exchange with PKCE, refresh rotation, revoke."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import client_for

CALLBACK = DEMO.redirect_uri


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize_params(**extra: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": DEMO.client_id,
        "redirect_uri": CALLBACK,
        "scope": "full_access",
        "state": "xyz-state",
    }
    params.update(extra)
    return params


def callback_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CALLBACK + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(http: httpx.Client, verifier: str | None = None, **extra: str) -> str:
    params = authorize_params(**extra)
    if verifier is not None:
        params.update(code_challenge=challenge(verifier), code_challenge_method="S256")
    page = http.get("/oauth2/auth/central", params=params)
    assert page.status_code == 200
    answer = http.post("/oauth2/auth/central", data={**params, "decision": "allow"})
    return callback_query(answer)["code"]


def exchange(http: httpx.Client, code: str, verifier: str | None = None, **extra: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": DEMO.client_id,
        "client_secret": DEMO.client_secret,
    }
    if verifier is not None:
        form["code_verifier"] = verifier
    form.update(extra)
    return http.post("/token", data=form)


def refresh(http: httpx.Client, refresh_token: str) -> httpx.Response:
    return http.post(
        "/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": DEMO.client_id,
            "client_secret": DEMO.client_secret,
        },
    )


def test_consent_page_shows_user_and_businesses(http: httpx.Client) -> None:
    page = http.get("/oauth2/auth/central", params=authorize_params())
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Demo User" in page.text and "Demo Trading Ltd" in page.text
    assert 'id="allow"' in page.text and 'id="deny"' in page.text


def test_allow_redirects_with_region_prefixed_code_country_and_state(http: httpx.Client) -> None:
    params = authorize_params()
    query = callback_query(http.post("/oauth2/auth/central", data={**params, "decision": "allow"}))
    assert query["code"].startswith("GB/")
    assert query["country"] == "GB"
    assert query["state"] == "xyz-state"


def test_deny_redirects_with_access_denied(http: httpx.Client) -> None:
    query = callback_query(http.post("/oauth2/auth/central", data={**authorize_params(), "decision": "deny"}))
    assert query == {"error": "access_denied", "state": "xyz-state"}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"redirect_uri": "http://evil.example/callback"}, "invalid_request"),
        ({"redirect_uri": CALLBACK + "/"}, "invalid_request"),
        ({"client_id": "nope"}, "unauthorized_client"),
    ],
)
def test_bad_client_or_redirect_uri_is_an_error_page_never_a_redirect(
    http: httpx.Client, change: dict[str, str], error: str
) -> None:
    page = http.get("/oauth2/auth/central", params=authorize_params(**change))
    assert page.status_code == 400
    assert "location" not in page.headers
    assert error in page.text


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "everything"}, "invalid_scope"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge": "a" * 43, "code_challenge_method": "MD5"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
    ],
)
def test_bad_authorize_parameters_redirect_with_the_error(
    http: httpx.Client, change: dict[str, str], error: str
) -> None:
    query = callback_query(http.get("/oauth2/auth/central", params=authorize_params(**change)))
    assert query["error"] == error
    assert query["state"] == "xyz-state"


def test_code_exchange_returns_sage_token_response_in_order(http: httpx.Client, emu: Emulator) -> None:
    verifier = secrets.token_urlsafe(48)
    response = exchange(http, get_code(http, verifier), verifier)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "access_token",
        "scope",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
        "requested_by_id",
    ]
    assert body["scope"] == "full_access"
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    assert body["refresh_token_expires_in"] == 2678400
    assert body["requested_by_id"] == DEMO.user_id
    assert len(body["access_token"]) <= 2048 and len(body["refresh_token"]) <= 2048
    assert response.headers["cache-control"] == "no-store"
    with client_for(emu, body["access_token"]) as api:
        assert api.get("/user").json()["email"] == DEMO.user_email


def test_plain_pkce_and_no_pkce_both_work(http: httpx.Client) -> None:
    verifier = "p" * 50
    params = authorize_params(code_challenge=verifier, code_challenge_method="plain")
    code = callback_query(http.post("/oauth2/auth/central", data={**params, "decision": "allow"}))["code"]
    assert exchange(http, code, verifier).status_code == 200
    assert exchange(http, get_code(http)).status_code == 200


@pytest.mark.parametrize("verifier", [None, "wrong-verifier-" + "x" * 40])
def test_pkce_verifier_must_match(http: httpx.Client, verifier: str | None) -> None:
    code = get_code(http, "right-verifier-" + "y" * 40)
    response = exchange(http, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_is_single_use_and_replay_revokes_what_it_granted(http: httpx.Client, emu: Emulator) -> None:
    code = get_code(http)
    first = exchange(http, code).json()
    second = exchange(http, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert refresh(http, first["refresh_token"]).json()["error"] == "invalid_grant"
    with client_for(emu, first["access_token"]) as api:
        assert api.get("/user").status_code == 401


def test_code_expires_after_60_seconds(http: httpx.Client, emu: Emulator) -> None:
    code = get_code(http)
    emu.clock.advance(61)
    assert exchange(http, code).json()["error"] == "invalid_grant"


def test_exchange_needs_the_same_redirect_uri(http: httpx.Client) -> None:
    response = exchange(http, get_code(http), redirect_uri="http://localhost:8765/callback")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_client_credentials_by_basic_auth_and_bad_secret(http: httpx.Client) -> None:
    code = get_code(http)
    basic = base64.b64encode(f"{DEMO.client_id}:{DEMO.client_secret}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    ok = http.post("/token", data=form, headers={"Authorization": f"Basic {basic}"})
    assert ok.status_code == 200
    bad = exchange(http, get_code(http), client_secret="wrong")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        ({"grant_type": "refresh_token"}, 400, "invalid_request"),
        ({"grant_type": "authorization_code"}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "made-up"}, 400, "invalid_grant"),
    ],
)
def test_token_endpoint_errors(http: httpx.Client, form: dict[str, str], status: int, error: str) -> None:
    creds = {"client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
    response = http.post("/token", data={**creds, **form})
    assert response.status_code == status
    assert response.json()["error"] == error


def test_token_endpoint_wants_a_form_body(http: httpx.Client) -> None:
    response = http.post("/token", json={"grant_type": "refresh_token"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_refresh_rotates_and_the_old_refresh_token_dies_at_once(http: httpx.Client, emu: Emulator) -> None:
    first = emu.grant_tokens()
    second = refresh(http, first["refresh_token"])
    assert second.status_code == 200
    pair = second.json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert pair["access_token"] != first["access_token"]
    assert refresh(http, first["refresh_token"]).json()["error"] == "invalid_grant"
    third = refresh(http, pair["refresh_token"])
    assert third.status_code == 200
    assert [e.grant_type for e in emu.token_requests()] == ["refresh_token"] * 3
    assert [e.status for e in emu.token_requests("refresh_token")] == [200, 400, 200]


def test_access_token_expires_after_300_seconds(emu: Emulator, tokens: dict[str, Any]) -> None:
    with client_for(emu, tokens["access_token"]) as api:
        emu.clock.advance(299)
        assert api.get("/user").status_code == 200
        emu.clock.advance(2)
        response = api.get("/user")
    assert response.status_code == 401
    assert response.json()[0]["$dataCode"] == "AccessTokenVerificationError"


def test_refresh_token_expires_after_31_days(http: httpx.Client, emu: Emulator) -> None:
    pair = emu.grant_tokens()
    emu.clock.advance(2_678_400)
    assert refresh(http, pair["refresh_token"]).json()["error"] == "invalid_grant"


def test_token_lifetimes_are_settings(http: httpx.Client, emu: Emulator) -> None:
    emu.settings.access_token_ttl = 10
    emu.settings.refresh_token_ttl = 20
    pair = emu.grant_tokens()
    assert (pair["expires_in"], pair["refresh_token_expires_in"]) == (10, 20)
    emu.clock.advance(21)
    assert refresh(http, pair["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoke_refresh_token_ends_the_whole_grant(http: httpx.Client, emu: Emulator) -> None:
    pair = emu.grant_tokens()
    creds = {"client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
    response = http.post("/revoke", data={**creds, "token": pair["refresh_token"]})
    assert response.status_code == 200 and response.json() == {"success": "ok"}
    assert refresh(http, pair["refresh_token"]).json()["error"] == "invalid_grant"
    with client_for(emu, pair["access_token"]) as api:
        assert api.get("/user").status_code == 401
    assert http.post("/revoke", data={**creds, "token": "unknown"}).json() == {"success": "ok"}
    assert http.post("/revoke", data={**creds, "client_secret": "no", "token": "x"}).status_code == 400


def test_auto_approve_app_skips_the_consent_page(http: httpx.Client, emu: Emulator) -> None:
    emu.seed(
        {
            "apps": [
                {"client_id": "auto", "client_secret": "s", "redirect_uris": [CALLBACK], "auto_approve": True}
            ]
        }
    )
    response = http.get("/oauth2/auth/central", params=authorize_params(client_id="auto"))
    assert callback_query(response)["code"].startswith("GB/")


def test_readonly_scope_is_granted_and_carried(http: httpx.Client) -> None:
    code = get_code(http, scope="readonly")
    assert exchange(http, code).json()["scope"] == "readonly"


def test_long_dead_tokens_are_forgotten_so_a_sandbox_does_not_grow(http: httpx.Client, emu: Emulator) -> None:
    old = emu.grant_tokens()
    emu.clock.advance(2_678_400 + 3_601)  # both tokens dead for over an hour
    fresh = refresh(http, emu.grant_tokens()["refresh_token"])
    assert fresh.status_code == 200
    assert old["access_token"] not in emu.state.tokens and old["refresh_token"] not in emu.state.tokens
    assert refresh(http, old["refresh_token"]).json()["error"] == "invalid_grant"
