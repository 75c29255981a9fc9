"""The endpoints outside any business: ``/businesses`` (the businesses the signed-in user can reach, and
``/businesses/lead``) and ``/user`` (the signed-in user, a single record)."""

from __future__ import annotations

from collections.abc import Iterable

from .._errors import not_found
from .._resource import Ctx, Record, Resource
from .._state import Business, User

__all__ = ["RESOURCES", "Businesses", "CurrentUser", "business_record", "user_record"]

COUNTRY_NAMES = {"GB": "United Kingdom (GB)", "IE": "Ireland (IE)"}


def business_record(business: Business, user: User) -> Record:
    """A business as ``GET /businesses/{id}`` shows it to ``user``."""
    return {
        "id": business.id,
        "displayed_as": business.name,
        "$path": f"/businesses/{business.id}",
        "created_at": business.created_at,
        "updated_at": business.updated_at,
        "name": business.name,
        "address_line_1": business.address_line_1,
        "address_line_2": "",
        "city": business.city,
        "postal_code": business.postal_code,
        "country": {
            "id": business.country,
            "displayed_as": COUNTRY_NAMES.get(business.country, business.country),
            "$path": f"/countries/{business.country}",
        },
        "telephone": None,
        "mobile": None,
        "website": None,
        "is_demo": False,
        "subscriptions": [
            {
                "id": "ACCOUNTING_STANDARD",
                "displayed_as": "Accounting Standard",
                "active": business.subscription_active,
            }
        ],
        "owner": {"id": user.id, "displayed_as": user.display_name},
        "lead": business.id == user.lead_business_id,
    }


def user_record(user: User) -> Record:
    """The signed-in user as ``GET /user`` shows them."""
    return {
        "id": user.id,
        "displayed_as": user.display_name,
        "$path": "/user",
        "created_at": user.created_at,
        "updated_at": user.created_at,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "initials": (user.first_name[:1] + user.last_name[:1]).upper(),
        "email": user.email,
        "locale": user.locale,
    }


class Businesses(Resource):
    """``/businesses``: the businesses the user has a role in; ``/businesses/lead`` is their lead business."""

    name = "businesses"
    business_scoped = False
    per_page_key = "$items_per_page"

    def reachable(self, ctx: Ctx) -> list[Business]:
        """The user's businesses, in the order their roles were given."""
        businesses = ctx.state.businesses
        return [businesses[b] for b in ctx.user.roles if b in businesses]

    def business(self, ctx: Ctx, record_id: str) -> Business:
        """The reachable business ``record_id`` names (``lead``: the user's lead business), else 404."""
        wanted = ctx.user.lead_business_id if record_id == "lead" else record_id
        for business in self.reachable(ctx):
            if business.id == wanted:
                return business
        raise not_found()

    def records(self, ctx: Ctx) -> Iterable[Record]:
        return [business_record(b, ctx.user) for b in self.reachable(ctx)]

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return business_record(self.business(ctx, record_id), ctx.user)


class CurrentUser(Resource):
    """``/user``: the signed-in user (one record, no id in the path)."""

    name = "user"
    business_scoped = False
    singleton = True
    verbs = frozenset({"get"})

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return user_record(ctx.user)


RESOURCES: tuple[type[Resource], ...] = (Businesses, CurrentUser)
