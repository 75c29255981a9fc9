"""The command line's own behaviour: common options, output formats, input mapping and validation, exit
codes and one-line errors, secrets, profiles and config, businesses, actions list/describe, demo."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sage_accounting.actions import registry
from sage_accounting.cli._config import Config, write_toml
from sage_accounting.cli._errors import register_secret, scrub
from sage_accounting.cli._output import ProgressClient, progress_bar
from sage_accounting.emulator import DEMO, Emulator

from .conftest import Cli, Served, free_port

# --- output and common options ------------------------------------------------------------------------


def test_common_options_before_or_after_the_command(cli: Cli, emu: Emulator) -> None:
    before = cli.ok("--emulator", "--json", "contacts", "list", "--items-per-page", "3").json()
    after = cli.ok("contacts", "list", "--items-per-page", "3", "--emulator", "--json").json()
    assert before["$items"] == after["$items"] and len(before["$items"]) == 3


def test_output_formats(cli: Cli, emu: Emulator) -> None:
    args = ("contacts", "list", "--items-per-page", "4", "--attributes", "name,contact_types", "--emulator")
    table = cli.ok(*args).stdout
    assert "List Contacts (4 of" in table and "Customer" in table
    lines = cli.ok(*args, "--ndjson").stdout.splitlines()
    assert len(lines) == 4 and all("name" in json.loads(line) for line in lines)
    rows = list(csv.DictReader(io.StringIO(cli.ok(*args, "--csv").stdout)))
    assert len(rows) == 4 and {"id", "displayed_as", "name", "contact_types"} <= set(rows[0])
    one = cli.ok("tax-rates", "get", "GB_STANDARD", "--emulator").stdout
    assert "percentage" in one and "20.0" in one
    assert "choose one output format" in cli.fails(2, *args, "--json", "--csv").stderr


def test_progress_client_counts_pages() -> None:
    emu = Emulator()
    from sage_accounting import SageAccounting
    from sage_accounting.cli._emulated import emulator_connection

    conn = emulator_connection(emu, emu.grant_tokens(DEMO.client_id))
    console = Console(file=io.StringIO(), force_terminal=True)
    with SageAccounting(conn, transport=emu.transport()) as sage, progress_bar(console) as progress:
        task = progress.add_task("contacts", total=None)
        client: Any = ProgressClient(sage, progress, task)
        answer = registry["listContacts"].run(client, {"fetchAll": True, "itemsPerPage": 7})
        assert progress.tasks[0].completed == answer["$total"] == progress.tasks[0].total
        assert client.base_url == sage.base_url


# --- input mapping and validation -----------------------------------------------------------------------


def test_generic_run_with_inputs_file(cli: Cli, emu: Emulator, tmp_path: Path) -> None:
    inputs = tmp_path / "in.json"
    inputs.write_text(json.dumps({"name": "File Ltd", "contactTypeIds": ["VENDOR"], "creditLimit": 99}))
    created = cli.ok("run", "createContact", "--inputs-file", str(inputs), "--input", "name=Acme", "--emulator",
                     "--json").json()  # fmt: skip
    assert created["name"] == "Acme" and created["contact_types"][0]["id"] == "VENDOR"
    assert created["credit_limit"] == "99.0"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("contacts", "create", "--name", "Acme", "--contact-type-ids", "CUSTOMER", "--credit-limit", "lots"),
         "createContact: --credit-limit must be a number, got 'lots'"),
        (("contacts", "create", "--name", "Acme"), "--contact-type-ids is required"),
        (("contacts", "list", "--items-per-page", "500"), "--items-per-page must be between 1 and 200, got 500"),
        (("contacts", "list", "--all", "--page", "2"), "--page cannot be combined with fetchAll"),
        (("contacts", "get", "not/an id"), "ID is not a valid Sage id"),
        (("sales-invoices", "create", "--contact-id", "x", "--date", "31/01/2024", "--invoice-lines", "[]"),
         "--date must be a date as YYYY-MM-DD"),
        (("sales-invoices", "create", "--contact-id", "x", "--date", "2024-01-31", "--invoice-lines",
          '[{"description": "x", "unitPrice": "1"}]'), "--invoice-lines[0].unitPrice is not a Sage line field (did you mean unit_price?)"),
        (("sales-invoices", "list", "--updated-or-created-since", "yesterday"), "--updated-or-created-since must be an ISO 8601"),
        (("run", "createContact", "-i", "nme=Acme"), "nme is not an input of createContact (did you mean name?"),
        (("run", "createContact", "-i", "oops"), "--input 'oops' must be KEY=VALUE"),
        (("run", "createContactt"), "no action 'createContactt'; did you mean createContact?"),
        (("run", "createContact", "--inputs-file", "/nonexistent.json"), "--inputs-file /nonexistent.json"),
        (("contacts", "frobnicate"), "No such command 'frobnicate'"),
        (("contacts", "list", "--colour", "red"), "No such option: --colour"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_exit_code_2(cli: Cli, args: tuple[str, ...], expected: str) -> None:
    # Checked before signing in: no profile and no emulator needed.
    err = cli.fails(2, *args).stderr
    assert expected in err


def test_validation_happens_before_any_request(cli: Cli, emu: Emulator) -> None:
    before = len(emu.request_log.entries())
    cli.fails(2, "contacts", "create", "--name", "Acme", "--emulator")
    assert len(emu.request_log.entries()) == before


# --- exit codes per error class ---------------------------------------------------------------------------


def test_not_found_is_4_and_invalid_is_5(cli: Cli, emu: Emulator) -> None:
    err = cli.fails(4, "sales-invoices", "get", "0123456789abcdef", "--emulator").stderr
    assert "404 Not Found" in err and "Check the id" in err
    err = cli.fails(5, "ledger-accounts", "create", "--display-name", "X", "--included-in-chart",
                    "--ledger-account-type-id", "SALES", "--name", "X", "--nominal-code", "4000", "--emulator").stderr  # fmt: skip
    assert "422" in err and "nominal_code" in err


def test_rate_limited_is_6_and_server_failure_is_7(cli: Cli, emu: Emulator) -> None:
    emu.faults.add("POST", "/v3.1/contacts", status=429, retry_after=0, count=5)
    err = cli.fails(
        6, "contacts", "create", "--name", "A", "--contact-type-ids", "CUSTOMER", "--emulator"
    ).stderr
    assert "429" in err and "try again" in err
    emu.faults.clear()
    emu.faults.add("POST", "/v3.1/contacts", status=503, count=1)
    err = cli.fails(
        7, "contacts", "create", "--name", "A", "--contact-type-ids", "CUSTOMER", "--emulator"
    ).stderr
    assert "503" in err


def test_unreachable_sage_is_7(cli: Cli, monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setenv("SAGE_CLIENT_ID", "id")
    monkeypatch.setenv("SAGE_CLIENT_SECRET", "secret-value-123")
    monkeypatch.setenv("SAGE_BASE_URL", f"http://127.0.0.1:{free_port()}")
    from sage_accounting.auth import FileTokenStore, Token

    path = isolated_home / "data" / "sage-accounting" / "tokens" / "default.json"
    path.parent.mkdir(parents=True)
    FileTokenStore(path).save(
        Token.from_response({"access_token": "a" * 20, "refresh_token": "r" * 20, "expires_in": 300})
    )
    err = cli.fails(7, "contacts", "list", "--items-per-page", "1").stderr
    assert "cannot reach Sage" in err and "a" * 20 not in err


def test_not_signed_in_is_3_and_missing_client_id_is_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "no profile 'other'" in cli.fails(2, "contacts", "list", "--profile", "other").stderr
    err = cli.fails(2, "contacts", "list").stderr
    assert "has no client id" in err and "--emulator" in err
    monkeypatch.setenv("SAGE_CLIENT_ID", "id")
    err = cli.fails(2, "contacts", "list").stderr
    assert "no client secret" in err and "SAGE_CLIENT_SECRET" in err
    monkeypatch.setenv("SAGE_CLIENT_SECRET", "s3cret-value")
    err = cli.fails(3, "contacts", "list").stderr
    assert "not signed in" in err and "sage-accounting auth login" in err


def test_refused_refresh_token_is_3(cli: Cli, signed_in_profile: Served) -> None:
    served = signed_in_profile
    served.emulator.clock.advance(301)  # the access token expired: the client refreshes
    served.emulator.state.grants.clear()  # ... and Sage no longer knows the refresh token
    err = cli.fails(3, "contacts", "list").stderr
    assert "no longer valid" in err and "sage-accounting auth login" in err


def test_debug_shows_the_traceback_without_secrets(cli: Cli, signed_in_profile: Served) -> None:
    token = json.loads(
        next((Path(os.environ["XDG_DATA_HOME"]) / "sage-accounting" / "tokens").glob("*.json")).read_text()
    )
    out = cli("contacts", "get", "0123456789abcdef", "--debug")
    assert out.code == 4
    assert "Traceback" in out.stderr and "debug: sage_accounting" in out.stderr
    for secret in (token["access_token"], token["refresh_token"], DEMO.client_secret):
        assert secret not in out.stderr and secret not in out.stdout


def test_scrub_hides_registered_and_token_shaped_secrets() -> None:
    register_secret("super-secret-value")
    text = scrub(
        "x super-secret-value Bearer abc.def refresh_token=zzz&code_verifier=yyy ?code=GB/abc&state=1"
    )
    assert "super-secret-value" not in text and "abc.def" not in text and "zzz" not in text
    assert "yyy" not in text and "GB/abc" not in text and "state=1" in text


# --- profiles, config, businesses ----------------------------------------------------------------------


def test_config_file_is_written_atomically_with_mode_0600(cli: Cli, isolated_home: Path) -> None:
    cli.ok("config", "set", "client_id", "my-app")
    cli.ok("config", "set", "client_secret", input="hidden-secret-1\n")
    cli.ok("config", "set", "base_url", "http://127.0.0.1:9", "--profile", "local")
    path = isolated_home / "config" / "sage-accounting" / "config.toml"
    assert Path(cli.ok("config", "path").stdout.strip()) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = tomllib.loads(path.read_text())
    assert data["default_profile"] == "default"
    assert data["profiles"]["default"] == {"client_id": "my-app", "client_secret": "hidden-secret-1"}
    assert data["profiles"]["local"] == {"base_url": "http://127.0.0.1:9"}
    shown = cli.ok("config", "show", "--json").json()
    assert shown["profiles"]["default"]["client_secret"] == "***"
    assert "hidden-secret-1" not in cli.ok("config", "show").stdout
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    cli.ok("config", "unset", "client_secret")
    assert "client_secret" not in tomllib.loads(path.read_text())["profiles"]["default"]
    assert "is not a profile setting" in cli.fails(2, "config", "set", "clientid", "x").stderr


def test_toml_writer_round_trips_awkward_strings() -> None:
    document = {
        "default_profile": 'we"ird',
        "profiles": {"a b": {"client_id": 'q"uote\\back\nline\ttab\x01'}},
    }
    assert tomllib.loads(write_toml(document)) == document


def test_broken_config_is_one_line(cli: Cli, isolated_home: Path) -> None:
    path = isolated_home / "config" / "sage-accounting" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[profiles.default]\nclient_id = 3\n")
    assert "client_id must be a string" in cli.fails(2, "contacts", "list").stderr
    path.write_text("not toml = = \n")
    assert "is not valid TOML" in cli.fails(2, "contacts", "list").stderr


def test_environment_overrides_the_profile(
    cli: Cli, signed_in_profile: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    status = cli.ok("auth", "status", "--json").json()
    assert status["sources"]["client_id"] == "profile default"
    assert status["sources"]["client_secret"] == "env SAGE_CLIENT_SECRET"
    monkeypatch.setenv("SAGE_BUSINESS_ID", DEMO.business_id_ie)
    status = cli.ok("auth", "status", "--json").json()
    assert (
        status["business_id"] == DEMO.business_id_ie
        and status["sources"]["business_id"] == "env SAGE_BUSINESS_ID"
    )
    currency = cli.ok(
        "raw", "GET", "/contacts", "-q", "items_per_page=1", "-q", "attributes=currency", "--json"
    ).json()
    assert currency["$items"][0]["currency"]["id"] == "EUR"
    assert (
        cli.ok("auth", "status", "--business", DEMO.business_id, "--json").json()["business_id"]
        == DEMO.business_id
    )


def test_businesses_list_and_use(cli: Cli, signed_in_profile: Served, isolated_home: Path) -> None:
    rows = cli.ok("businesses", "list", "--json").json()
    assert {r["id"] for r in rows} == {DEMO.business_id, DEMO.business_id_ie}
    assert [r["lead"] for r in rows if r["id"] == DEMO.business_id] == [True]
    cli.ok("businesses", "use", DEMO.business_id_ie)
    config = Config.load(isolated_home / "config" / "sage-accounting" / "config.toml")
    assert config.profiles["default"]["business_id"] == DEMO.business_id_ie
    rows = cli.ok("businesses", "list", "--json").json()
    assert [r["id"] for r in rows if r["default"]] == [DEMO.business_id_ie]
    customers = cli.ok(
        "contacts", "list", "--attributes", "currency", "--items-per-page", "1", "--json"
    ).json()
    assert customers["$items"][0]["currency"]["id"] == "EUR"
    assert "not one the signed-in user can reach" in cli.fails(4, "businesses", "use", "ffff").stderr
    assert "--emulator" in cli.fails(2, "businesses", "use", DEMO.business_id, "--emulator").stderr


# --- actions list/describe, demo ----------------------------------------------------------------------


def test_actions_list_and_describe(cli: Cli) -> None:
    rows = cli.ok("actions", "list", "--json").json()
    assert len(rows) == len(registry)
    by_key = {r["key"]: r for r in rows}
    assert by_key["createContact"]["command"] == "sage-accounting contacts create"
    assert by_key["listSalesInvoices"]["command"] == "sage-accounting sales-invoices list"
    assert by_key["rawRequest"]["command"] == "sage-accounting raw"
    manifest = cli.ok("actions", "describe", "--json").json()
    assert manifest == json.loads(json.dumps(registry.manifest(), default=str))
    assert manifest["connection"]["key"] == "oauth2" and len(manifest["actions"]) == len(registry)
    one = cli.ok("actions", "describe", "createContact", "--json").json()
    assert one["key"] == "createContact" and {"key", "label", "type", "required"} <= set(one["inputs"][0])
    text = cli.ok("actions", "describe", "createContact").stdout
    assert "--contact-type-ids" in text and "sage-accounting contacts create" in text
    assert "did you mean createContact" in cli.fails(2, "actions", "describe", "createContct").stderr


def test_help_documents_the_exit_codes(cli: Cli) -> None:
    assert "Exit codes" in cli.ok("--help").stdout
    assert "--contact-type-ids" in cli.ok("contacts", "create", "--help").stdout


def test_demo(cli: Cli) -> None:
    out = cli.ok("demo")
    for text in ("Sign in through OAuth 2.0 with PKCE", "consent page", "clicking Allow", "code exchanged",
                 "Create a customer", "Raise a sales invoice", "Record the customer's payment", "Paid",
                 "List what changed", "contacts changed (1)", "sales invoices changed (1)",
                 "contact payments changed (1)"):  # fmt: skip
        assert text in out.stdout, text
    data = cli.ok("demo", "--json").json()
    assert data["invoice"]["status"]["id"] == "PAID" and data["invoice"]["outstanding_amount"] == "0.0"
    assert [item["id"] for item in data["changed"]["contacts"]] == [data["contact"]["id"]]
    assert [item["id"] for item in data["changed"]["contact payments"]] == [data["payment"]["id"]]


def test_emulator_subcommands_are_registered(cli: Cli) -> None:
    assert "serve" in cli.ok("emulator", "--help").stdout
