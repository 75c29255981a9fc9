"""Every bad input is one line with exit 2 and sends nothing: ids and path segments, headers, business ids,
files in other encodings, arguments that are not UTF-8, huge integers, very long values, deeply nested
JSON, NaN, and an update with nothing to change."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from sage_accounting.emulator import Emulator

from .conftest import Cli, Served


def test_dot_ids_and_dot_segments_are_refused(cli: Cli, emu: Emulator) -> None:
    for args in (("contacts", "get", "."), ("contacts", "delete", "."),
                 ("sales-invoices", "void", "..", "--void-reason", "x"),
                 ("raw", "GET", "/contacts/."), ("raw", "DELETE", "/./contacts")):  # fmt: skip
        out = cli.fails(2, "--emulator", *args)
        assert "'.'" in out.stderr or "valid Sage id" in out.stderr
    assert not [e for e in emu.request_log.entries() if e.path.startswith("/v3.1")]


def test_bad_headers_and_business_ids_are_usage_errors(cli: Cli, emu: Emulator) -> None:
    assert "-H" in cli.fails(2, "--emulator", "raw", "GET", "/contacts", "-H", "X-A: \u00e9").stderr
    assert "-H" in cli.fails(2, "--emulator", "raw", "GET", "/contacts", "-H", "X-A: a\r\nX-B: b").stderr
    out = cli.fails(2, "--emulator", "--business", "x\r\nX: 1", "contacts", "list")
    assert "--business" in out.stderr
    assert not [e for e in emu.request_log.entries() if e.path.startswith("/v3.1")]


def test_a_blank_void_reason_is_refused_locally(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "sales-invoices", "void", "abc123", "--void-reason", "  ")
    assert "--void-reason is required" in out.stderr


def test_control_characters_in_text_inputs_are_refused(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "contacts", "list", "--search", "a\x00b")
    assert "--search must not contain control characters" in out.stderr
    out = cli.fails(
        2, "--emulator", "contacts", "create", "--name", "\x1b[2JEvil", "--contact-type-ids", "CUSTOMER"
    )
    assert "--name" in out.stderr
    assert not [e for e in emu.request_log.entries() if e.path.startswith("/v3.1")]


def _api_requests(emu: Emulator) -> list[str]:
    return [e.path for e in emu.request_log.entries() if e.path.startswith("/v3.1")]


_CONTACT = '{"contact": {"name": "Encoded Café", "contact_type_ids": ["CUSTOMER"]}}'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"])
def test_files_in_utf8_or_with_a_byte_order_mark_are_read(
    cli: Cli, emu: Emulator, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "body.json"
    if encoding == "utf-16-be-bom":
        path.write_bytes(codecs.BOM_UTF16_BE + _CONTACT.encode("utf-16-be"))
    else:
        path.write_bytes(_CONTACT.encode(encoding))  # utf-16: with a BOM, as PowerShell writes it
    out = cli.ok("--emulator", "raw", "POST", "/contacts", "-d", f"@{path}", "--json")
    assert out.json()["name"] == "Encoded Café"


def test_a_file_in_another_encoding_says_which_is_expected(cli: Cli, emu: Emulator, tmp_path: Path) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes(_CONTACT.encode("latin-1"))
    out = cli.fails(2, "--emulator", "raw", "POST", "/contacts", "-d", f"@{latin}")
    assert (
        f"--data file {latin} is not UTF-8 text" in out.stderr
        and "UTF-16 with a byte-order mark" in out.stderr
    )
    lines = tmp_path / "lines.json"
    lines.write_bytes('[{"description": "Café", "quantity": 1}]'.encode("latin-1"))
    out = cli.fails(2, "--emulator", "sales-invoices", "create", "--contact-id", "c1", "--date", "2024-01-01",
                    "--invoice-lines", f"@{lines}")  # fmt: skip
    assert "--invoice-lines file" in out.stderr and "not UTF-8" in out.stderr
    inputs = tmp_path / "inputs.json"
    inputs.write_bytes(b'{"search": "caf\xe9"}')
    assert (
        "not UTF-8" in cli.fails(2, "--emulator", "run", "listContacts", "--inputs-file", str(inputs)).stderr
    )
    assert not _api_requests(emu)


def test_arguments_that_are_not_utf8_are_refused(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "contacts", "get", "\udcff\udcfe")
    assert "argument 4 is not UTF-8" in out.stderr and "0xff" in out.stderr
    out = cli.fails(2, "--emulator", "contacts", "list", "--search", "caf\udce9")
    assert "argument 5 (after --search) is not UTF-8" in out.stderr and "caf" not in out.stderr
    assert not _api_requests(emu)


def test_integers_beyond_pythons_digit_limit_are_refused(cli: Cli, emu: Emulator, tmp_path: Path) -> None:
    huge = "9" * 5000
    assert "--data" in cli.fails(2, "--emulator", "raw", "POST", "/contacts", "-d", f'{{"a": {huge}}}').stderr
    out = cli.fails(2, "--emulator", "sales-invoices", "create", "--contact-id", "c1", "--date", "2024-01-01",
                    "--invoice-lines", f'[{{"description": "x", "quantity": {huge}}}]')  # fmt: skip
    assert "--invoice-lines" in out.stderr
    out = cli.fails(2, "--emulator", "run", "listContacts", "-i", f"itemsPerPage={huge}")
    assert "listContacts" in out.stderr
    assert not _api_requests(emu)


def test_values_100000_characters_long_are_refused(cli: Cli, emu: Emulator) -> None:
    long = "a" * 100_000
    assert "ID is 100,000 characters long" in cli.fails(2, "--emulator", "contacts", "get", long).stderr
    out = cli.fails(2, "--emulator", "sales-invoices", "void", "abc", "--void-reason", long)
    assert "--void-reason is 100,000 characters long" in out.stderr
    assert "--search" in cli.fails(2, "--emulator", "contacts", "list", "--search", long).stderr
    assert not _api_requests(emu)


def test_json_nested_1000_deep_is_refused(cli: Cli, emu: Emulator, tmp_path: Path) -> None:
    deep_array = "[" * 1000 + "]" * 1000
    deep_object = '{"a":' * 1000 + "1" + "}" * 1000
    out = cli.fails(2, "--emulator", "sales-invoices", "create", "--contact-id", "c1", "--date", "2024-01-01",
                    "--invoice-lines", deep_array)  # fmt: skip
    assert "--invoice-lines nests JSON more than 64 levels deep" in out.stderr
    assert "--data" in cli.fails(2, "--emulator", "raw", "POST", "/contacts", "-d", deep_object).stderr
    inputs = tmp_path / "inputs.json"
    inputs.write_text(deep_object)
    assert (
        "--inputs-file"
        in cli.fails(2, "--emulator", "run", "listContacts", "--inputs-file", str(inputs)).stderr
    )
    assert not _api_requests(emu)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_a_raw_body_are_refused_locally(cli: Cli, emu: Emulator, constant: str) -> None:
    out = cli.fails(2, "--emulator", "raw", "POST", "/contacts", "-d", f'{{"contact": {{"x": {constant}}}}}')
    assert f"{constant} is not JSON" in out.stderr
    assert not _api_requests(emu)


def test_a_business_id_with_a_newline_is_refused(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "--business", "abc\n", "contacts", "list")
    assert "--business" in out.stderr and "not a business id" in out.stderr
    assert not _api_requests(emu)


def test_businesses_use_a_path_is_a_usage_error(cli: Cli, signed_in_profile: Served) -> None:
    out = cli.fails(2, "businesses", "use", "../x")
    assert "not a business id" in out.stderr
    assert not [e for e in signed_in_profile.emulator.request_log.entries() if e.path.startswith("/v3.1")]


def test_an_update_with_no_field_to_change_sends_nothing(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "contacts", "update", "abc123")
    assert "give at least one field to change" in out.stderr and "--name" in out.stderr
    assert not _api_requests(emu)
