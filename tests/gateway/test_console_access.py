"""The console's sign-in and its guards: admin tokens only (never agent keys), sessions in HttpOnly
SameSite=Strict cookies, CSRF on every form, and the security headers of every answer."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sage_accounting.gateway.store import GatewayStore

from .console_helpers import admin_token, console_client, csrf_of, sign_in, signed_in
from .mcp_helpers import ROOT, cli_env

PAGES = ["/console", "/console/", "/console/agents", "/console/agents/bookkeeper", "/console/audit",
         "/console/audit.csv", "/console/approvals"]  # fmt: skip
POSTS = ["/console/agents", "/console/agents/bookkeeper", "/console/agents/bookkeeper/rotate-key",
         "/console/agents/bookkeeper/remove", "/console/audit/verify", "/console/approvals/abc/approve",
         "/console/approvals/abc/deny", "/console/sign-out"]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GatewayStore]:
    with GatewayStore.open(f"sqlite:///{tmp_path / 'gateway.db'}") as opened:
        opened.add_agent("bookkeeper")
        yield opened


@pytest.mark.parametrize("path", PAGES)
def test_without_a_session_every_page_redirects_to_sign_in_and_shows_no_data(
    store: GatewayStore, path: str
) -> None:
    with console_client(store) as client:
        answer = client.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/console/sign-in"
        assert "bookkeeper" not in answer.text


@pytest.mark.parametrize("path", POSTS)
def test_without_a_session_every_form_answers_401_with_the_sign_in_form(
    store: GatewayStore, path: str
) -> None:
    with console_client(store) as client:
        answer = client.post(path, data={"name": "intruder", "level-sales": "full"})
        assert answer.status_code == 401
        assert 'action="/console/sign-in"' in answer.text
    assert [a.name for a in store.list_agents()] == ["bookkeeper"]
    assert store.get_agent("bookkeeper").level("sales") == "off"


def test_an_admin_token_signs_in_with_a_strict_httponly_session_cookie(store: GatewayStore) -> None:
    with console_client(store) as client:
        answer = sign_in(client, admin_token(store))
        assert answer.status_code == 303 and answer.headers["location"] == "/console"
        cookie = next(
            v for k, v in answer.headers.multi_items() if k == "set-cookie" and "sage_console=" in v
        )
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
        assert "Secure" not in cookie  # on loopback
        page = client.get("/console/agents")
        assert page.status_code == 200 and "bookkeeper" in page.text


def test_the_session_cookie_is_secure_off_loopback(store: GatewayStore) -> None:
    with console_client(store, host="0.0.0.0", base_url="https://gateway.example") as client:
        answer = sign_in(client, admin_token(store))
        assert answer.status_code == 303
        cookie = next(
            v for k, v in answer.headers.multi_items() if k == "set-cookie" and "sage_console=" in v
        )
        assert "Secure" in cookie


def test_an_agent_key_is_refused_as_an_admin_token(store: GatewayStore) -> None:
    key = store.rotate_key("bookkeeper")
    with console_client(store) as client:
        for wrong in (key, "sgc_not-a-token", ""):
            answer = sign_in(client, wrong)
            assert answer.status_code == 401
            assert "agent keys cannot sign in" in answer.text
            assert "set-cookie" not in {k for k, v in answer.headers.multi_items() if "sage_console=" in v}
            assert client.get("/console/agents").status_code == 303
        assert key not in answer.text


def test_signing_in_without_the_forms_csrf_token_is_refused(store: GatewayStore) -> None:
    with console_client(store) as client:
        client.get("/console/sign-in")
        answer = client.post("/console/sign-in", data={"token": admin_token(store)})
        assert answer.status_code == 403
        assert client.get("/console").status_code == 303


@pytest.mark.parametrize("path", POSTS)
def test_a_form_posted_without_its_csrf_token_gets_403_and_changes_nothing(
    store: GatewayStore, path: str
) -> None:
    before = store.list_audit(limit=1000)
    with signed_in(store) as client:
        for data in ({"name": "intruder", "level-sales": "full"}, {"name": "intruder", "csrf": "forged"}):
            answer = client.post(path, data=data)
            assert answer.status_code == 403, path
            assert "Nothing was changed" in answer.text
        assert client.get("/console/agents").status_code == 200  # still signed in
    assert [a.name for a in store.list_agents()] == ["bookkeeper"]
    assert store.get_agent("bookkeeper").level("sales") == "off"
    assert store.list_audit(limit=1000) == before


def test_every_html_answer_carries_the_csp_and_frame_denial(store: GatewayStore) -> None:
    with console_client(store) as client:
        answers = [client.get("/console/sign-in"), client.get("/console"), client.post("/console/agents")]
        assert sign_in(client, admin_token(store)).status_code == 303
        answers += [client.get(p) for p in PAGES] + [client.post("/console/agents", data={"csrf": "x"})]
        answers += [client.get("/console/static/console.css")]
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers["x-frame-options"] == "DENY"
    html_pages = [a for a in answers if a.headers.get("content-type", "").startswith("text/html")]
    assert len(html_pages) >= 8
    for answer in html_pages:  # nothing inline for the CSP to block
        assert "<style" not in answer.text and " style=" not in answer.text
        assert "<script>" not in answer.text and " onclick=" not in answer.text


def test_signing_out_ends_the_session(store: GatewayStore) -> None:
    with signed_in(store) as client:
        csrf = csrf_of(client.get("/console/agents").text)
        assert client.post("/console/sign-out", data={"csrf": csrf}).status_code == 303
        client.cookies.clear()
        assert client.get("/console/agents").status_code == 303


def test_console_db_before_token_is_where_the_token_is_stored(tmp_path: Path) -> None:
    chosen = f"sqlite:///{tmp_path / 'chosen.db'}"
    env = cli_env(f"sqlite:///{tmp_path / 'default.db'}", None, tmp_path)  # SAGE_GATEWAY_DB: another database
    run = [sys.executable, "-m", "sage_accounting.cli", "console", "--db", chosen, "token"]
    token = subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()[
        -1
    ]
    with GatewayStore.open(chosen) as store, console_client(store) as client:
        assert sign_in(client, token).status_code == 303


def test_console_token_prints_the_token_alone_on_its_last_line_and_stores_its_hash(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    env = cli_env(url, None, tmp_path)
    run = [sys.executable, "-m", "sage_accounting.cli", "console", "token"]
    plain = subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    token = plain.stdout.splitlines()[-1]
    assert token.startswith("sgc_") and " " not in token
    as_json = subprocess.run([*run, "--json"], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    other = json.loads(as_json.stdout)["token"]
    assert other.startswith("sgc_") and other != token
    with GatewayStore.open(url) as store:
        with store.engine.connect() as conn:
            stored = " ".join(str(r) for r in conn.exec_driver_sql("SELECT * FROM gateway_console_tokens"))
        assert token not in stored and other not in stored
        with console_client(store) as client:
            assert sign_in(client, token).status_code == 303
            assert client.get("/console/audit").status_code == 200


def test_mcp_serve_http_serves_the_console_under_console_next_to_mcp(store: GatewayStore) -> None:
    import httpx

    from sage_accounting.emulator import Emulator
    from sage_accounting.gateway.executor import Gateway

    from .console_helpers import served_with_console
    from .mcp_helpers import emulator_factory

    with (
        served_with_console(Gateway(store, emulator_factory(Emulator()))) as base,
        httpx.Client(base_url=base, follow_redirects=False, trust_env=False) as http,
    ):
        assert http.get("/console").status_code == 303
        assert http.post("/mcp", json={}).status_code == 401  # the agent's bearer key is still required
        assert sign_in(http, admin_token(store)).status_code == 303
        assert "bookkeeper" in http.get("/console/agents").text


@pytest.mark.parametrize("command", [["mcp", "serve", "--http"], ["console"]])
def test_the_commands_serve_the_console(tmp_path: Path, command: list[str]) -> None:
    import time

    import httpx

    from .mcp_helpers import free_port

    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    with GatewayStore.open(url) as opened:
        opened.add_agent("bookkeeper")
        token = admin_token(opened)
    port = free_port()
    argv = [sys.executable, "-m", "sage_accounting.cli", "--emulator", *command, "--port", str(port)]
    proc = subprocess.Popen(argv, env=cli_env(url, None, tmp_path), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", follow_redirects=False, trust_env=False
        ) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    first = http.get("/console")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            assert first.status_code == 303
            assert sign_in(http, token).status_code == 303
            assert "bookkeeper" in http.get("/console/agents").text
    finally:
        proc.terminate()
        proc.wait(10)
