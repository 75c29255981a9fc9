"""``sage-accounting sync``, ``sync status`` and ``watch`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sage_accounting.cli import app
from sage_accounting.emulator import DEMO


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("SAGE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_sync_then_status_as_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'books.db'}"
    out = cli("--emulator", "sync", "--db", db, "--resources", "contacts,sales-invoices", "--json")
    assert out.exit_code == 0, out.stderr
    summary = json.loads(out.stdout)
    by_resource = {r["resource"]: r for r in summary["resources"]}
    assert summary["errors"] == [] and summary["deletes"] == 0
    assert summary["upserts"] == sum(r["created"] for r in by_resource.values())
    assert set(by_resource) == {"contacts", "sales_invoices"}
    assert by_resource["sales_invoices"]["created"] > 170  # the UK's 170 and the Irish ones
    status = cli("sync", "status", "--db", db, "--json")
    assert status.exit_code == 0, status.stderr
    rows = json.loads(status.stdout)
    keys = {(r["business_id"], r["resource"]) for r in rows}
    assert (DEMO.business_id, "contacts") in keys and (DEMO.business_id_ie, "sales_invoices") in keys
    uk = next(r for r in rows if (r["business_id"], r["resource"]) == (DEMO.business_id, "sales_invoices"))
    assert uk["rows"] == 170 and uk["cursor"] and uk["last_run"]["requests"] >= 1
    assert set(uk) >= {"business_id", "resource", "cursor", "rows", "last_run"}


def test_business_option_narrows_the_sync(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'one.db'}"
    out = cli("--emulator", "--business", DEMO.business_id_ie, "sync", "--db", db, "--resources", "contacts")
    assert out.exit_code == 0, out.stderr
    rows = json.loads(cli("sync", "status", "--db", db, "--json").stdout)
    assert [(r["business_id"], r["resource"]) for r in rows] == [(DEMO.business_id_ie, "contacts")]


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    out = cli("--emulator", "sync", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--resources", "contactz")
    assert (
        out.exit_code == 2 and "unknown resource 'contactz'" in out.stderr and "Traceback" not in out.stderr
    )
    out = cli("--emulator", "sync", "--db", "mysql://nobody@localhost/x")
    assert out.exit_code == 2 and "SQLite" in out.stderr
    out = cli(
        "--emulator",
        "watch",
        "--db",
        f"sqlite:///{tmp_path / 'y.db'}",
        "--webhook",
        "http://x",
        "--secret",
        "nope",
    )
    assert out.exit_code == 2 and "whsec_" in out.stderr and "nope" not in out.stderr
    out = cli("--emulator", "watch", "--db", f"sqlite:///{tmp_path / 'y.db'}")
    assert out.exit_code == 2 and "--ndjson" in out.stderr


def test_watch_once_prints_events_as_ndjson(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'events.db'}"
    out = cli("--emulator", "watch", "--db", db, "--resources", "products", "--once", "--ndjson")
    assert out.exit_code == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(events) == 10 + len([e for e in events if e["data"]["business_id"] == DEMO.business_id_ie])
    assert {e["type"] for e in events} == {"product.created"}
    assert all(e["id"].startswith("evt_") and e["data"]["record"]["id"] == e["data"]["id"] for e in events)


def test_help_does_not_import_sqlalchemy() -> None:
    code = "import sys; from sage_accounting.cli import app; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_emulator_url_shares_one_served_sandbox_between_commands(tmp_path: Path) -> None:
    from sage_accounting.emulator import Emulator

    emu = Emulator()
    db = f"sqlite:///{tmp_path / 'served.db'}"
    with emu.serve() as url:
        first = cli("--emulator", url, "sync", "--db", db, "--resources", "contacts", "--json")
        assert first.exit_code == 0, first.stderr
        made = cli("--emulator", url, "contacts", "create", "--name", "Served Sandbox Ltd",
                   "--contact-type-ids", "CUSTOMER", "--json")  # fmt: skip
        assert made.exit_code == 0, made.stderr
        new_id = json.loads(made.stdout)["id"]
        second = cli("sync", "--db", db, "--emulator", url, "--resources", "contacts", "--json")
        assert second.exit_code == 0, second.stderr
        assert json.loads(second.stdout)["resources"][0]["created"] == 1
    # the served emulator saw the sign-ins and the calls; the embedded one was never used
    assert len(emu.token_requests("authorization_code")) == 3
    from sqlalchemy import create_engine, text

    with create_engine(db).connect() as conn:
        assert conn.execute(text("SELECT name FROM contacts WHERE id = :i"), {"i": new_id}).scalar() == (
            "Served Sandbox Ltd"
        )
    # without a URL after it, --emulator stays the embedded emulator (a fresh sandbox)
    plain = cli("--emulator", "contacts", "list", "--json")
    assert plain.exit_code == 0, plain.stderr
    assert "Aldgate Print Works" in plain.stdout and new_id not in plain.stdout


def test_watch_once_delivers_signed_events_to_a_webhook(tmp_path: Path) -> None:
    import secrets
    from base64 import b64encode

    from .helpers import Receiver

    secret = "whsec_" + b64encode(secrets.token_bytes(24)).decode()
    receiver = Receiver(secret)
    try:
        db = f"sqlite:///{tmp_path / 'hook.db'}"
        out = cli("--emulator", "watch", "--db", db, "--resources", "services", "--once",
                  "--webhook", receiver.url, "--secret", secret)  # fmt: skip
        assert out.exit_code == 0, out.stderr
        assert secret not in out.stdout + out.stderr
        types = [payload["type"] for _, payload in receiver.received]
        assert types and set(types) == {"service.created"} and receiver.rejected == 0
        table = cli("sync", "status", "--db", db)
        assert table.exit_code == 0 and "services" in table.stdout
    finally:
        receiver.close()


def test_a_terminal_sees_a_progress_bar_per_resource_and_a_pipe_sees_none(tmp_path: Path) -> None:
    """On a terminal the sync draws one bar per resource on stderr, counting records read against
    Sage's totals; the bars are cleared at the end and the summary table goes to stdout.  Piped, stderr
    gets no bar at all."""
    import pty
    import re
    import select

    db = f"sqlite:///{tmp_path / 'bars.db'}"
    env = {**os.environ, "COLUMNS": "120", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    args = [sys.executable, "-m", "sage_accounting.cli", "--emulator", "sync", "--db", db]
    args += ["--resources", "contacts,sales-invoices"]
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    screen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        assert ready, "the sync printed nothing on its terminal for 60 s"
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    assert proc.wait(timeout=60) == 0, screen.decode(errors="replace")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.decode(errors="replace"))
    counts = {
        name: {(int(m.group(1)), int(m.group(2))) for m in re.finditer(rf"{name}\s.*?(\d+)/(\d+)", text)}
        for name in ("contacts", "sales_invoices")
    }
    for name, seen in counts.items():
        assert seen, f"no progress bar for {name} on the terminal:\n{text}"
        done, total = max(seen)
        assert done == total > 0, (name, sorted(seen))  # the bar reaches Sage's total
    assert max(counts["sales_invoices"])[1] > 170  # the UK's 170 and the Irish ones, in one bar
    assert "sales_invoices" in stdout and "created" in stdout  # the summary table, on stdout

    piped = subprocess.run(args, capture_output=True, env=env, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert b"/" not in piped.stderr and b"\x1b[" not in piped.stderr
