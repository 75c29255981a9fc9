"""The endpoints outside any business: ``/businesses`` (the businesses the signed-in user can reach, and
``/businesses/lead``) and ``/user`` (the signed-in user, a single record)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._errors import ApiError, Invalid, not_found
from .._fields import Field, S, clean
from .._resource import Ctx, Record, Resource
from .._state import AREAS, ROLE_NAMES, Business, State, User

__all__ = ["RESOURCES", "Businesses", "CurrentUser", "business_record", "owner_of", "user_record"]

COUNTRY_NAMES = {"GB": "United Kingdom (GB)", "IE": "Ireland (IE)"}
# Subscription ids and names (best-practices guide, "Checking which variant a customer is using").
SUBSCRIPTIONS = {
    "START": "Start",
    "MICRO": "Start",
    "ACCOUNTS": "Accounting Standard",
    "ACCOUNTING_10": "Accounting Standard",
    "ACCOUNTING": "Accounting",
}
# The global roles of the access-rights guide: one of them for every area, or Custom.
GLOBAL_ROLES = {
    "full_access": ("FULL_ACCESS", "Full Access"),
    "restricted_access": ("RESTRICTED_ACCESS", "Restricted Access"),
    "read_only": ("READ_ONLY", "Read Only"),
    "no_access": ("NO_ACCESS", "No Access"),
}
DENIED = "The current user is not allowed to access that resource with that method."


def owner_of(state: State, business: Business) -> User | None:
    """The business owner (access-rights guide: the user who signed up for the subscription)."""
    if business.owner_id and business.owner_id in state.users:
        return state.users[business.owner_id]
    users = [u for u in state.users.values() if business.id in u.roles]
    return next((u for u in users if u.lead_business_id == business.id), users[0] if users else None)


def _subscription(business: Business) -> Record:
    # key order of the best-practices guide's example
    return {
        "created_at": business.created_at,
        "updated_at": business.created_at,
        "displayed_as": SUBSCRIPTIONS.get(business.subscription_id, business.subscription_id),
        "id": business.subscription_id,
        "active": business.subscription_active,
        "status": "paying" if business.subscription_active else "expired",
        "accountant_pays": False,
    }


def _access(business: Business, user: User, owner: User | None) -> Record:
    """The user's attributes and roles in the business (access-rights guide: Business Owner, System
    Manager, a global role or Custom, and the role of each area)."""
    roles = {area: user.role(business.id, area) for area in AREAS}
    distinct = set(roles.values())
    role_id, role_name = GLOBAL_ROLES[distinct.pop()] if len(distinct) == 1 else ("CUSTOM", "Custom")
    return {
        "business_owner": owner is not None and owner.id == user.id,
        "system_manager": user.system_manager,
        "user_role": {"id": role_id, "displayed_as": role_name},
        "user_permissions": [
            {"area": area, "role": {"id": role, "displayed_as": ROLE_NAMES[role]}}
            for area, role in roles.items()
        ],
    }


def business_record(business: Business, user: User, state: State | None = None) -> Record:
    """A business as ``GET /businesses/{id}`` shows it to ``user``."""
    owner = owner_of(state, business) if state is not None else user
    return {
        "id": business.id,
        "displayed_as": business.name,
        "$path": f"/businesses/{business.id}",
        "created_at": business.created_at,
        "updated_at": business.updated_at,
        "name": business.name,
        "address_line_1": business.address_line_1,
        "address_line_2": business.address_line_2,
        "city": business.city,
        "region": business.region,
        "postal_code": business.postal_code,
        "country": {
            "id": business.country,
            "displayed_as": COUNTRY_NAMES.get(business.country, business.country),
            "$path": f"/countries/{business.country}",
        },
        "telephone": business.telephone,
        "mobile": business.mobile,
        "website": business.website,
        "is_demo": False,
        "subscriptions": [_subscription(business)],
        "owner": {"id": owner.id, "displayed_as": owner.display_name} if owner is not None else None,
        "lead": business.id == user.lead_business_id,
        **_access(business, user, owner),
    }


def user_record(user: User) -> Record:
    """The signed-in user as ``GET /user`` shows them."""
    return {
        "id": user.id,
        "displayed_as": user.display_name,
        "$path": "/user",
        "created_at": user.created_at,
        "updated_at": user.updated_at or user.created_at,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "initials": user.initials or (user.first_name[:1] + user.last_name[:1]).upper(),
        "email": user.email,
        "locale": user.locale,
    }


# PUT /businesses/{id}: the migration guide's example sends address_line_1, mobile and website.
BUSINESS_FIELDS: tuple[Field, ...] = (
    S("name", 100),
    S("address_line_1", 50),
    S("address_line_2", 50),
    S("city", 50),
    S("region", 50),
    S("postal_code", 10),
    S("telephone", 50),
    S("mobile", 50),
    S("website", 255),
)
LOCALES = ("en-GB", "en-IE", "en-CA", "en-US", "fr-CA", "fr-FR", "es-ES", "de-DE")
USER_FIELDS: tuple[Field, ...] = (
    S("first_name", 50),
    S("last_name", 50),
    S("initials", 5),
    Field("locale", "string", choices=LOCALES),
)


def _wrapped(body: Any, wrapper: str, errors: Invalid) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(wrapper), dict):
        errors.add(wrapper, "is missing or not an object")
        errors.raise_if_any()
    return body[wrapper]


class Businesses(Resource):
    """``/businesses``: the businesses the user has a role in; ``/businesses/lead`` is their lead business."""

    name = "businesses"
    wrapper = "business"
    verbs = frozenset({"list", "get", "update"})
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
        return [business_record(b, ctx.user, ctx.state) for b in self.reachable(ctx)]

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return business_record(self.business(ctx, record_id), ctx.user, ctx.state)

    def do_update(self, ctx: Ctx, record_id: str, body: Any) -> Record:
        """``PUT /businesses/{id}``: "Only the business owner can change business details" (migration
        guide); the country and subscription are not the API's to change."""
        business = self.business(ctx, record_id)
        owner = owner_of(ctx.state, business)
        if owner is None or owner.id != ctx.user.id:
            raise ApiError(403, "MultiUserAccessDenied", DENIED)
        errors = Invalid()
        data = clean(BUSINESS_FIELDS, _wrapped(body, "business", errors), errors, partial=True)
        if "name" in data and not data["name"]:
            errors.add("name", "can't be blank")
        errors.raise_if_any()
        for key, value in data.items():
            if key in ("telephone", "mobile", "website"):
                setattr(business, key, value or None)
            else:
                setattr(business, key, value or "")
        business.updated_at = ctx.now_iso
        return business_record(business, ctx.user, ctx.state)


class CurrentUser(Resource):
    """``/user``: the signed-in user (one record, no id in the path)."""

    name = "user"
    business_scoped = False
    singleton = True
    wrapper = "user"
    verbs = frozenset({"get", "update"})

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return user_record(ctx.user)

    def do_update(self, ctx: Ctx, record_id: str, body: Any) -> Record:
        """``PUT /user`` (migration guide: ``{"user": {"last_name": "Smith"}}``); the email is the sign-in
        and stays."""
        errors = Invalid()
        data = clean(USER_FIELDS, _wrapped(body, "user", errors), errors, partial=True)
        for key in ("first_name", "last_name", "locale"):
            if key in data and not data[key]:
                errors.add(key, "can't be blank")
        errors.raise_if_any()
        user = ctx.user
        for key, value in data.items():
            # blank initials go back to the ones made from the names
            setattr(user, key, (value or None) if key == "initials" else value)
        user.updated_at = ctx.now_iso
        return user_record(user)


RESOURCES: tuple[type[Resource], ...] = (Businesses, CurrentUser)
