"""The token endpoint's errors as Sage's best-practices guide shows them, and the authorize endpoint's
country check."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import ROOT
from .test_oauth import CALLBACK, authorize_params, callback_query, exchange, get_code, refresh


@pytest.fixture
def emu() -> Emulator:
    """The demo seed: its user reaches a UK and an Irish business."""
    return Emulator()


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=emu.transport(), base_url=ROOT) as client:
        yield client


def test_a_wrong_client_secret_is_a_400_invalid_client_with_a_description(http: httpx.Client) -> None:
    bad = exchange(http, get_code(http), client_secret="wrong-secret")
    assert bad.status_code == 400
    body = bad.json()
    assert body == {"error": "invalid_client", "error_description": "The client credentials are invalid."}
    assert "wrong-secret" not in bad.text
    basic = base64.b64encode(f"{DEMO.client_id}:nope".encode()).decode()
    form = {"grant_type": "refresh_token", "refresh_token": "x"}
    by_basic = http.post("/token", data=form, headers={"Authorization": f"Basic {basic}"})
    assert by_basic.status_code == 400 and by_basic.json()["error"] == "invalid_client"


def test_expired_used_and_unknown_grants_say_why(http: httpx.Client, emu: Emulator) -> None:
    code = get_code(http)
    assert exchange(http, code).status_code == 200
    replay = exchange(http, code).json()
    assert replay == {
        "error": "invalid_grant",
        "error_description": "The authorization code has already been used.",
    }
    late = get_code(http)
    emu.clock.advance(61)
    assert exchange(http, late).json()["error_description"] == "The authorization code has expired."
    pair = emu.grant_tokens()
    assert refresh(http, pair["refresh_token"]).status_code == 200
    reused = refresh(http, pair["refresh_token"]).json()
    assert reused["error"] == "invalid_grant" and "used before" in reused["error_description"]
    assert pair["refresh_token"] not in str(reused)
    unknown = http.post("/token", data={"grant_type": "password", "client_id": DEMO.client_id})
    assert unknown.status_code == 400 and unknown.json()["error"] == "unsupported_grant_type"
    assert unknown.json()["error_description"]


def test_the_country_passed_must_match_a_business_of_the_user(http: httpx.Client) -> None:
    irish = callback_query(
        http.post("/oauth2/auth/central", data={**authorize_params(country="ie"), "decision": "allow"})
    )
    assert irish["country"] == "IE" and irish["code"].startswith("IE/")
    canada = http.get("/oauth2/auth/central", params=authorize_params(country="ca"))
    query = callback_query(canada)
    assert query["error"] == "invalid_request" and query["state"] == "xyz-state"
    assert (
        query["error_description"]
        == "The country selected (CA) does not match the country of the user's business."
    )
    nowhere = callback_query(http.get("/oauth2/auth/central", params=authorize_params(country="zz")))
    assert nowhere["error"] == "invalid_request" and "country must be one of" in nowhere["error_description"]


def test_without_a_country_the_user_picks_one_on_the_page(http: httpx.Client) -> None:
    page = http.get("/oauth2/auth/central", params=authorize_params())
    assert '<select name="country"' in page.text and '<option value="gb" selected>' in page.text
    picked = http.post(
        "/oauth2/auth/central", data={**authorize_params(), "country": "us", "decision": "allow"}
    )
    assert callback_query(picked)["error"] == "invalid_request"
    chosen = http.post(
        "/oauth2/auth/central", data={**authorize_params(), "country": "gb", "decision": "allow"}
    )
    assert callback_query(chosen)["country"] == "GB"
    assert CALLBACK in chosen.headers["location"]
