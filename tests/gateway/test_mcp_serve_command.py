"""``sage-accounting mcp serve``: its options and its one-line errors before anything is served."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sage_accounting.cli import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in list(os.environ):
        if name.startswith("SAGE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("SAGE_GATEWAY_DB", f"sqlite:///{tmp_path / 'gateway.db'}")
    return CliRunner()


def _one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_an_unknown_toolset_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--emulator", "mcp", "serve", "--http", "--toolsets", "sales,payroll"])
    assert result.exit_code == 2
    assert "--toolsets: unknown toolset 'payroll'" in _one_error(result.stderr)


def test_a_bad_database_url_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--emulator", "mcp", "serve", "--db", "not a url"])
    assert result.exit_code == 2
    assert "not a url" in _one_error(result.stderr)
    unreachable = "postgresql+psycopg://postgres:hunter22@127.0.0.1:1/test"
    result = runner.invoke(app, ["--emulator", "mcp", "serve", "--db", unreachable])
    assert result.exit_code == 1
    line = _one_error(result.stderr)
    assert "cannot open the gateway database" in line and "hunter22" not in line


def test_stdio_without_a_key_stops_with_exit_code_3(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--emulator", "mcp", "serve"])
    assert result.exit_code == 3
    assert _one_error(result.stderr).startswith("error: SAGE_AGENT_KEY is not set")
    assert result.stdout == ""


def test_help_names_the_transports_and_the_loopback_default(runner: CliRunner) -> None:
    result = runner.invoke(app, ["mcp", "serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--http", "--host", "--port", "--toolsets", "--db", "--stateless"):
        assert option in result.stdout
    assert "127.0.0.1" in result.stdout
