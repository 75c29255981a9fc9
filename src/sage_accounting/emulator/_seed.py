"""Seeding: apps, users, businesses (with their reference data and chart of accounts) and data, into a
:class:`Target` (a state, the resources whose rules apply, and the clock that stamps records).

The named seeds (``demo``, ``minimal``, ``generated:N[:B]``) are registered in ``_seeds``. A seed document is
JSON:

```json
{"apps": [{"client_id": "...", "client_secret": "...", "name": "My app",
           "redirect_uris": ["http://127.0.0.1:8765/callback"], "auto_approve": false}],
 "businesses": [{"id": "optional 32 hex", "name": "Acme Ltd", "country": "GB"}],
 "users": [{"id": "optional uuid", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "businesses": {"<business id or name>": {"Sales": "read_only", "...": "..."}},
            "lead_business": "<business id or name>"}],
 "data": {"<business id or name>": {"contacts": [{"contact": {"name": "...", "contact_type_ids": ["CUSTOMER"]}}]}}}
```
Areas a user's roles leave out get Full Access. Data bodies go through the same rules as API requests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._clock import Clock
from ._errors import ApiError
from ._refdata import chart_of_accounts, default_bank_accounts, reference_records
from ._resource import Ctx
from ._state import AREAS, ROLES, App, Business, State, User, new_id

if TYPE_CHECKING:
    from ._resource import Resource


@dataclass(frozen=True)
class DemoIds:
    """The fixed identifiers of the demo seed, so examples and tests can name them."""

    client_id: str = "sage-emulator-demo"
    client_secret: str = "sage-emulator-demo-secret"
    redirect_uri: str = "http://127.0.0.1:8765/callback"
    user_id: str = "5f3c8a52-2b7e-4c41-9d0a-6b1e8f2c7a90"
    user_email: str = "demo@example.com"
    business_id: str = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    business_id_ie: str = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"


DEMO = DemoIds()


@dataclass
class Target:
    """Where a seed goes: the state it adds to, the resources whose rules its data goes through, and the clock
    that stamps the records it creates."""

    state: State
    registry: dict[str, Resource]
    clock: Clock


def add_app(target: Target, spec: dict[str, Any]) -> App:
    app = App(
        client_id=str(spec["client_id"]),
        client_secret=str(spec["client_secret"]),
        name=str(spec.get("name", "Emulated app")),
        redirect_uris=[str(u) for u in spec.get("redirect_uris", [])],
        auto_approve=bool(spec.get("auto_approve", False)),
    )
    target.state.apps[app.client_id] = app
    return app


def add_business(target: Target, spec: dict[str, Any]) -> Business:
    country = str(spec.get("country", "GB")).upper()
    if country not in ("GB", "IE"):
        raise ValueError(f"business country must be GB or IE, not {country!r}")
    business = Business(
        id=str(spec.get("id") or new_id()),
        name=str(spec["name"]),
        country=country,
        currency="GBP" if country == "GB" else "EUR",
        subscription_active=bool(spec.get("subscription_active", True)),
        address_line_1=str(spec.get("address_line_1", "")),
        city=str(spec.get("city", "")),
        postal_code=str(spec.get("postal_code", "")),
        address_line_2=str(spec.get("address_line_2", "")),
        region=str(spec.get("region", "")),
        telephone=_text_or_none(spec.get("telephone")),
        mobile=_text_or_none(spec.get("mobile")),
        website=_text_or_none(spec.get("website")),
        subscription_id=str(spec.get("subscription_id", "ACCOUNTING_10")),
        owner_id=_text_or_none(spec.get("owner_id")),
    )
    target.state.businesses[business.id] = business
    setup_business(target, business)
    return business


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _business_ref(target: Target, ref: str) -> Business:
    if ref in target.state.businesses:
        return target.state.businesses[ref]
    for business in target.state.businesses.values():
        if business.name == ref:
            return business
    raise ValueError(f"unknown business {ref!r}")


def business_refs(state: State, doc: dict[str, Any]) -> set[str]:
    """The ids of the existing businesses a seed document's ``data`` section adds records to."""
    data = doc.get("data")
    refs = set(data) if isinstance(data, dict) else set()
    return {bid for bid, business in state.businesses.items() if bid in refs or business.name in refs}


def add_user(target: Target, spec: dict[str, Any]) -> User:
    roles: dict[str, dict[str, str]] = {}
    for ref, areas in (spec.get("businesses") or {}).items():
        business = _business_ref(target, ref)
        given = dict(areas or {})
        for area_name, role in given.items():
            if area_name not in AREAS:
                raise ValueError(f"unknown area {area_name!r}; areas are {', '.join(AREAS)}")
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        roles[business.id] = {a: given.get(a, "full_access") for a in AREAS}
    lead = spec.get("lead_business")
    user = User(
        id=str(spec.get("id") or uuid.UUID(new_id())),
        first_name=str(spec.get("first_name", "")),
        last_name=str(spec.get("last_name", "")),
        email=str(spec.get("email", "")),
        locale=str(spec.get("locale", "en-GB")),
        roles=roles,
        lead_business_id=_business_ref(target, lead).id if lead else next(iter(roles), None),
    )
    target.state.users[user.id] = user
    return user


def seed_ctx(target: Target, business: Business) -> Ctx:
    """A request context for seeding: a synthetic full-access user inside ``business``."""
    user = User(
        id="seed",
        first_name="Seed",
        last_name="",
        email="",
        roles={business.id: dict.fromkeys(AREAS, "full_access")},
    )
    return Ctx(target.state, business, user, target.clock.time(), target.registry)


def create(target: Target, business: Business, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    """Create a record through the resource's own rules (as ``POST /<resource>`` would)."""
    try:
        return target.registry[resource].do_create(seed_ctx(target, business), body)
    except ApiError as exc:
        raise ValueError(f"seed {resource}: {exc.body()}") from None
    finally:
        # one seed record is one request: store it compactly and index it before the next
        business.release()


def setup_business(target: Target, business: Business) -> None:
    """Give a new business what Sage gives one: reference lists, tax rates, chart of accounts, bank account."""
    for name, records in reference_records(business.country).items():
        collection = business.collection(name)
        for record in records:
            collection[record["id"]] = record
    for body in chart_of_accounts(business.country):
        create(target, business, "ledger_accounts", {"ledger_account": body})
    for body in default_bank_accounts(business.country):
        create(target, business, "bank_accounts", {"bank_account": body})


def apply_document(target: Target, doc: dict[str, Any]) -> None:
    """Add what a seed document describes (see the module docstring)."""
    unknown = sorted(set(doc) - {"apps", "users", "businesses", "data", "settings"})
    if unknown:
        raise ValueError(f"unknown seed section(s): {', '.join(unknown)}")
    for key, value in (doc.get("settings") or {}).items():
        if not hasattr(target.state.settings, key):
            raise ValueError(f"unknown setting {key!r}")
        setattr(target.state.settings, key, int(value))
    for spec in doc.get("apps", []):
        add_app(target, spec)
    for spec in doc.get("businesses", []):
        add_business(target, spec)
    for spec in doc.get("users", []):
        add_user(target, spec)
    for ref, resources in (doc.get("data") or {}).items():
        business = _business_ref(target, ref)
        for resource, bodies in resources.items():
            if resource not in target.registry:
                raise ValueError(f"unknown resource {resource!r} in seed data")
            for body in bodies:
                create(target, business, resource, body)
