"""Guards on what a call sends and how it reacts: the token stays on Sage's host, ids cannot climb the
path, a non-token 401 is not "fixed" by rotating the pair, long Retry-After waits are not slept
through, and bad arguments are refused locally with the argument named."""

from __future__ import annotations

import httpx
import pytest
from client_helpers import FAST_RETRY, make_connection

from sage_accounting import (
    AsyncSageAccounting,
    AuthenticationError,
    Connection,
    MemoryTokenStore,
    RateLimitError,
    SageAccounting,
)
from sage_accounting._core import check_id
from sage_accounting.emulator import DEMO, Emulator


def _calls(emu: Emulator, path: str | None = None) -> list[tuple[str, str, int]]:
    return [
        (e.method, e.path, e.status)
        for e in emu.request_log.entries()
        if e.path != "/token" and (path is None or e.path == path)
    ]


def _refreshes(emu: Emulator) -> int:
    return len(emu.token_requests(grant_type="refresh_token"))


# --- 1: the bearer token only goes under the API root ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/steal",
        "https://sage.test/v3.1/contacts",  # another scheme
        "http://sage.test.evil.example/v3.1/contacts",
        "http://sage.test:8080/v3.1/contacts",
        "http://sage.test/v3.1evil/contacts",
        "http://sage.test/contacts",
        "http://user:pw@sage.test/v3.1/contacts",
    ],
)
def test_request_refuses_a_url_outside_the_api_root(emu: Emulator, client: SageAccounting, url: str) -> None:
    with pytest.raises(ValueError, match="refusing to send the Sage access token"):
        client.request("GET", url)
    assert _calls(emu) == []


def test_request_accepts_a_full_url_under_the_api_root(emu: Emulator, client: SageAccounting) -> None:
    assert client.request("GET", "http://SAGE.test/v3.1/contacts?items_per_page=5").status_code == 200
    assert client.request("GET", "/contacts").status_code == 200


@pytest.mark.anyio
async def test_async_request_refuses_a_foreign_url(emu: Emulator, aclient: AsyncSageAccounting) -> None:
    with pytest.raises(ValueError, match="refusing"):
        await aclient.request("GET", "http://evil.example/steal")
    assert _calls(emu) == []


# --- 7: ids made of dots ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [".", "..", "...", "-", "_.-"])
def test_ids_without_a_letter_or_digit_are_refused(emu: Emulator, client: SageAccounting, bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid Sage id"):
        check_id(bad)
    with pytest.raises(ValueError, match="not a valid Sage id"):
        client.contacts.delete(bad)
    with pytest.raises(ValueError, match="not a valid Sage id"):
        client.sales_invoices.void(bad, void_reason="x")
    assert _calls(emu) == []


def test_ids_with_dots_inside_are_still_accepted() -> None:
    assert check_id("a.b") == "a.b"
    assert check_id("GB_VAT.2") == "GB_VAT.2"


# --- 11: the redirect_uri of the authorization URL is the one exchanged ----------------------------


def test_exchange_uses_the_redirect_uri_given_to_authorization_url(emu: Emulator) -> None:
    conn = Connection(DEMO.client_id, DEMO.client_secret, host="http://sage.test", transport=emu.transport())
    auth = conn.authorization_url(redirect_uri=DEMO.redirect_uri)
    assert auth.redirect_uri == DEMO.redirect_uri
    with httpx.Client(transport=emu.transport(), base_url="http://sage.test") as http:
        form = dict(httpx.URL(auth.url).params.multi_items()) | {"decision": "allow"}
        callback = http.post("/oauth2/auth/central", data=form).headers["location"]
        token = conn.exchange_code(callback, authorization=auth, http_client=http)
    assert token.requested_by_id == DEMO.user_id


# --- 13: a 401 that is not about the token ---------------------------------------------------------


def test_an_unreachable_business_is_not_a_token_problem(emu: Emulator, conn: Connection) -> None:
    with (
        SageAccounting(conn, business_id="nope", retry=FAST_RETRY) as sage,
        pytest.raises(AuthenticationError) as info,
    ):
        sage.contacts.list()
    error = info.value
    assert "business 'nope' is not one this user can reach" in str(error)
    assert error.data_code == "AuthorizationFailure"
    assert not error.token_refused
    assert _refreshes(emu) == 0, "the pair was rotated for nothing"
    assert [s for _, _, s in _calls(emu, "/v3.1/contacts")] == [401], "no replay"


def test_an_inactive_subscription_is_not_a_token_problem(emu: Emulator, client: SageAccounting) -> None:
    emu.state.businesses[DEMO.business_id].subscription_active = False
    with pytest.raises(AuthenticationError, match="no active Sage subscription") as info:
        client.contacts.list()
    assert not info.value.token_refused
    assert _refreshes(emu) == 0
    assert len(_calls(emu, "/v3.1/contacts")) == 1


@pytest.mark.anyio
async def test_async_a_readonly_token_writing_is_not_a_token_problem(emu: Emulator) -> None:
    tokens = emu.grant_tokens(DEMO.client_id, DEMO.user_id, scope="readonly")
    conn = Connection(
        DEMO.client_id,
        DEMO.client_secret,
        host="http://sage.test",
        token=tokens,
        store=MemoryTokenStore(),
        async_transport=emu.async_transport(),
    )
    async with AsyncSageAccounting(conn, business_id=DEMO.business_id) as sage:
        with pytest.raises(AuthenticationError, match="readonly scope") as info:
            await sage.contacts.create(name="Read Only Ltd", contact_type_ids=["CUSTOMER"])
    assert not info.value.token_refused
    assert _refreshes(emu) == 0
    assert len(_calls(emu, "/v3.1/contacts")) == 1


def test_an_expired_token_is_still_refreshed_and_replayed(emu: Emulator) -> None:
    conn = make_connection(emu)
    with SageAccounting(conn, business_id=DEMO.business_id) as sage:
        emu.clock.advance(301)
        assert sage.contacts.list().total == 0
    assert _refreshes(emu) == 1
    assert [s for _, _, s in _calls(emu, "/v3.1/contacts")] == [401, 200]


# --- 14: a Retry-After longer than we would wait ---------------------------------------------------


def test_a_long_retry_after_raises_at_once(emu: Emulator, client: SageAccounting) -> None:
    emu.faults.add(method="GET", path="/v3.1/contacts", status=429, count=None, retry_after=3600)
    with pytest.raises(RateLimitError) as info:
        client.contacts.list()  # FAST_RETRY waits at most 2 s
    assert info.value.retry_after == 3600
    assert len(_calls(emu, "/v3.1/contacts")) == 1


@pytest.mark.anyio
async def test_async_a_long_retry_after_raises_at_once(emu: Emulator, aclient: AsyncSageAccounting) -> None:
    emu.faults.add(method="GET", path="/v3.1/tax_rates", status=503, count=None, retry_after=3600)
    with pytest.raises(Exception, match="503"):
        await aclient.tax_rates.list()
    assert len(_calls(emu, "/v3.1/tax_rates")) == 1


# --- 21, 22, 23: bad arguments refused locally -----------------------------------------------------


def test_nan_in_a_body_is_refused_locally(emu: Emulator, client: SageAccounting) -> None:
    with pytest.raises(ValueError, match=r"contact\.credit_limit is NaN or infinite"):
        client.contacts.create(name="NaN Ltd", contact_type_ids=["CUSTOMER"], credit_limit=float("nan"))
    with pytest.raises(ValueError, match="NaN or infinite"):
        client.request("POST", "/contacts", json={"contact": {"lines": [1.0, float("inf")]}})
    assert _calls(emu) == []


def test_attributes_of_the_wrong_type_are_named(client: SageAccounting) -> None:
    with pytest.raises(TypeError, match="attributes must be"):
        client.contacts.list(attributes=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="attributes must be"):
        client.contacts.list(attributes={"name": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [-1, 0, float("nan"), httpx.Timeout(5.0, connect=-1)])
def test_a_bad_timeout_is_refused(emu: Emulator, client: SageAccounting, timeout: object) -> None:
    with pytest.raises(ValueError, match="timeout"):
        client.contacts.list(timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        SageAccounting(client.connection, timeout=timeout)  # type: ignore[arg-type]
    assert _calls(emu) == []


def test_timeout_none_and_numbers_are_accepted(client: SageAccounting) -> None:
    assert client.contacts.list(timeout=None).total == 0
    assert client.contacts.list(timeout=5).total == 0


# --- 25: the connection's own settings --------------------------------------------------------------


def test_an_empty_client_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="client_secret"):
        Connection("id", "")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"host": "nope"}, "host"),
        ({"host": "ftp://x"}, "host"),
        ({"host": "http://[::1"}, "host"),
        ({"host": "http://127.0.0.1:99999"}, "host"),
        ({"host": "http://"}, "host"),
        ({"api_url": "sage/v3.1"}, "api_url"),
        ({"token_url": "http://a b/token"}, "token_url"),
        ({"redirect_uri": "127.0.0.1/cb"}, "redirect_uri"),
    ],
)
def test_urls_that_are_not_http_urls_are_refused(kwargs: dict[str, str], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        Connection("id", "secret", **kwargs)  # type: ignore[arg-type]


def test_good_urls_are_accepted() -> None:
    conn = Connection("id", "secret", host="http://[::1]:8000/")
    assert conn.api_url == "http://[::1]:8000/v3.1"
