"""Tokens, PKCE, authorization URLs and the token stores (no network)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sage_accounting import (
    Connection,
    FileTokenStore,
    MemoryTokenStore,
    OAuthError,
    Token,
    TokenStore,
    TokenStoreError,
)
from sage_accounting.auth import code_challenge

RESPONSE = {
    "access_token": "ACCESS-SECRET-123",
    "scope": "full_access",
    "token_type": "bearer",
    "expires_in": 300,
    "refresh_token": "REFRESH-SECRET-456",
    "refresh_token_expires_in": 2678400,
    "requested_by_id": "user-1",
}
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def test_token_from_response() -> None:
    token = Token.from_response(RESPONSE, now=NOW)
    assert token.expires_at == NOW + dt.timedelta(seconds=300)
    assert token.refresh_expires_at == NOW + dt.timedelta(days=31)
    assert token.scope == "full_access" and token.requested_by_id == "user-1"
    assert not token.access_expired(now=NOW)
    assert token.access_expired(now=NOW + dt.timedelta(seconds=241), leeway=60)
    assert Token.from_dict(token.to_dict()) == token


def test_token_repr_hides_secrets() -> None:
    token = Token.from_response(RESPONSE, now=NOW)
    for text in (repr(token), str(token)):
        assert "SECRET" not in text
        assert "user-1" in text


def test_pkce_s256_matches_rfc7636_example() -> None:
    # RFC 7636, appendix B.
    assert (
        code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_authorization_url_has_state_and_pkce() -> None:
    conn = Connection("my-app", "s3cret", redirect_uri="http://localhost/cb")
    request = conn.authorization_url(country="GB")
    parts = urlsplit(request.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.sageone.com/oauth2/auth/central"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["filter"] == "apiv3.1"
    assert query["response_type"] == "code"
    assert query["client_id"] == "my-app"
    assert query["redirect_uri"] == "http://localhost/cb"
    assert query["scope"] == "full_access"
    assert query["state"] == request.state and len(request.state) >= 20
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == code_challenge(request.code_verifier)
    assert "s3cret" not in request.url
    assert request.code_verifier not in repr(request)
    assert conn.authorization_url().state != request.state


def test_host_derives_every_url() -> None:
    conn = Connection("id", "secret", host="http://127.0.0.1:9999/")
    assert conn.api_url == "http://127.0.0.1:9999/v3.1"
    assert conn.authorize_url == "http://127.0.0.1:9999/oauth2/auth/central?filter=apiv3.1"
    assert conn.token_url == "http://127.0.0.1:9999/token"
    assert conn.revoke_url == "http://127.0.0.1:9999/revoke"
    default = Connection("id", "secret")
    assert default.api_url == "https://api.accounting.sage.com/v3.1"
    assert default.token_url == "https://oauth.accounting.sage.com/token"
    assert default.revoke_url == "https://oauth.accounting.sage.com/revoke"
    assert "secret" not in repr(default).replace("client_secret", "")


def test_exchange_refuses_a_wrong_state() -> None:
    conn = Connection("id", "secret", redirect_uri="http://localhost/cb")
    request = conn.authorization_url()
    with pytest.raises(OAuthError, match="state"):
        conn.exchange_code("http://localhost/cb?code=GB%2Fabc&state=forged", authorization=request)
    with pytest.raises(OAuthError, match="state"):  # non-ASCII: still a clean refusal, not a TypeError
        conn.exchange_code("http://localhost/cb?code=GB%2Fabc&state=%C3%A9", authorization=request)
    with pytest.raises(OAuthError, match="did not authorise"):
        conn.exchange_code("http://localhost/cb?error=access_denied&state=x", authorization=request)


def test_bad_connection_inputs() -> None:
    with pytest.raises(ValueError, match="scope"):
        Connection("id", "secret", scope="everything")
    with pytest.raises(ValueError, match="client_id"):
        Connection("", "secret")
    with pytest.raises(ValueError, match="max_concurrency"):
        Connection("id", "secret", max_concurrency=0)
    with pytest.raises(ValueError, match="redirect_uri"):
        Connection("id", "secret").authorization_url()


def test_file_store_is_private_atomic_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    store = FileTokenStore(path)
    assert isinstance(store, TokenStore)
    assert store.load() is None
    token = Token.from_response(RESPONSE, now=NOW)
    with store.lock():
        store.save(token)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.load() == token
    assert json.loads(path.read_text())["refresh_token"] == "REFRESH-SECRET-456"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    store.clear()
    assert store.load() is None
    assert "SECRET" not in repr(store)


def test_file_store_reports_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("{not json")
    with pytest.raises(TokenStoreError, match="not a valid token"):
        FileTokenStore(path).load()


def test_file_store_lock_excludes_other_threads(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "t.json")
    inside = 0
    overlap = []

    def worker() -> None:
        nonlocal inside
        for _ in range(20):
            with store.lock():
                inside += 1
                overlap.append(inside)
                inside -= 1

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(overlap) == 1


def test_memory_store() -> None:
    token = Token.from_response(RESPONSE, now=NOW)
    store = MemoryTokenStore(token)
    assert isinstance(store, TokenStore)
    assert store.load() is token
    store.clear()
    assert store.load() is None


def test_file_store_reports_a_file_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text("[" * 1000 + "]" * 1000)
    with pytest.raises(TokenStoreError, match="nested too deeply"):
        FileTokenStore(path).load()
