"""After creates, updates, deletes, voids and payments, the next sync matches Sage again (deletions as
tombstones) and emits exactly one event per change, delivered to a webhook signed by the Standard
Webhooks spec and verified on the receiving side."""

from __future__ import annotations

import secrets
from base64 import b64encode

from sage_accounting import SageAccounting
from sage_accounting import sync as sage_sync
from sage_accounting.emulator import DEMO, Emulator
from sage_accounting.sync._events import Outbox
from sage_accounting.sync._webhooks import WebhookSender

from .helpers import Receiver, assert_matches, connect, db_rows, expected_events, snapshot

BUSINESSES = [DEMO.business_id, DEMO.business_id_ie]
NOUNS = {r.name: r.event for r in sage_sync.RESOURCES}
SECRET = "whsec_" + b64encode(secrets.token_bytes(24)).decode()


def _change_everything(sage: SageAccounting, doomed_contact: str) -> dict[str, str]:
    """Creates, updates, deletes, a void and payments in the UK business; the ids touched."""
    created = sage.contacts.create(name="Brand New Customer Ltd", contact_type_ids=["CUSTOMER"])
    invoices = list(sage.sales_invoices.list_raw(attributes="all", items_per_page=200))
    unpaid = [i for i in invoices if i["status"]["id"] == "UNPAID" and i["total_paid"] in ("0.0", "0")]
    to_void, to_pay = unpaid[0], unpaid[1]
    sage.sales_invoices.void(to_void["id"], void_reason="Raised twice")
    bank = next(iter(sage.bank_accounts.list_raw()))["id"]
    payment = sage.contact_payments.create(
        transaction_type_id="CUSTOMER_RECEIPT",
        contact_id=to_pay["contact"]["id"],
        bank_account_id=bank,
        date=to_pay["date"],
        total_amount=to_pay["outstanding_amount"],
        payment_method_id="ELECTRONIC",
        allocated_artefacts=[{"artefact_id": to_pay["id"], "amount": to_pay["outstanding_amount"]}],
    )
    old_payment = next(iter(sage.contact_payments.list_raw(items_per_page=1)))["id"]
    sage.contact_payments.delete(old_payment)
    product = next(iter(sage.products.list_raw(items_per_page=1)))["id"]
    sage.products.update(product, description="Oak office desk (large)")
    sage.contacts.delete(doomed_contact)
    gone = sage.contacts.create(name="Here And Gone Ltd", contact_type_ids=["CUSTOMER"])
    assert gone.id
    sage.contacts.delete(gone.id)  # never synced: no event, no row
    assert created.id and payment.id
    return {
        "created": created.id,
        "voided": to_void["id"],
        "paid": to_pay["id"],
        "payment_deleted": old_payment,
    }


def test_second_sync_matches_and_emits_each_change_once_signed(db_url: str) -> None:
    emu = Emulator()
    store = sage_sync.open_store(db_url)
    store.enable_events()
    receiver = Receiver(SECRET)
    sender = WebhookSender(receiver.url, SECRET, initial_backoff=0.01)
    try:
        with SageAccounting(connect(emu)) as sage:
            doomed = sage.contacts.create(name="Soon Gone Ltd", contact_type_ids=["CUSTOMER"]).id
            assert doomed
            sage_sync.run(sage, store)
            first = sender.deliver(Outbox(store))
            rows = sum(len(db_rows(store, r.name)) for r in sage_sync.RESOURCES)
            assert first == rows == len(receiver.received)
            assert all(p["type"].endswith(".created") for _, p in receiver.received)
            receiver.received.clear()

            before = snapshot(sage, BUSINESSES, sage_sync.RESOURCES)
            touched = _change_everything(sage, doomed)
            after = snapshot(sage, BUSINESSES, sage_sync.RESOURCES)
            want = expected_events(before, after, NOUNS, flagged_only=True)
            derived = expected_events(before, after, NOUNS) - want

            result = sage_sync.run(sage, store)
            assert not result.errors
            receiver.answers = [500, 503]  # the first delivery fails twice: retried, still in order
            sender.deliver(Outbox(store))
            got = [(p["type"], p["data"]["business_id"], p["data"]["id"]) for _, p in receiver.received]
            assert len(got) == len(set(got)), "an event was delivered twice"
            assert set(got) == want
            assert receiver.rejected == 0
            assert ("contact.created", DEMO.business_id, touched["created"]) in want
            assert ("sales_invoice.updated", DEMO.business_id, touched["voided"]) in want
            assert ("contact_payment.deleted", DEMO.business_id, touched["payment_deleted"]) in want
            assert ("contact.deleted", DEMO.business_id, doomed) in want

            # What Sage derives (a bank account's balance after payments) changes without updated_at:
            # the periodic full pass compares every record and emits those changes, each once.
            receiver.received.clear()
            result = sage_sync.run(sage, store, full=True)
            assert not result.errors
            sender.deliver(Outbox(store))
            got = [(p["type"], p["data"]["business_id"], p["data"]["id"]) for _, p in receiver.received]
            assert len(got) == len(set(got)), "an event was delivered twice"
            assert set(got) == derived
            ids = {eid for eid, _ in receiver.received}
            assert len(ids) == len(receiver.received)

            assert_matches(sage, store, BUSINESSES, sage_sync.RESOURCES, get_each=False)
            tombstones = db_rows(store, "contacts", live=False)
            assert set(tombstones) == {(DEMO.business_id, doomed)}
            voided = db_rows(store, "sales_invoices")[(DEMO.business_id, touched["voided"])]
            assert voided.deleted_at is None and voided.status_id == "VOID"
            assert (DEMO.business_id, touched["payment_deleted"]) in db_rows(
                store, "contact_payments", live=False
            )

            # a third sync emits nothing new; purging drops the tombstones
            sage_sync.run(sage, store)
            assert Outbox(store).pending() == []
            deletions = [e for e in want if e[0].endswith(".deleted")]
            assert len(deletions) >= 2  # the contact took its address and person with it
            assert store.purge_deleted([r.name for r in sage_sync.RESOURCES]) == len(deletions)
            assert db_rows(store, "contacts", live=False) == {}
    finally:
        sender.close()
        receiver.close()
        store.close()
