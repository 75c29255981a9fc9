"""The built-in seeds: ``minimal`` (one empty UK business) and ``demo`` (UK + Irish businesses with a year
of trading).

Everything is created through the resources' own rules (``create`` from ``_seed``), so the demo data obeys
the same business rules as API requests. Names, amounts, statuses, dates and ids are the same in every run
(fixed ``random.Random`` seeds, a fixed trading period, ids drawn from a seeded generator), and every record
is stamped (``created_at``/``updated_at``) at a business hour of the day its document happened: an invoice
when it was raised, updated when it was paid or voided. The data is built once per process and copied into
each emulator.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ._clock import Clock
from ._money import round2
from ._resource import Record
from ._seed import DEMO, Target, add_app, add_business, add_user, create, seed_ctx
from ._state import Business, State, repeatable_ids

RANDOM_SEED = 20251101
# The demo's trading year: every document date falls inside it.
DEMO_FROM = date(2025, 11, 1)
DEMO_TO = date(2026, 10, 31)
# When the demo businesses were opened (their ledger accounts, bank accounts and catalogue date from then).
OPENED = date(2025, 10, 20)


def at(day: date, rnd: random.Random | None = None) -> float:
    """A moment of ``day`` in business hours (09:00 to 17:00 UTC, by ``rnd``; 09:00 without one)."""
    minutes = rnd.randint(0, 8 * 60 - 1) if rnd is not None else 0
    return (
        datetime(day.year, day.month, day.day, 9, tzinfo=UTC).timestamp()
        + minutes * 60
        + (rnd.randint(0, 59) if rnd is not None else 0)
    )


APP_SPEC: dict[str, Any] = {
    "client_id": DEMO.client_id,
    "client_secret": DEMO.client_secret,
    "name": "Sage Accounting Toolkit demo",
    "redirect_uris": [DEMO.redirect_uri, "http://localhost:8765/callback"],
    "auto_approve": False,
}
UK_BUSINESS: dict[str, Any] = {
    "id": DEMO.business_id,
    "name": "Demo Trading Ltd",
    "country": "GB",
    "address_line_1": "1 Market Street",
    "city": "Manchester",
    "postal_code": "M1 1AE",
}
IE_BUSINESS: dict[str, Any] = {
    "id": DEMO.business_id_ie,
    "name": "Demo Trading Ireland Ltd",
    "country": "IE",
    "address_line_1": "12 Grafton Street",
    "city": "Dublin",
    "postal_code": "D02 VK65",
}


def _user_spec(*business_ids: str) -> dict[str, Any]:
    return {
        "id": DEMO.user_id,
        "first_name": "Demo",
        "last_name": "User",
        "email": DEMO.user_email,
        "businesses": {bid: {} for bid in business_ids},
        "lead_business": business_ids[0],
    }


# --- the seeds -----------------------------------------------------------------------------------------
def seed_minimal(target: Target) -> None:
    """The demo app, one UK business ("Demo Trading Ltd") and the demo user with full access; no data."""
    _apply_cached(target, "minimal", _build_minimal)


def seed_demo(target: Target) -> None:
    """The demo app, the UK and Irish businesses with a year of trading, and the demo user reaching both."""
    _apply_cached(target, "demo", _build_demo)


def _build_minimal(target: Target) -> None:
    add_app(target, APP_SPEC)
    add_business(target, UK_BUSINESS)
    add_user(target, _user_spec(DEMO.business_id))


def _build_demo(target: Target) -> None:
    add_app(target, APP_SPEC)
    uk = add_business(target, UK_BUSINESS)
    ie = add_business(target, IE_BUSINESS)
    add_user(target, _user_spec(DEMO.business_id, DEMO.business_id_ie))
    _Trader(target, uk, random.Random(RANDOM_SEED), UK_DATA).run()
    _Trader(target, ie, random.Random(RANDOM_SEED + 1), IE_DATA).run()


# --- build once per process, copy afterwards -----------------------------------------------------------
_CACHE: dict[str, State] = {}
_CACHE_LOCK = threading.Lock()


def _apply_cached(target: Target, key: str, build: Callable[[Target], None]) -> None:
    with _CACHE_LOCK:
        snapshot = _CACHE.get(key)
        if snapshot is None:
            # built on a clock of its own, which the build sets to each document's moment
            snapshot = State()
            clock = Clock()
            clock.freeze(at(OPENED))
            with repeatable_ids(f"sage-emulator-{key}"):
                build(Target(snapshot, target.registry, clock))
            snapshot.release()
            _CACHE[key] = snapshot
        # copies: apps and users are small, businesses copy their compact collections
        for app in snapshot.apps.values():
            target.state.apps[app.client_id] = copy.deepcopy(app)
        for business in snapshot.businesses.values():
            target.state.businesses[business.id] = business.clone()
        for user in snapshot.users.values():
            target.state.users[user.id] = copy.deepcopy(user)


# --- the data ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountryData:
    """What a demo business trades: its contacts, catalogue, places, tax rates and how many documents."""

    country: str
    customers: tuple[str, ...]
    suppliers: tuple[str, ...]
    places: tuple[tuple[str, str], ...]  # (city, postcode prefix)
    streets: tuple[str, ...]
    postcode: Callable[[random.Random, str], str]
    phone: Callable[[random.Random], str]
    products: tuple[tuple[str, str, str, str], ...]  # (item code, description, price, cost price)
    services: tuple[tuple[str, str, str], ...]  # (item code, description, rate)
    expenses: tuple[tuple[int, str, str, str], ...]  # (nominal code, description, lowest, highest)
    standard: str  # tax rate ids
    zero: str
    sales_invoices: int
    purchase_invoices: int
    credit_notes: int


FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Noah", "Grace", "Thomas", "Sophie",
    "James", "Emily", "William", "Lucy", "Daniel", "Chloe", "Samuel", "Hannah", "Ciaran", "Aoife", "Sean",
    "Niamh", "Patrick", "Siobhan", "Rory", "Orla", "Declan", "Roisin",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "Walsh", "O'Sullivan", "McCarthy", "Doyle", "Kennedy",
)  # fmt: skip


_COMPANY_SUFFIXES = frozenset({"ltd", "llp", "plc", "co"})


def _uk_postcode(rnd: random.Random, prefix: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{prefix} {rnd.randint(1, 9)}{rnd.choice(letters)}{rnd.choice(letters)}"


def _ie_eircode(rnd: random.Random, prefix: str) -> str:
    return f"{prefix} {rnd.choice('ACDEFHKNPRTVWXY')}{rnd.randint(100, 999)}"


def _uk_phone(rnd: random.Random) -> str:
    return f"0{rnd.randint(1130, 1999)} {rnd.randint(100000, 999999)}"


def _ie_phone(rnd: random.Random) -> str:
    return f"0{rnd.randint(1, 99):02d} {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}"


UK_DATA = CountryData(
    country="GB",
    customers=(
        "Aldgate Print Works Ltd",
        "Birchwood Garden Centre",
        "Carrick & Finch Solicitors",
        "Dovetail Joinery Ltd",
        "Elmstead Veterinary Practice",
        "Fenwick Bakery",
        "Greystone Architects LLP",
        "Harbourside Cafe",
        "Ironbridge Engineering Ltd",
        "Juniper Dental Care",
        "Kestrel Logistics Ltd",
        "Larkspur Interiors",
        "Marlow Events Ltd",
        "Northgate Motors",
        "Oakridge Primary Academy",
        "Pennine Outdoor Supplies",
        "Quayside Fitness",
        "Redbrick Property Management",
        "Saltmarsh Brewing Co",
        "Thistle & Rose Florists",
        "Upland Farm Shop",
        "Vantage Recruitment Ltd",
        "Westfield Pharmacy",
        "Yardley Builders Merchants",
        "Ashcombe Hotel",
        "Bramble Nursery School",
        "Cobalt Digital Agency",
        "Driftwood Holiday Lets",
        "Evergreen Landscapes",
        "Foxglove Tea Rooms",
    ),
    suppliers=(
        "Acorn Office Supplies Ltd",
        "Brightline Telecoms Ltd",
        "Castle Stationers",
        "Dales Timber Merchants",
        "Eastern Electrical Wholesale",
        "Fairway Fleet Services",
        "Granite IT Solutions Ltd",
        "Heritage Insurance Brokers",
        "Instant Couriers Ltd",
        "Jarvis & Co Accountants",
        "Kingsway Property Lettings",
        "Lighthouse Cleaning Services",
        "Meridian Packaging Ltd",
        "Northern Energy Supply",
        "Orchard Catering Supplies",
        "Pinnacle Software Ltd",
        "Quantum Print Supplies",
        "Riverside Hardware",
        "Summit Legal Services",
        "Tower Waste Management",
    ),
    places=(
        ("London", "EC1V"),
        ("Manchester", "M1"),
        ("Leeds", "LS1"),
        ("Bristol", "BS1"),
        ("Birmingham", "B3"),
        ("Newcastle upon Tyne", "NE1"),
        ("York", "YO1"),
        ("Norwich", "NR2"),
        ("Cardiff", "CF10"),
        ("Edinburgh", "EH2"),
        ("Glasgow", "G2"),
        ("Brighton", "BN1"),
        ("Nottingham", "NG1"),
        ("Sheffield", "S1"),
        ("Exeter", "EX1"),
        ("Oxford", "OX1"),
        ("Cambridge", "CB2"),
        ("Bath", "BA1"),
        ("Chester", "CH1"),
        ("Durham", "DH1"),
    ),
    streets=(
        "High Street",
        "Station Road",
        "Church Lane",
        "Mill Road",
        "Victoria Street",
        "Park Avenue",
        "Queen Street",
        "King's Road",
        "Market Place",
        "Bridge Street",
        "Castle Street",
        "Orchard Way",
        "Riverside Drive",
        "Albion Street",
        "Granby Row",
    ),
    postcode=_uk_postcode,
    phone=_uk_phone,
    products=(
        ("DESK-OAK", "Oak office desk", "349.00", "210.00"),
        ("CHAIR-ERG", "Ergonomic office chair", "189.99", "112.50"),
        ("LAMP-LED", "LED desk lamp", "34.50", "18.20"),
        ("CAB-3DR", "Three drawer filing cabinet", "129.00", "74.00"),
        ("SHELF-5", "Five shelf bookcase", "89.00", "51.00"),
        ("WHITEBD", "Magnetic whiteboard 120x90", "64.95", "31.00"),
        ("MON-ARM", "Dual monitor arm", "79.00", "42.75"),
        ("PAPER-A4", "A4 copier paper (box of 5 reams)", "22.40", "14.10"),
        ("TONER-BK", "Black toner cartridge", "58.00", "33.60"),
        ("HANDBOOK", "Office safety handbook", "12.99", "6.40"),
    ),
    services=(
        ("CONSULT", "Consultancy (per hour)", "95.00"),
        ("INSTALL", "Furniture installation (per hour)", "45.00"),
        ("DESIGN", "Office layout design", "450.00"),
        ("SUPPORT", "IT support (per hour)", "65.00"),
        ("DELIVERY", "Delivery and set-up", "35.00"),
        ("TRAINING", "Workstation assessment training", "120.00"),
        ("CLEAN", "Office deep clean", "180.00"),
        ("REPAIR", "Repair call-out", "75.00"),
        ("SURVEY", "Site survey", "150.00"),
        ("RETAINER", "Monthly maintenance retainer", "250.00"),
    ),
    expenses=(
        (5000, "Stock purchases", "250.00", "2400.00"),
        (7100, "Office rent", "1200.00", "1200.00"),
        (7200, "Electricity", "80.00", "260.00"),
        (7502, "Stationery", "15.00", "120.00"),
        (7550, "Telephone and broadband", "45.00", "95.00"),
        (7601, "Accountancy fees", "350.00", "900.00"),
        (7801, "Office cleaning", "60.00", "180.00"),
        (8205, "Software subscriptions", "25.00", "300.00"),
    ),
    standard="GB_STANDARD",
    zero="GB_ZERO",
    sales_invoices=170,
    purchase_invoices=26,
    credit_notes=8,
)

IE_DATA = CountryData(
    country="IE",
    customers=(
        "Liffey Print & Design Ltd",
        "Connemara Crafts",
        "Shannon Engineering Ltd",
        "Wicklow Garden Services",
        "Clontarf Dental Clinic",
        "Galway Bay Seafoods",
        "Kilkenny Design Studio",
        "Limerick Events Ltd",
    ),
    suppliers=(
        "Emerald Office Supplies Ltd",
        "Dublin Couriers",
        "Atlantic Telecom Ltd",
        "Munster Energy Supply",
    ),
    places=(
        ("Dublin", "D02"),
        ("Cork", "T12"),
        ("Galway", "H91"),
        ("Limerick", "V94"),
        ("Kilkenny", "R95"),
        ("Waterford", "X91"),
    ),
    streets=(
        "Main Street",
        "Grafton Street",
        "Shop Street",
        "O'Connell Street",
        "Church Road",
        "Quay Street",
    ),
    postcode=_ie_eircode,
    phone=_ie_phone,
    products=(
        ("DESK-OAK", "Oak office desk", "399.00", "240.00"),
        ("CHAIR-ERG", "Ergonomic office chair", "219.00", "130.00"),
        ("LAMP-LED", "LED desk lamp", "39.50", "21.00"),
        ("HANDBOOK", "Office safety handbook", "14.99", "7.20"),
    ),
    services=(
        ("CONSULT", "Consultancy (per hour)", "110.00"),
        ("INSTALL", "Furniture installation (per hour)", "55.00"),
        ("DESIGN", "Office layout design", "520.00"),
    ),
    expenses=(
        (5000, "Stock purchases", "300.00", "1800.00"),
        (7200, "Electricity", "90.00", "240.00"),
        (7550, "Telephone and broadband", "50.00", "110.00"),
    ),
    standard="IE_STANDARD",
    zero="IE_ZERO",
    sales_invoices=24,
    purchase_invoices=6,
    credit_notes=2,
)


class _Trader:
    """Creates one business's year of trading through the resources."""

    def __init__(self, target: Target, business: Business, rnd: random.Random, data: CountryData) -> None:
        self.target = target
        self.business = business
        self.rnd = rnd
        self.times = random.Random(f"times-{data.country}")
        self.data = data
        self.ledgers = {r["nominal_code"]: r["id"] for r in business.collection("ledger_accounts").values()}
        self.bank_id = next(
            r["id"]
            for r in business.collection("bank_accounts").values()
            if (r.get("bank_account_type") or {}).get("id") == "CHECKING"
        )
        self.customers: list[Record] = []
        self.suppliers: list[Record] = []
        self.catalog: list[tuple[str, Record, Decimal, str]] = []  # (kind, record, price, tax rate)

    def when(self, day: date) -> None:
        """Stamp what is created next at a business hour of ``day`` (its own random stream, so the data's
        names and amounts do not depend on it)."""
        self.target.clock.freeze(at(day, self.times))

    def create(self, resource: str, wrapper: str, body: dict[str, Any]) -> Record:
        return create(self.target, self.business, resource, {wrapper: body})

    def run(self) -> None:
        self.contacts()
        self.catalogue()
        self.sales()
        self.purchases()
        self.journals()

    # contacts
    def contacts(self) -> None:
        rnd, data = self.rnd, self.data
        used: set[str] = set()
        for kind, names, into in (
            ("CUSTOMER", data.customers, self.customers),
            ("VENDOR", data.suppliers, self.suppliers),
        ):
            for name in names:
                stem = "".join(ch for ch in name.upper() if ch.isalpha())[:4]
                number = 1
                while f"{stem}{number:03d}" in used:
                    number += 1
                reference = f"{stem}{number:03d}"
                used.add(reference)
                city, prefix = rnd.choice(data.places)
                first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
                words = "".join(ch if ch.isalnum() else " " for ch in name.lower()).split()
                domain = "".join(w for w in words if w not in _COMPANY_SUFFIXES)
                tld = "co.uk" if data.country == "GB" else "ie"
                body: dict[str, Any] = {
                    "name": name,
                    "contact_type_ids": [kind],
                    "reference": reference,
                    "credit_days": rnd.choice((14, 30, 30, 30, 60)),
                    "main_address": {
                        "address_line_1": f"{rnd.randint(1, 240)} {rnd.choice(data.streets)}",
                        "city": city,
                        "postal_code": data.postcode(rnd, prefix),
                        "country_id": data.country,
                    },
                    "main_contact_person": {
                        "name": f"{first} {last}",
                        "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}@{domain}.{tld}",
                        "telephone": data.phone(rnd),
                    },
                }
                if kind == "CUSTOMER":
                    body["credit_limit"] = str(rnd.choice((1000, 2500, 5000, 10000)))
                self.when(OPENED + timedelta(days=(len(self.customers) + len(self.suppliers)) // 6))
                into.append(self.create("contacts", "contact", body))

    # products and services
    def catalogue(self) -> None:
        data = self.data
        self.when(OPENED)
        for code, description, price, cost in data.products:
            rate = data.zero if code == "HANDBOOK" else data.standard
            record = self.create(
                "products",
                "product",
                {
                    "item_code": code,
                    "description": description,
                    "sales_ledger_account_id": self.ledgers[4000],
                    "purchase_ledger_account_id": self.ledgers[5000],
                    "cost_price": cost,
                    "sales_prices": [
                        {"price_name": "Selling Price", "price": price, "price_includes_tax": False}
                    ],
                },
            )
            self.catalog.append(("product", record, Decimal(price), rate))
        for code, description, rate_text in data.services:
            record = self.create(
                "services",
                "service",
                {
                    "item_code": code,
                    "description": description,
                    "sales_ledger_account_id": self.ledgers[4100],
                    "sales_rates": [
                        {"rate_name": "Standard Rate", "rate": rate_text, "rate_includes_tax": False}
                    ],
                },
            )
            self.catalog.append(("service", record, Decimal(rate_text), data.standard))

    def _dates(self, count: int) -> list[date]:
        span = (DEMO_TO - DEMO_FROM).days
        return sorted(DEMO_FROM + timedelta(days=self.rnd.randint(0, span)) for _ in range(count))

    def _lines(self) -> list[dict[str, Any]]:
        rnd = self.rnd
        lines: list[dict[str, Any]] = []
        for kind, item, price, rate in rnd.sample(self.catalog, rnd.choice((1, 1, 2, 2, 3, 4))):
            quantity = rnd.randint(1, 12) if kind == "product" else rnd.choice((1, 2, 3, 4, 6, 8))
            line: dict[str, Any] = {
                "description": item["description"],
                f"{kind}_id": item["id"],
                "ledger_account_id": self.ledgers[4000 if kind == "product" else 4100],
                "quantity": str(quantity),
                "unit_price": str(price),
                "tax_rate_id": rate,
            }
            if rnd.random() < 0.1:
                line["discount_amount"] = str(round2(price * quantity * Decimal("0.05")))
            lines.append(line)
        return lines

    # sales: invoices (drafts, voids, unpaid, part paid, paid), receipts and credit notes
    def sales(self) -> None:
        rnd, data = self.rnd, self.data
        dates = self._dates(data.sales_invoices)
        drafts = set(range(len(dates) - max(2, len(dates) // 17), len(dates)))
        voids = {i for i in range(5, len(dates) - len(drafts), 23)}
        for index, day in enumerate(dates):
            contact = rnd.choice(self.customers)
            body: dict[str, Any] = {
                "contact_id": contact["id"],
                "date": day.isoformat(),
                "due_date": (day + timedelta(days=30)).isoformat(),
                "reference": f"PO{rnd.randint(10000, 99999)}",
                "invoice_lines": self._lines(),
            }
            if index in drafts:
                body["status_id"] = "DRAFT"
            self.when(day)
            invoice = self.create("sales_invoices", "sales_invoice", body)
            if index in drafts:
                continue
            if index in voids:
                self._void(invoice)
                continue
            age = (DEMO_TO - day).days
            chance = rnd.random()
            if (age > 45 and chance < 0.8) or (age > 20 and chance < 0.45):
                self._pay("CUSTOMER_RECEIPT", contact, invoice, day, full=chance < 0.68 or age > 300)
            elif chance < 0.6:
                self._pay("CUSTOMER_RECEIPT", contact, invoice, day, full=False)
        for index, day in enumerate(self._dates(data.credit_notes)):
            contact = rnd.choice(self.customers)
            lines = self._lines()[:1]
            self.when(day)
            note = self.create(
                "sales_credit_notes",
                "sales_credit_note",
                {
                    "contact_id": contact["id"],
                    "date": day.isoformat(),
                    "reference": f"RMA{rnd.randint(1000, 9999)}",
                    "notes": "Goods returned",
                    "credit_note_lines": lines,
                },
            )
            if index % 2 == 0:  # half the credits are refunded, the rest stay owed to the customer
                self._pay("CUSTOMER_REFUND", contact, note, day, full=True)

    def _void(self, invoice: Record) -> None:
        self.when(date.fromisoformat(invoice["date"]) + timedelta(days=2))
        ctx = seed_ctx(self.target, self.business)
        # read it again: a record is changed through its collection, within one request
        current = self.business.collection("sales_invoices")[invoice["id"]]
        self.target.registry["sales_invoices"].delete(ctx, current, {"void_reason": "Raised in error"})
        self.business.release()

    def _pay(self, kind: str, contact: Record, invoice: Record, day: date, *, full: bool) -> None:
        total = Decimal(str(invoice["total_amount"]))
        amount = total if full else round2(total * Decimal(self.rnd.choice(("0.25", "0.4", "0.5", "0.6"))))
        if amount <= 0:
            return
        paid_on = min(day + timedelta(days=self.rnd.randint(3, 40)), DEMO_TO)
        self.when(paid_on)
        self.create(
            "contact_payments",
            "contact_payment",
            {
                "transaction_type_id": kind,
                "contact_id": contact["id"],
                "bank_account_id": self.bank_id,
                "payment_method_id": self.rnd.choice(("ELECTRONIC", "ELECTRONIC", "CHECK", "CREDIT_DEBIT")),
                "date": paid_on.isoformat(),
                "total_amount": str(amount),
                "reference": invoice.get("invoice_number")
                or invoice.get("credit_note_number")
                or invoice.get("vendor_reference"),
                "allocated_artefacts": [{"artefact_id": invoice["id"], "amount": str(amount)}],
            },
        )

    # purchases: supplier invoices, mostly paid
    def purchases(self) -> None:
        rnd, data = self.rnd, self.data
        for index, day in enumerate(self._dates(data.purchase_invoices)):
            contact = rnd.choice(self.suppliers)
            nominal, description, low, high = rnd.choice(data.expenses)
            low_d, high_d = Decimal(low), Decimal(high)
            price = round2(low_d + (high_d - low_d) * Decimal(rnd.randint(0, 100)) / 100)
            self.when(day)
            invoice = self.create(
                "purchase_invoices",
                "purchase_invoice",
                {
                    "contact_id": contact["id"],
                    "date": day.isoformat(),
                    "due_date": (day + timedelta(days=30)).isoformat(),
                    "vendor_reference": f"INV-{rnd.randint(1000, 99999)}",
                    "invoice_lines": [
                        {
                            "description": description,
                            "ledger_account_id": self.ledgers[nominal],
                            "quantity": "1",
                            "unit_price": str(price),
                            "tax_rate_id": data.standard,
                        }
                    ],
                },
            )
            if (DEMO_TO - day).days > 30 and index % 6 != 0:
                self._pay("VENDOR_PAYMENT", contact, invoice, day, full=True)
            elif index % 12 == 0:
                self._pay("VENDOR_PAYMENT", contact, invoice, day, full=False)

    def journals(self) -> None:
        for day, reference, description, debit, credit, amount in (
            (date(2026, 3, 31), "DEP-Q1", "Quarterly depreciation of office equipment", 8002, 31, "375.00"),
            (date(2026, 9, 30), "ACC-FEES", "Accrual for year end accountancy fees", 7601, 2109, "1250.00"),
        ):
            self.when(day)
            self.create(
                "journals",
                "journal",
                {
                    "date": day.isoformat(),
                    "reference": reference,
                    "description": description,
                    "journal_lines": [
                        {
                            "ledger_account_id": self.ledgers[debit],
                            "debit": amount,
                            "credit": "0",
                            "details": description,
                        },
                        {
                            "ledger_account_id": self.ledgers[credit],
                            "debit": "0",
                            "credit": amount,
                            "details": description,
                        },
                    ],
                },
            )
