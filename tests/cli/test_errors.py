"""What Sage's errors are said to mean and the exit code of each: a POST that may have been carried out, a
connection error, a business the user cannot reach, a method the path does not take, a failing token
endpoint, and a DELETE or void whose first answer was lost (done, not failed)."""

from __future__ import annotations

import pytest

from sage_accounting.auth import FileTokenStore, Token
from sage_accounting.emulator import DEMO, Emulator

from .conftest import Cli, Served, expire_stored_token, free_port, profile, token_path


def test_a_post_that_may_have_been_carried_out_is_not_told_to_try_again(cli: Cli, emu: Emulator) -> None:
    create = ("--emulator", "contacts", "create", "--name", "Maybe Ltd", "--contact-type-ids", "CUSTOMER")
    emu.faults.add("POST", "/v3.1/contacts", commit_then_fail=True, status=503)
    out = cli.fails(7, *create)
    assert "before sending it again" in out.stderr and "try again later" not in out.stderr
    emu.faults.add("POST", "/v3.1/contacts", drop=True)
    out = cli.fails(7, *create)
    assert "before sending it again" in out.stderr
    assert "cannot reach" not in out.stderr and ".." not in out.stderr


def test_a_connection_error_reads_as_one_sentence(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(cli, monkeypatch, base_url=f"http://127.0.0.1:{free_port()}")

    token_path().parent.mkdir(parents=True)
    FileTokenStore(token_path()).save(Token.from_response(Emulator().grant_tokens(DEMO.client_id)))
    out = cli.fails(7, "raw", "GET", "/contacts")
    assert "cannot reach Sage" in out.stderr and ".." not in out.stderr


def test_a_business_the_user_cannot_reach_is_named(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(3, "--emulator", "--business", "nope", "contacts", "list")
    assert (
        "business 'nope' is not one this user can reach; see `sage-accounting businesses list`" in out.stderr
    )
    assert "sign in again" not in out.stderr


def test_a_method_the_path_does_not_take_has_advice(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(5, "--emulator", "raw", "DELETE", "/contacts")
    assert "405" in out.stderr and "does not take DELETE" in out.stderr


def test_a_5xx_from_the_token_endpoint_during_refresh_is_7(cli: Cli, signed_in_profile: Served) -> None:
    expire_stored_token()
    signed_in_profile.emulator.faults.add("POST", "/token", status=503, count=None)
    out = cli.fails(7, "contacts", "list")
    assert "503" in out.stderr and "try again later" in out.stderr
    signed_in_profile.emulator.faults.clear()
    cli.ok("contacts", "list")  # the sign-in survived


def test_a_delete_whose_answer_was_lost_is_reported_done(cli: Cli, emu: Emulator) -> None:
    created = cli.ok("--emulator", "contacts", "create", "--name", "Lost Ltd", "--contact-type-ids", "CUSTOMER",
                     "--json").json()  # fmt: skip
    emu.faults.add("DELETE", f"/v3.1/contacts/{created['id']}", commit_then_fail=True)
    out = cli.ok("--emulator", "contacts", "delete", created["id"])
    assert "Deleted." in out.stderr
    assert "warning:" in out.stderr and f"GET /contacts/{created['id']}" in out.stderr
    assert "error:" not in out.stderr


def test_a_void_whose_answer_was_lost_shows_the_voided_invoice(cli: Cli, emu: Emulator) -> None:
    invoices = cli.ok("--emulator", "sales-invoices", "list", "--json", "--attributes", "status").json()[
        "$items"
    ]
    unpaid = next(i for i in invoices if i["status"]["id"] == "UNPAID")
    emu.faults.add("DELETE", f"/v3.1/sales_invoices/{unpaid['id']}", commit_then_fail=True)
    out = cli.ok(
        "--emulator", "sales-invoices", "void", unpaid["id"], "--void-reason", "Raised in error", "--json"
    )
    assert out.json()["status"]["id"] == "VOID"
    assert "already voided" in out.stderr
