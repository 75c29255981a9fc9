"""Journals: manual journals posted to the ledger (they cannot be edited, only deleted).

Reading needs Read in Journals; posting and deleting need Full in Journals.  A journal's amount is the
sum of its debits.
"""

from __future__ import annotations

from decimal import Decimal

from ._amounts import journal_debits
from ._common import (
    DATE,
    JOURNAL_LINES,
    Body,
    action,
    deleted_since,
    full,
    inp,
    list_inputs,
    path_id,
    read,
    since,
    sorted_inputs,
)
from ._inputs import InputProblem
from ._registry import Action, Inputs, Namer

__all__ = ["ACTIONS"]

READS = read("journals")
WRITES = full("journals")


def _balanced(values: Inputs, name: Namer) -> list[InputProblem]:
    """A journal's debits must equal its credits (Sage refuses it otherwise)."""
    lines = values.get("journalLines") or []
    debit = sum((line.get("debit", Decimal(0)) for line in lines), Decimal(0))
    credit = sum((line.get("credit", Decimal(0)) for line in lines), Decimal(0))
    if debit != credit:
        shown = name("journalLines")
        return [InputProblem(shown, f"{shown} must balance: debits {debit} ≠ credits {credit}")]
    return []


_JOURNAL_ID = (path_id("journalId", "Journal Id", "a journal"),)
_GROUP = "Journals"
_MODEL = "Journal"

ACTIONS: tuple[Action, ...] = (
    action("listJournals", "List Journals", "List all journals", "GET", "/journals",
           list_inputs(since("Journals"), deleted_since("journals")), kind="list", group=_GROUP, access=READS,
           model=_MODEL),
    action("getJournal", "Get Journal", "Get the information and metadata of a journal by Id", "GET",
           "/journals/{journalId}", _JOURNAL_ID, kind="get", group=_GROUP, access=READS, model=_MODEL),
    action("createJournal", "Create Journal", "Create a journal (its debits must equal its credits)", "POST",
           "/journals", sorted_inputs([
               inp("date", "Date", "The date of the journal.", "2024-03-31", sage=Body(("journal", "date"),
                   "YYYY-MM-DD"), convert=DATE, required=True),
               inp("reference", "Reference", "A reference for the journal.", "JNL-2024-03",
                   sage=Body(("journal", "reference")), required=True),
               inp("description", "Description", "What the journal is for.", "Accruals",
                   sage=Body(("journal", "description"))),
               inp("journalLines", "Journal Lines",
                   "The lines: a list (or JSON text) of objects with ledger_account_id, debit, credit and "
                   "optionally details and include_on_tax_return.",
                   '[{"ledger_account_id": "example-1", "debit": "100.00", "credit": "0"}, '
                   '{"ledger_account_id": "example-2", "debit": "0", "credit": "100.00"}]',
                   sage=Body(("journal", "journal_lines"), "array of line objects"), convert=JOURNAL_LINES,
                   required=True),
           ]), kind="create", group=_GROUP, access=WRITES, checks=(_balanced,), model=_MODEL,
           amount=journal_debits),
    action("deleteJournal", "Delete Journal", "Delete a journal by Id (journals cannot be edited)", "DELETE",
           "/journals/{journalId}", _JOURNAL_ID, kind="delete", group=_GROUP, access=WRITES),
)  # fmt: skip
