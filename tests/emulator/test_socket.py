"""The emulator over a real socket: the thread server and the ``sage-accounting emulator`` command."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import assert_error, served_api

CLI = [sys.executable, "-m", "sage_accounting.cli"]


def sign_in(http: httpx.Client) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": DEMO.client_id,
        "redirect_uri": DEMO.redirect_uri,
        "state": "s1",
    }
    allowed = http.post("/oauth2/auth/central", data={**params, "decision": "allow"})
    code = parse_qs(urlsplit(allowed.headers["location"]).query)["code"][0]
    tokens = http.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DEMO.redirect_uri,
            "client_id": DEMO.client_id,
            "client_secret": DEMO.client_secret,
        },
    )
    assert tokens.status_code == 200
    return tokens.json()  # type: ignore[no-any-return]


def test_full_flow_over_a_real_socket() -> None:
    emu = Emulator(seed="minimal")
    with emu.serve() as url, httpx.Client(base_url=url) as http:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        tokens = sign_in(http)
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        created = http.post(
            "/v3.1/contacts",
            json={"contact": {"name": "Socket Ltd", "contact_type_ids": ["VENDOR"]}},
            headers=headers,
        )
        assert created.status_code == 201
        assert created.headers["x-business"] == DEMO.business_id
        listed = http.get("/v3.1/contacts", headers=headers).json()
        assert listed["$items"][0]["displayed_as"] == "Socket Ltd"
        assert_error(http.get("/v3.1/contacts"), 401, "AccessTokenVerificationError")


def test_dropped_connection_over_a_socket() -> None:
    emu = Emulator(seed="minimal")
    tokens = emu.grant_tokens()
    emu.faults.add("GET", "/v3.1/user", drop=True)
    with (
        emu.serve() as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens['access_token']}"}) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/v3.1/user")
        assert http.get("/v3.1/user").status_code == 200


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return proc, match.group(1)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError("the emulator did not start")


def test_cli_serve_keeps_data_in_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    proc, url = _start(["emulator", "serve", "--port", "0", "--seed", "minimal", "--state", str(state)], env)
    try:
        with httpx.Client(base_url=url) as http:
            tokens = sign_in(http)
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            body = {"contact": {"name": "Survives Restart", "contact_type_ids": ["CUSTOMER"]}}
            assert http.post("/v3.1/contacts", json=body, headers=headers).status_code == 201
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.returncode == 0
    proc, url = _start(["emulator", "serve", "--port", "0", "--state", str(state)], env)
    try:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {tokens['access_token']}"}
        ) as http:
            names = [i["displayed_as"] for i in http.get("/v3.1/contacts").json()["$items"]]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert names == ["Survives Restart"]


def test_cli_serve_with_a_generated_seed_and_activity(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    args = ["emulator", "serve", "--port", "0", "--seed", "generated:30:2", "--seed-random", "3"]
    proc, url = _start([*args, "--activity", "6000"], env)
    try:
        with httpx.Client(base_url=url) as http:
            tokens = sign_in(http)
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            assert len(http.get("/v3.1/businesses", headers=headers).json()["$items"]) == 2
            made = 0
            deadline = time.monotonic() + 60
            while made == 0 and time.monotonic() < deadline:
                status = http.get("/__emulator__/activity").json()
                made = sum(status.get("made", {}).values())
                time.sleep(0.2)
            assert status["running"] is True and status["rate"] == 6000 and made > 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert proc.returncode == 0


def test_cli_serve_refuses_a_bad_seed_clearly(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CLI, "emulator", "serve", "--seed", "nonsense"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "--seed must be demo, minimal, generated:N[:B], none or a seed JSON file" in result.stderr
    assert "Traceback" not in result.stderr
    result = subprocess.run(
        [*CLI, "emulator", "serve", "--seed", "generated:0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "N must be between 1 and" in result.stderr
    assert "Traceback" not in result.stderr
    broken = tmp_path / "state.json"
    broken.write_text("{not json")
    result = subprocess.run(
        [*CLI, "emulator", "serve", "--state", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "not an emulator state file" in result.stderr
    assert "Traceback" not in result.stderr


def test_served_connections_send_answers_without_waiting_for_acks() -> None:
    # The server's socket: its connections have TCP_NODELAY, and a protocol asyncio recognises as TCP (it sets
    # TCP_NODELAY itself only then); without it each keep-alive answer waits for a delayed ACK.
    import socket

    from sage_accounting.emulator._transport import listening_socket

    server = listening_socket("127.0.0.1", 0)
    with server, socket.create_connection(server.getsockname()) as client:
        accepted, _ = server.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            assert accepted.proto == socket.IPPROTO_TCP
        assert client.fileno() >= 0


def test_many_requests_on_one_keep_alive_connection() -> None:
    emu = Emulator(seed="minimal")
    with served_api(emu) as api:
        made = api.post(
            "/contacts", json={"contact": {"name": "Kept Alive", "contact_type_ids": ["CUSTOMER"]}}
        )
        assert made.status_code == 201
        for _ in range(30):
            assert api.get(f"/contacts/{made.json()['id']}").json()["name"] == "Kept Alive"
    assert [e.status for e in emu.request_log.entries()] == [201] + [200] * 30
