"""The audit's sentences read as plain English: who did what to which record, where, and the decision."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from sage_accounting.gateway.sentences import call_sentence, money, plural, record_facts, sentence


def test_a_write_that_ran() -> None:
    assert call_sentence(
        "bookkeeper", "create", "sales invoice", "allowed", reason="Sales: Full", record="SI-162",
        counterparty="Acme Ltd", total=Decimal("1080"), currency="GBP", business="Demo Trading Ltd",
    ) == "bookkeeper created sales invoice SI-162 for Acme Ltd, total 1,080.00 GBP, in Demo Trading Ltd — allowed (Sales: Full)"  # fmt: skip


def test_a_refused_call_says_what_was_tried() -> None:
    assert call_sentence(
        "bookkeeper", "create", "contact", "denied", reason="sage_create_contact needs Contacts: Full",
        business="Demo Trading Ltd",
    ) == "bookkeeper tried to create a contact in Demo Trading Ltd — denied (sage_create_contact needs Contacts: Full)"  # fmt: skip


def test_a_held_call_and_a_list() -> None:
    held = call_sentence("bookkeeper", "create", "sales invoice", "held", total="1200", currency="GBP",
                         counterparty="Acme Ltd", business="Demo", reason="approval 3f9c")  # fmt: skip
    assert (
        held
        == "bookkeeper asked to create a sales invoice for Acme Ltd, total 1,200.00 GBP, in Demo — held for approval (approval 3f9c)"
    )
    assert call_sentence("clerk", "list", "contact", "allowed", count=12, business="Demo") == (
        "clerk listed 12 contacts in Demo — allowed"
    )
    assert call_sentence("clerk", "list", "country", "allowed", count=1) == "clerk listed 1 country — allowed"
    assert (
        call_sentence("clerk", "get", "contact", "allowed", record="Acme Ltd")
        == "clerk read contact Acme Ltd — allowed"
    )


def test_data_cannot_break_the_line() -> None:
    text = call_sentence("bookkeeper", "update", "contact", "allowed", record="Evil\nLtd\x1b[31m")
    assert "\n" not in text and "\x1b" not in text and "Evil Ltd [31m" in text


def test_sentence_takes_the_verb_and_noun_from_the_action() -> None:
    action = SimpleNamespace(verb="void", noun="sales invoice")
    assert sentence("bookkeeper", action, "allowed", record="SI-9", reason="Sales: Full") == (
        "bookkeeper voided sales invoice SI-9 — allowed (Sales: Full)"
    )


def test_record_facts_from_a_sage_answer() -> None:
    facts = record_facts({
        "id": "abc", "displayed_as": "SI-162", "contact": {"id": "c1", "displayed_as": "Acme Ltd"},
        "total_amount": "1080.0", "currency": {"id": "GBP", "displayed_as": "Pound Sterling"},
    })  # fmt: skip
    assert (facts.id, facts.displayed_as, facts.counterparty, facts.total, facts.currency) == (
        "abc",
        "SI-162",
        "Acme Ltd",
        "1080.0",
        "GBP",
    )
    assert record_facts(None).id is None and record_facts([1, 2]).displayed_as is None


def test_money_and_plurals() -> None:
    assert money("1234567.5", "EUR") == "1,234,567.50 EUR" and money(0) == "0.00"
    assert [plural(n) for n in ("contact", "address", "country", "tax rate", "journal")] == [
        "contacts", "addresses", "countries", "tax rates", "journals"
    ]  # fmt: skip
