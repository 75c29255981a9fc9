"""A living business: changes made to the sandbox at a steady rate on the emulator's clock.

``Activity(sandbox, rate)`` makes ``rate`` changes per minute of emulator time, spread over the sandbox's
businesses: new contacts, edited contacts, new sales invoices, payments of unpaid invoices, voids, and
deletions of contacts without transactions, each through the resources' rules and stamped with the
emulator's time. :meth:`Activity.start` runs it in a background thread (moving the clock forward brings the
changes that were due); :meth:`Activity.catch_up` makes the due changes at once, for tests. Seeded by
``seed_random``: the same sandbox, rate and clock moves give the same changes.
"""

from __future__ import annotations

import random
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ._errors import ApiError
from ._money import round2
from ._resource import Ctx
from ._sandbox import Sandbox
from ._state import AREAS, Business, User

KINDS = ("create_contact", "edit_contact", "create_invoice", "pay_invoice", "void_invoice", "delete_contact")
WEIGHTS = (3, 3, 5, 4, 1, 1)
# the most changes one tick makes (a large clock move is caught up over the following ticks)
MAX_PER_TICK = 500

_RUNNING: weakref.WeakKeyDictionary[Sandbox, Activity] = weakref.WeakKeyDictionary()


@dataclass
class Activity:
    """Changes at ``rate`` per minute of emulator time (see the module docstring)."""

    sandbox: Sandbox
    rate: float
    seed_random: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def __post_init__(self) -> None:
        if (
            isinstance(self.rate, bool)
            or not isinstance(self.rate, int | float)
            or not 0 < self.rate <= 60_000
        ):
            raise ValueError("the activity rate must be a number of changes per minute in (0, 60000]")
        self._random = random.Random(f"activity-{self.seed_random}")
        self._since = self.sandbox.clock.time()
        self._done = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ledgers: dict[str, str] = {}  # business id -> its sales ledger account (nominal 4000)

    # --- running --------------------------------------------------------------------------------------------
    def due(self) -> int:
        """How many changes the clock says are owed now."""
        elapsed = max(self.sandbox.clock.time() - self._since, 0.0)
        return int(elapsed * self.rate / 60) - self._done

    def catch_up(self, limit: int | None = None) -> int:
        """Make the changes that are due (at most ``limit``); returns how many were made."""
        wanted = self.due() if limit is None else min(self.due(), limit)
        for _ in range(max(wanted, 0)):
            self.step()
        return max(wanted, 0)

    def step(self) -> str:
        """Make one change now; returns its kind."""
        sandbox = self.sandbox
        with sandbox.lock:
            if self._thread is not None and self._stop.is_set():
                return "none"  # stopped while this change waited for the lock
            businesses = [b for b in sandbox.state.businesses.values() if b.subscription_active]
            self._done += 1
            if not businesses:
                return "none"
            business = self._random.choice(businesses)
            kind = self._random.choices(KINDS, WEIGHTS)[0]
            ctx = Ctx(sandbox.state, business, _actor(business), sandbox.clock.time(), sandbox.registry)
            try:
                made = getattr(self, kind)(ctx)
            except ApiError:
                made = None  # a rule said no (e.g. a contact that gained a transaction): nothing changed
            business.release()
        if made:
            self.counts[made] += 1
            sandbox.changed()
        return made or "none"

    def start(self, interval: float = 0.2) -> Activity:
        """Run in a daemon thread until :meth:`stop` (one activity per sandbox: a running one is stopped)."""
        previous = _RUNNING.get(self.sandbox)
        if previous is not None:
            previous.stop(wait=False)
        _RUNNING[self.sandbox] = self
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name="sage-emulator-activity", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, *, wait: bool = True) -> None:
        """Stop the background thread (changes already made stay). ``wait=False`` when the caller holds the
        sandbox's lock: the thread then ends on its own without making another change."""
        self._stop.set()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        if _RUNNING.get(self.sandbox) is self:
            del _RUNNING[self.sandbox]

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.catch_up(MAX_PER_TICK)
            except Exception:  # keep the sandbox's activity alive; the failure is logged
                self.sandbox.logger.exception("the emulator's activity failed to make a change")

    def to_json(self) -> dict[str, Any]:
        """What the control plane shows about it."""
        return {
            "rate": self.rate,
            "seed_random": self.seed_random,
            "made": dict(self.counts),
            "due": self.due(),
        }

    # --- the changes ----------------------------------------------------------------------------------------
    def _pick(self, ctx: Ctx, name: str) -> dict[str, Any] | None:
        ids = ctx.collection(name).ordered_ids()
        if not ids:
            return None
        return ctx.collection(name)[ids[self._random.randrange(len(ids))]]

    def create_contact(self, ctx: Ctx) -> str:
        number = self._random.randrange(10**6)
        body = {"contact": {"name": f"Walk-in Customer {number}", "contact_type_ids": ["CUSTOMER"]}}
        ctx.registry["contacts"].do_create(ctx, body)
        return "create_contact"

    def edit_contact(self, ctx: Ctx) -> str | None:
        contact = self._pick(ctx, "contacts")
        if contact is None:
            return self.create_contact(ctx)
        note = f"Called on {ctx.today} about account {self._random.randrange(1000)}"
        ctx.registry["contacts"].do_update(ctx, contact["id"], {"contact": {"notes": note}})
        return "edit_contact"

    def create_invoice(self, ctx: Ctx) -> str | None:
        customer = self._customer(ctx)
        ledger = self._sales_ledger(ctx)
        if customer is None or ledger is None:
            return self.create_contact(ctx)
        today = ctx.today
        due = (datetime.fromisoformat(today) + timedelta(days=30)).date().isoformat()
        line = {
            "description": "Services rendered",
            "ledger_account_id": ledger,
            "quantity": str(self._random.randint(1, 5)),
            "unit_price": f"{self._random.randint(20, 500)}.00",
            "tax_rate_id": f"{ctx.business.country}_STANDARD",
        }
        body = {
            "sales_invoice": {"contact_id": customer, "date": today, "due_date": due, "invoice_lines": [line]}
        }
        ctx.registry["sales_invoices"].do_create(ctx, body)
        return "create_invoice"

    def pay_invoice(self, ctx: Ctx) -> str | None:
        invoice = self._unpaid(ctx)
        bank = self._pick(ctx, "bank_accounts")
        if invoice is None or bank is None:
            return self.create_invoice(ctx)
        outstanding = Decimal(str(invoice.get("outstanding_amount") or "0"))
        amount = outstanding if self._random.random() < 0.7 else round2(outstanding / 2)
        if amount <= 0:
            return None
        body = {
            "contact_payment": {
                "transaction_type_id": "CUSTOMER_RECEIPT",
                "contact_id": invoice["contact"]["id"],
                "bank_account_id": bank["id"],
                "date": ctx.today,
                "total_amount": str(amount),
                "allocated_artefacts": [{"artefact_id": invoice["id"], "amount": str(amount)}],
            }
        }
        ctx.registry["contact_payments"].do_create(ctx, body)
        return "pay_invoice"

    def void_invoice(self, ctx: Ctx) -> str | None:
        invoice = self._unpaid(ctx, part_paid=False)
        if invoice is None:
            return None
        ctx.registry["sales_invoices"].delete(ctx, invoice, {"void_reason": "Raised in error"})
        return "void_invoice"

    def delete_contact(self, ctx: Ctx) -> str | None:
        for _ in range(5):
            contact = self._pick(ctx, "contacts")
            if contact is not None and contact.get("deletable") and not contact.get("system"):
                ctx.registry["contacts"].delete(ctx, contact, {})
                return "delete_contact"
        return None

    def _sales_ledger(self, ctx: Ctx) -> str | None:
        known = self._ledgers.get(ctx.business.id)
        if known is None or ctx.get("ledger_accounts", known) is None:
            known = next(
                (
                    r["id"]
                    for r in ctx.collection("ledger_accounts").values()
                    if r.get("nominal_code") == 4000
                ),
                None,
            )
            if known is not None:
                self._ledgers[ctx.business.id] = known
        return known

    def _customer(self, ctx: Ctx) -> str | None:
        for _ in range(5):
            contact = self._pick(ctx, "contacts")
            if contact is not None and any(t["id"] == "CUSTOMER" for t in contact.get("contact_types") or ()):
                return str(contact["id"])
        return None

    def _unpaid(self, ctx: Ctx, *, part_paid: bool = True) -> dict[str, Any] | None:
        wanted = {"UNPAID", "PART_PAID"} if part_paid else {"UNPAID"}
        for _ in range(8):
            invoice = self._pick(ctx, "sales_invoices")
            if invoice is not None and (invoice.get("status") or {}).get("id") in wanted:
                return invoice
        return None


def _actor(business: Business) -> User:
    """Who makes the changes: a full-access user of the business (as a person at Sage's screens would)."""
    return User(
        id="activity",
        first_name="Sandbox",
        last_name="Activity",
        email="",
        roles={business.id: dict.fromkeys(AREAS, "full_access")},
    )


def running(sandbox: Sandbox) -> Activity | None:
    """The activity running on ``sandbox``, if any."""
    return _RUNNING.get(sandbox)
