"""Sales invoices and credit notes print as real PDFs when asked with ``Accept: application/pdf``."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from sage_accounting.emulator import Emulator

from .conftest import assert_error, served_api
from .test_invoices import created, ledger_id, line, make_contact, post_invoice, sales_credit_note

Body = dict[str, Any]
PDF = {"Accept": "application/pdf"}


def text_of(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd", main_address={"address_line_1": "1 High Street", "city": "Leeds"})


def test_an_invoice_prints_its_number_lines_and_total(api: httpx.Client, customer: Body) -> None:
    lines = [line(ledger_id(api, 4000), 3, "33.33", description="Widget repair")]
    invoice = created(post_invoice(api, customer["id"], lines, reference="PO-42", notes="Thank you"))
    text = text_of(api.get(invoice["$path"], headers=PDF))
    assert invoice["invoice_number"] == "SI-1"
    for expected in (
        "SI-1",
        "Sales Invoice",
        "GBP 119.99",
        "Widget repair",
        "PO-42",
        "Acme Ltd",
        "1 High Street",
        "Thank you",
    ):
        assert expected in text, expected
    # the same record as JSON when JSON is asked for
    assert api.get(invoice["$path"]).json()["invoice_number"] == "SI-1"


def test_a_credit_note_and_a_void_invoice_print_as_such(api: httpx.Client, customer: Body) -> None:
    note = created(sales_credit_note(api, customer["id"], [line(ledger_id(api, 4000), 1, "10")]))
    text = text_of(api.get(note["$path"], headers=PDF))
    assert "Sales Credit Note" in text and note["credit_note_number"] in text and "GBP 12.0" in text
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    api.request("DELETE", invoice["$path"], json={"void_reason": "duplicate"})
    assert "VOID" in text_of(api.get(invoice["$path"], headers=PDF))


def test_the_invoice_settings_headings_and_footer_show(api: httpx.Client, customer: Body) -> None:
    settings = {
        "document_headings": {"sales_invoice": "Tax Invoice"},
        "footer_details": {"column_1": "Sort code 12-34-56"},
    }
    assert api.put("/invoice_settings", json={"invoice_settings": settings}).status_code == 200
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    text = text_of(api.get(invoice["$path"], headers=PDF))
    assert "Tax Invoice" in text and "Sort code 12-34-56" in text


def test_a_long_description_stays_in_its_column(api: httpx.Client, customer: Body) -> None:
    lines = [line(ledger_id(api, 4000), description="Very long description " * 50 + "ENDMARK")]
    invoice = created(post_invoice(api, customer["id"], lines, notes="Caf\u00e9 \u20ac \U0001f600"))
    text = text_of(api.get(invoice["$path"], headers=PDF))
    assert "Very long description" in text and "..." in text and "ENDMARK" not in text
    assert "Caf\u00e9" in text  # Latin-1 text as is; what the core fonts cannot show becomes "?"


def test_resources_without_a_print_answer_406(api: httpx.Client, customer: Body) -> None:
    assert_error(api.get(customer["$path"], headers=PDF), 406, "NotAcceptable")


def test_a_pdf_over_a_real_socket(emu: Emulator) -> None:
    with served_api(emu) as api:
        customer = make_contact(api, "Socket Ltd")
        invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
        assert "GBP 120.0" in text_of(api.get(invoice["$path"], headers=PDF))
