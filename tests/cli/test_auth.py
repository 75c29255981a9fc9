"""``auth login`` end to end (headless Chromium clicking Allow on the emulator's consent page; a scripted
browser; ``--no-browser``), ``auth status`` and ``auth logout``, and a few real subprocess runs."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sage_accounting.emulator import DEMO

from .conftest import ROOT, Cli, Served, free_port, profile, run_subprocess, token_path

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")


def token_file(home: Path, profile: str = "default") -> Path:
    return home / "data" / "sage-accounting" / "tokens" / f"{profile}.json"


def login_args(served: Served) -> list[str]:
    return ["auth", "login", "--client-id", DEMO.client_id, "--base-url", served.url,
            "--redirect-uri", served.redirect_uri, "--timeout", "60"]  # fmt: skip


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium, Debian package chromium) "
                    "is not installed")  # fmt: skip
def test_login_in_a_real_browser(served: Served, isolated_home: Path) -> None:
    """A real process: the CLI opens headless Chromium (through --browser-command), which loads the
    emulator's consent page and clicks Allow; the CLI catches the callback and ends signed in."""
    log = isolated_home / "chromium.log"
    browser = f"{sys.executable} {HERE / 'chromium_allow.py'}"
    env = {"SAGE_CLIENT_SECRET": DEMO.client_secret, "CHROMIUM_ALLOW_LOG": str(log)}
    done = run_subprocess(*login_args(served), "--browser-command", browser, env=env, timeout=120)
    diagnostics = f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}\nbrowser: " + (
        log.read_text() if log.exists() else "(no log)"
    )
    assert done.returncode == 0, diagnostics
    # The CLI does not wait for its browser to exit: give the helper a moment to log the final page.
    deadline = time.monotonic() + 20
    while "callback page:" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "clicked Allow" in log.read_text() and "Signed in" in log.read_text(), (
        diagnostics + log.read_text()
    )
    assert "Signed in as Demo User <demo@example.com>" in done.stdout
    assert "Demo Trading Ltd" in done.stdout and "Demo Trading Ireland Ltd" in done.stdout
    stored = token_file(isolated_home)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert len(served.emulator.token_requests("authorization_code")) == 1
    token = json.loads(stored.read_text())
    for secret in (token["access_token"], token["refresh_token"], DEMO.client_secret):
        assert secret not in done.stdout + done.stderr
    # The same profile now works without the browser, in another process.
    listed = run_subprocess(
        "contacts", "list", "--items-per-page", "2", "--json", env={"SAGE_CLIENT_SECRET": DEMO.client_secret}
    )
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["$items"]) == 2


def test_login_with_a_scripted_browser_then_status_and_logout(cli: Cli, served: Served, isolated_home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("SAGE_CLIENT_SECRET", DEMO.client_secret)
    browser = f"{sys.executable} {HERE / 'consent_click.py'} %s allow"
    out = cli.ok(*login_args(served), "--browser-command", browser)
    assert "Signed in as Demo User" in out.stdout and "Tokens stored in" in out.stderr
    assert "Saved client_id, base_url, redirect_uri in profile default" in out.stderr
    assert stat.S_IMODE(token_file(isolated_home).stat().st_mode) == 0o600
    status = cli.ok("auth", "status", "--json").json()
    assert status["signed_in"] is True and status["user"]["email"] == "demo@example.com"
    assert status["api_url"] == f"{served.url}/v3.1"
    # Sage's five minutes, less however long the machine took since the sign-in (no timing assertion).
    left = re.search(r"\(in (\d+) s\)", status["access_token_expires"])
    assert left and 60 < int(left.group(1)) <= 300, status["access_token_expires"]
    assert "access_token" not in json.dumps(status).replace("access_token_expires", "")
    text = cli.ok("auth", "status").stdout
    assert "Demo User" in text and "env SAGE_CLIENT_SECRET" in text
    refresh = json.loads(token_file(isolated_home).read_text())["refresh_token"]
    out = cli.ok("auth", "logout")
    assert "revoked" in out.stderr and not token_file(isolated_home).exists()
    assert served.emulator.request_log.entries()[-1].path == "/revoke"
    answer = httpx.post(f"{served.url}/token", data={"grant_type": "refresh_token", "refresh_token": refresh,
                                                     "client_id": DEMO.client_id, "client_secret": DEMO.client_secret})  # fmt: skip
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert "not signed in" in cli.fails(3, "auth", "status").stderr
    assert "nothing to revoke" in cli.ok("auth", "logout").stderr


def test_login_denied_is_3(
    cli: Cli, served: Served, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    monkeypatch.setenv("SAGE_CLIENT_SECRET", DEMO.client_secret)
    browser = f"{sys.executable} {HERE / 'consent_click.py'} %s deny"
    err = cli.fails(3, *login_args(served), "--browser-command", browser).stderr
    assert "sign-in failed" in err and "access_denied" in err
    assert not token_file(isolated_home).exists()


def test_login_timeout_and_busy_port(cli: Cli, served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAGE_CLIENT_SECRET", DEMO.client_secret)
    args = [a if a != "60" else "1" for a in login_args(served)]
    out = cli.fails(3, *args, "--no-browser")
    assert "no sign-in arrived" in out.stderr.splitlines()[-1]
    port = int(served.redirect_uri.split(":")[2].split("/")[0])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        err = cli.fails(1, *login_args(served), "--no-browser").stderr
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_login_with_no_browser_in_a_real_process(served: Served, isolated_home: Path) -> None:
    """--no-browser prints the URL; the user (here httpx) allows access; the callback reaches the CLI."""
    env = {**os.environ, "SAGE_CLIENT_SECRET": DEMO.client_secret, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sage_accounting.cli", *login_args(served), "--no-browser", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if line.startswith("http"):
                url = line.strip()
        assert url is not None and "code_challenge_method=S256" in url and "state=" in url
        waiting = process.stderr.readline()
        assert "Waiting for the callback" in waiting
        assert (
            subprocess.run([sys.executable, str(HERE / "consent_click.py"), url], timeout=30).returncode == 0
        )
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    who = json.loads(stdout)
    assert who["user"]["email"] == "demo@example.com" and len(who["businesses"]) == 2
    assert token_file(isolated_home).exists()


def test_login_and_status_with_the_embedded_emulator(cli: Cli) -> None:
    out = cli.ok("auth", "login", "--emulator")
    assert "clicking Allow" in out.stderr and "code exchanged" in out.stderr
    assert "Signed in to the embedded emulator" in out.stdout
    assert cli.ok("auth", "status", "--emulator", "--json").json()["user"]["email"] == "demo@example.com"


def test_subprocess_errors_are_one_line_with_exit_codes(isolated_home: Path) -> None:
    bad = run_subprocess("contacts", "create", "--emulator", "--name", "Acme", "--contact-type-ids", "CUSTOMER",
                         "--credit-limit", "lots")  # fmt: skip
    assert (
        bad.returncode == 2
        and bad.stderr.strip() == "error: createContact: --credit-limit must be a number, got 'lots'"
    )
    missing = run_subprocess("contacts", "get", "0123456789abcdef", "--emulator")
    assert missing.returncode == 4 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    usage = run_subprocess("contacts", "get")
    assert usage.returncode == 2 and re.match(r"error: Missing argument 'ID'", usage.stderr)
    demo = run_subprocess("demo")
    assert demo.returncode == 0 and "Paid" in demo.stdout


def test_bad_login_options_are_usage_errors(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(
        cli, monkeypatch, redirect_uri=f"http://127.0.0.1:{free_port()}/cb", base_url="http://127.0.0.1:9"
    )
    out = cli.fails(2, "auth", "login", "--browser-command", '"unterminated', "--timeout", "1")
    assert "--browser-command" in out.stderr
    out = cli.fails(2, "auth", "login", "--timeout", "1e308")
    assert "--timeout" in out.stderr


def test_a_callback_state_that_is_not_ascii_is_refused(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(cli, monkeypatch, redirect_uri="https://app.example/cb")
    out = cli("auth", "login", "--no-browser", input="https://app.example/cb?code=abc&state=\u00e9\n")
    assert out.code == 3 and "state" in out.stderr and "unexpected" not in out.stderr


def test_a_bare_code_at_the_prompt_asks_for_the_whole_url(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(cli, monkeypatch, redirect_uri="https://app.example/cb")
    out = cli("auth", "login", "--no-browser", input="abc123\n")
    assert out.code == 2 and "paste the whole URL" in out.stderr and "forged" not in out.stderr


def test_logout_local_forgets_without_revoking(cli: Cli, signed_in_profile: Served) -> None:
    out = cli.ok("auth", "logout", "--local")
    assert "not revoked" in out.stderr and not token_path().exists()
    assert not [e for e in signed_in_profile.emulator.request_log.entries() if e.path == "/revoke"]


def test_logout_offline_keeps_the_tokens_and_points_at_local(
    cli: Cli, signed_in_profile: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGE_REVOKE_URL", f"http://127.0.0.1:{free_port()}/revoke")
    out = cli.fails(7, "auth", "logout")
    assert "auth logout --local" in out.stderr and token_path().exists()
    cli.ok("auth", "logout", "--local")
    assert not token_path().exists()
