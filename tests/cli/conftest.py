"""Fixtures of the command-line tests: an isolated home (XDG directories, no SAGE_* variables), an in-process
runner, a shared embedded emulator, and a profile pointing at an emulator served on a real socket."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emulator_helpers import disk_full  # noqa: F401  (the CLI tests import it from here)
from sage_accounting.cli import _state, app
from sage_accounting.emulator import DEMO, Emulator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config and data under tmp_path; no SAGE_* or BROWSER from the caller's environment."""
    for name in list(os.environ):
        if name.startswith("SAGE_") or name == "BROWSER":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


@dataclass
class Outcome:
    """What one invocation printed and returned."""

    code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    """Runs ``sage-accounting`` in process (typer's CliRunner)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Outcome:
        result = self.runner.invoke(app, list(args), input=input)
        exception = result.exception if not isinstance(result.exception, SystemExit) else None
        return Outcome(result.exit_code, result.stdout, result.stderr, exception)

    def ok(self, *args: str, input: str | None = None) -> Outcome:
        """Run and assert success."""
        out = self(*args, input=input)
        assert out.code == 0, f"{args}: exit {out.code}\nstdout: {out.stdout}\nstderr: {out.stderr}"
        return out

    def fails(self, code: int, *args: str) -> Outcome:
        """Run and assert the exit code and one traceback-free error line, last on stderr."""
        out = self(*args)
        assert out.code == code, (
            f"{args}: exit {out.code}, wanted {code}\nstdout: {out.stdout}\nstderr: {out.stderr}"
        )
        assert out.exception is None, out.exception
        assert "Traceback" not in out.stderr
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        # Progress notes may come first (auth login); the error is the one last line.
        assert lines and lines[-1].startswith("error: "), out.stderr
        assert sum(line.startswith("error: ") for line in lines) == 1, out.stderr
        return out


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """One demo emulator shared by every ``--emulator`` invocation of the test (so data carries over)."""
    emulator = Emulator()
    monkeypatch.setattr(_state, "new_emulator", lambda: emulator)
    return emulator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """An emulator on a real socket, and the redirect URI registered for the CLI's loopback callback."""

    emulator: Emulator
    url: str
    redirect_uri: str


@pytest.fixture
def served() -> Iterator[Served]:
    emulator = Emulator()
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    emulator.state.apps[DEMO.client_id].redirect_uris.append(redirect)
    with emulator.serve() as url:
        yield Served(emulator, url, redirect)


@pytest.fixture
def signed_in_profile(cli: Cli, served: Served, monkeypatch: pytest.MonkeyPatch) -> Served:
    """The default profile pointing at ``served``, signed in (tokens stored as ``auth login`` stores them)."""
    from sage_accounting.auth import FileTokenStore, Token

    cli.ok("config", "set", "client_id", DEMO.client_id)
    cli.ok("config", "set", "base_url", served.url)
    cli.ok("config", "set", "redirect_uri", served.redirect_uri)
    monkeypatch.setenv("SAGE_CLIENT_SECRET", DEMO.client_secret)
    path = Path(os.environ["XDG_DATA_HOME"]) / "sage-accounting" / "tokens" / "default.json"
    path.parent.mkdir(parents=True)
    FileTokenStore(path).save(Token.from_response(served.emulator.grant_tokens(DEMO.client_id)))
    return served


def run_subprocess(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sage_accounting.cli ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "sage_accounting.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def token_path(profile: str = "default") -> Path:
    """Where the profile's tokens are kept (under the isolated XDG data directory)."""
    return Path(os.environ["XDG_DATA_HOME"]) / "sage-accounting" / "tokens" / f"{profile}.json"


def config_file() -> Path:
    """The isolated config.toml."""
    return Path(os.environ["XDG_CONFIG_HOME"]) / "sage-accounting" / "config.toml"


def profile(cli: Cli, monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """A default profile with a client id and secret (and ``settings``), never signed in."""
    cli.ok("config", "set", "client_id", DEMO.client_id)
    monkeypatch.setenv("SAGE_CLIENT_SECRET", DEMO.client_secret)
    for key, value in settings.items():
        cli.ok("config", "set", key, value)


def expire_stored_token(profile: str = "default") -> None:
    """Make the stored access token count as expired, so the next command refreshes."""
    from sage_accounting.auth import FileTokenStore

    store = FileTokenStore(token_path(profile))
    token = store.load()
    assert token is not None
    store.save(token.expired_copy())
