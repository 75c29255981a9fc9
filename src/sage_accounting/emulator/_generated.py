"""The generated seed, ``generated:N[:B]``: N records spread over B businesses, for volume and sync work.

Each business gets customers, suppliers, a small catalogue, then sales invoices (most of them paid in full
or in part, some voided), purchase invoices and supplier payments, dated across a year and stamped at the
moment each happened. Everything goes through the resources' rules, like the demo. The same ``N``, ``B``
and ``seed_random`` give the same data, ids and timestamps included, in every run. The demo app and user
sign in to it; the first business has the demo business's id.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ._clock import Clock
from ._demo import APP_SPEC, DEMO_FROM, DEMO_TO, IE_DATA, OPENED, UK_DATA, CountryData, at
from ._money import round2
from ._resource import Record
from ._seed import DEMO, Target, add_app, add_business, add_user, create, seed_ctx
from ._state import Business, new_id, repeatable_ids

MAX_RECORDS = 1_000_000
MAX_BUSINESSES = 1_000
USAGE = "generated:N[:B] (N records over B businesses, 1 <= B <= N)"

WORDS = (
    "Acorn", "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbour", "Iris", "Juniper", "Kestrel",
    "Linden", "Maple", "Northgate", "Oakridge", "Pioneer", "Quarry", "Riverside", "Summit", "Thistle",
    "Upland", "Vale", "Willow", "Yarrow", "Zephyr", "Amber", "Bramble", "Copper", "Drift", "Elm",
)  # fmt: skip
TRADES = (
    "Bakery", "Joinery", "Dental Care", "Logistics", "Interiors", "Print Works", "Garden Centre", "Cafe",
    "Engineering", "Architects", "Veterinary Practice", "Florist", "Motors", "Electrical", "Plumbing",
)  # fmt: skip
SUFFIXES = ("Ltd", "Ltd", "LLP", "", "& Co")


def parse(argument: str | None) -> tuple[int, int]:
    """``N`` or ``N:B`` as numbers, or ``ValueError`` saying what is wrong."""
    if argument is None:
        raise ValueError(f"the generated seed needs a size: {USAGE}, e.g. generated:1000:3")
    parts = argument.split(":")
    if len(parts) > 2 or not all(p.isdigit() and len(p) <= 7 for p in parts):
        raise ValueError(f"generated:{argument[:40]} is not {USAGE}")
    records = int(parts[0])
    businesses = int(parts[1]) if len(parts) == 2 else 1
    if not 1 <= records <= MAX_RECORDS:
        raise ValueError(f"generated: N must be between 1 and {MAX_RECORDS:,}, not {records}")
    if not 1 <= businesses <= min(records, MAX_BUSINESSES):
        raise ValueError(
            f"generated: B must be between 1 and N (and at most {MAX_BUSINESSES}), not {businesses}"
        )
    return records, businesses


def prepare(argument: str | None, seed_random: int) -> Any:
    """The plan for ``generated:N[:B]`` (checked now, built when applied)."""
    records, businesses = parse(argument)

    def plan(target: Target) -> None:
        build(target, records, businesses, seed_random)

    return plan


def build(target: Target, records: int, businesses: int, seed_random: int) -> None:
    """Add the demo app and user and ``businesses`` businesses holding ``records`` records between them."""
    clock = Clock()
    clock.freeze(at(OPENED))
    scratch = Target(target.state, target.registry, clock)
    rnd = random.Random(f"generated-{records}-{businesses}-{seed_random}")
    with repeatable_ids(f"generated-ids-{records}-{businesses}-{seed_random}"):
        add_app(scratch, {**APP_SPEC, "redirect_uris": list(APP_SPEC["redirect_uris"])})
        made: list[Business] = []
        for index in range(businesses):
            data = IE_DATA if index % 4 == 3 else UK_DATA
            made.append(
                add_business(
                    scratch,
                    {
                        "id": DEMO.business_id if index == 0 else new_id(),
                        "name": f"{rnd.choice(WORDS)} {rnd.choice(TRADES)} {index + 1} Ltd",
                        "country": data.country,
                        "address_line_1": f"{rnd.randint(1, 200)} {rnd.choice(data.streets)}",
                        "city": data.places[0][0],
                        "postal_code": data.postcode(rnd, data.places[0][1]),
                    },
                )
            )
        add_user(
            scratch,
            {
                "id": DEMO.user_id,
                "first_name": "Demo",
                "last_name": "User",
                "email": DEMO.user_email,
                "businesses": {b.id: {} for b in made},
                "lead_business": made[0].id,
            },
        )
        for index, business in enumerate(made):
            share = records // businesses + (1 if index < records % businesses else 0)
            data = IE_DATA if business.country == "IE" else UK_DATA
            _Business(scratch, business, random.Random(rnd.random()), data).run(share)


class _Business:
    """Fills one business with ``count`` records."""

    def __init__(self, target: Target, business: Business, rnd: random.Random, data: CountryData) -> None:
        self.target = target
        self.business = business
        self.rnd = rnd
        self.data = data
        self.made = 0
        self.ledgers = {r["nominal_code"]: r["id"] for r in business.collection("ledger_accounts").values()}
        self.bank_id = next(
            r["id"]
            for r in business.collection("bank_accounts").values()
            if (r.get("bank_account_type") or {}).get("id") == "CHECKING"
        )

    def create(self, resource: str, wrapper: str, body: dict[str, Any], day: date) -> Record:
        self.target.clock.freeze(at(day, self.rnd))
        self.made += 1
        return create(self.target, self.business, resource, {wrapper: body})

    def name(self) -> str:
        suffix = self.rnd.choice(SUFFIXES)
        return f"{self.rnd.choice(WORDS)} {self.rnd.choice(TRADES)} {suffix}".strip()

    def run(self, count: int) -> None:
        rnd = self.rnd
        customers = [self.contact("CUSTOMER", n) for n in range(min(count, max(1, count * 15 // 100)))]
        suppliers = [self.contact("VENDOR", n) for n in range(min(count - self.made, max(1, count // 20)))]
        span = (DEMO_TO - DEMO_FROM).days
        while self.made < count:
            day = DEMO_FROM + timedelta(days=rnd.randint(0, span))
            if suppliers and rnd.random() < 0.15:
                self.purchase(rnd.choice(suppliers), day, count)
            elif customers:
                self.sale(rnd.choice(customers), day, count)
            else:
                self.contact("CUSTOMER", self.made)

    def contact(self, kind: str, number: int) -> Record:
        data = self.data
        city, prefix = self.rnd.choice(data.places)
        body = {
            "name": self.name(),
            "contact_type_ids": [kind],
            "reference": f"{kind[0]}{number:06d}",
            "main_address": {
                "address_line_1": f"{self.rnd.randint(1, 240)} {self.rnd.choice(data.streets)}",
                "city": city,
                "postal_code": data.postcode(self.rnd, prefix),
                "country_id": data.country,
            },
            "main_contact_person": {
                "name": self.name().split()[0] + " Smith",
                "telephone": data.phone(self.rnd),
            },
        }
        day = OPENED + timedelta(days=self.rnd.randint(0, 20))
        return self.create("contacts", "contact", body, day)

    def lines(self, nominal: int) -> list[dict[str, Any]]:
        return [
            {
                "description": f"{self.rnd.choice(TRADES)} work",
                "ledger_account_id": self.ledgers[nominal],
                "quantity": str(self.rnd.randint(1, 8)),
                "unit_price": f"{self.rnd.randint(5, 400)}.{self.rnd.randint(0, 99):02d}",
                "tax_rate_id": self.data.standard,
            }
            for _ in range(self.rnd.choice((1, 1, 2, 3)))
        ]

    def sale(self, contact: Record, day: date, count: int) -> None:
        body = {
            "contact_id": contact["id"],
            "date": day.isoformat(),
            "due_date": (day + timedelta(days=30)).isoformat(),
            "invoice_lines": self.lines(4000),
        }
        invoice = self.create("sales_invoices", "sales_invoice", body, day)
        chance = self.rnd.random()
        if self.made < count and chance < 0.05:
            self.target.clock.freeze(at(day + timedelta(days=1), self.rnd))
            current = self.business.collection("sales_invoices")[invoice["id"]]
            ctx = seed_ctx(self.target, self.business)
            self.target.registry["sales_invoices"].delete(ctx, current, {"void_reason": "Raised in error"})
            self.business.release()
        elif self.made < count and chance < 0.65:
            self.pay("CUSTOMER_RECEIPT", contact, invoice, day, full=chance < 0.5)

    def purchase(self, contact: Record, day: date, count: int) -> None:
        nominal = self.rnd.choice(self.data.expenses)[0]
        body = {
            "contact_id": contact["id"],
            "date": day.isoformat(),
            "due_date": (day + timedelta(days=30)).isoformat(),
            "vendor_reference": f"INV-{self.made:07d}",
            "invoice_lines": self.lines(nominal),
        }
        invoice = self.create("purchase_invoices", "purchase_invoice", body, day)
        if self.made < count and self.rnd.random() < 0.7:
            self.pay("VENDOR_PAYMENT", contact, invoice, day, full=True)

    def pay(self, kind: str, contact: Record, invoice: Record, day: date, *, full: bool) -> None:
        total = Decimal(str(invoice["total_amount"]))
        amount = total if full else round2(total * Decimal("0.5"))
        if amount <= 0:
            return
        paid_on = min(day + timedelta(days=self.rnd.randint(3, 40)), DEMO_TO)
        body = {
            "transaction_type_id": kind,
            "contact_id": contact["id"],
            "bank_account_id": self.bank_id,
            "payment_method_id": "ELECTRONIC",
            "date": paid_on.isoformat(),
            "total_amount": str(amount),
            "allocated_artefacts": [{"artefact_id": invoice["id"], "amount": str(amount)}],
        }
        self.create("contact_payments", "contact_payment", body, paid_on)
