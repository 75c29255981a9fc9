"""The emulator's state: apps, users, businesses with their data, and OAuth grants.

Everything here is plain JSON-compatible data (records are stored exactly as Sage renders them, money
already as strings), so the whole state can be dumped, saved to a file and loaded back unchanged.
"""

from __future__ import annotations

import contextlib
import copy
import random
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ._store import Collection

AREAS = ("Sales", "Purchases", "Bank", "Contacts", "Products & Services", "Settings", "Journals")
ROLES = ("full_access", "restricted_access", "read_only", "no_access")
ROLE_NAMES = {
    "full_access": "Full Access",
    "restricted_access": "Restricted Access",
    "read_only": "Read Only",
    "no_access": "No Access",
}


# Set while a seed is built: ids then come from this generator, so the seed's ids are the same in every run.
_ID_SOURCE: ContextVar[random.Random | None] = ContextVar("sage_emulator_id_source", default=None)


def new_id() -> str:
    """A Sage-style id for user data: 32 lowercase hex characters (repeatable inside :func:`repeatable_ids`)."""
    source = _ID_SOURCE.get()
    if source is None:
        return uuid.uuid4().hex
    return uuid.UUID(int=source.getrandbits(128), version=4).hex


@contextlib.contextmanager
def repeatable_ids(seed: int | str) -> Iterator[None]:
    """Within the block (in this thread or task only), :func:`new_id` draws from a generator seeded with
    ``seed``: building the same data again gives the same ids."""
    token = _ID_SOURCE.set(random.Random(seed))
    try:
        yield
    finally:
        _ID_SOURCE.reset(token)


@dataclass
class Settings:
    """Tunable behaviour. Every limit Sage publishes is a setting here, defaulting to Sage's figure."""

    access_token_ttl: int = 300
    refresh_token_ttl: int = 2_678_400
    code_ttl: int = 60
    max_concurrent_requests: int = 150
    daily_request_limit: int = 1_296_000
    rate_limit_retry_after: int = 1


@dataclass
class App:
    client_id: str
    client_secret: str
    name: str = "Emulated app"
    redirect_uris: list[str] = field(default_factory=list)
    auto_approve: bool = False


@dataclass
class User:
    id: str
    first_name: str
    last_name: str
    email: str
    locale: str = "en-GB"
    # business id -> area -> role (one of ROLES); businesses listed here are the ones the user can reach
    roles: dict[str, dict[str, str]] = field(default_factory=dict)
    lead_business_id: str | None = None
    created_at: str = "2023-01-02T09:00:00Z"
    initials: str | None = None  # None: from the names
    updated_at: str | None = None  # None: never changed since created_at
    # the access-rights guide's System Manager attribute: full access and user management
    system_manager: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def role(self, business_id: str, area: str) -> str:
        return self.roles.get(business_id, {}).get(area, "no_access")


@dataclass
class Business:
    id: str
    name: str
    country: str = "GB"  # GB or IE
    currency: str = "GBP"
    subscription_active: bool = True
    created_at: str = "2023-01-02T09:00:00Z"
    updated_at: str = "2023-01-02T09:00:00Z"
    address_line_1: str = ""
    city: str = ""
    postal_code: str = ""
    address_line_2: str = ""
    region: str = ""
    telephone: str | None = None
    mobile: str | None = None
    website: str | None = None
    # the user who signed up for the subscription (None: the first user whose lead business it is)
    owner_id: str | None = None
    # best-practices guide: START, MICRO, ACCOUNTS, ACCOUNTING_10 (Standard since May 2020), ACCOUNTING (Plus)
    subscription_id: str = "ACCOUNTING_10"
    # resource name -> record id -> record (as Sage renders it), stored compactly (``_store.Collection``)
    data: dict[str, Collection] = field(default_factory=dict)
    # resource name -> [{"id", "displayed_as", "$path", "deleted_at"}]
    deleted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # numbering counters (SI, SCN, journal numbers, ...)
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a saved state holds plain dicts of records
        for name, records in list(self.data.items()):
            if not isinstance(records, Collection):
                self.data[name] = Collection(name, records)

    def collection(self, name: str) -> Collection:
        """The business's records of resource ``name`` (created empty on first use)."""
        coll = self.data.get(name)
        if coll is None:
            coll = self.data[name] = Collection(name)
        return coll

    def release(self) -> None:
        """End of a request: store what changed compactly (see ``Collection.release``)."""
        for coll in self.data.values():
            coll.release()

    def to_json(self) -> dict[str, Any]:
        """The business as plain JSON data."""
        out = {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self) if f.name != "data"}
        out["data"] = {name: coll.to_json() for name, coll in self.data.items()}
        return out

    def clone(self) -> Business:
        """An independent copy."""
        twin = copy.copy(self)
        twin.deleted = copy.deepcopy(self.deleted)
        twin.counters = dict(self.counters)
        twin.data = {name: coll.clone() for name, coll in self.data.items()}
        return twin

    def next_number(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]


@dataclass
class Grant:
    """One sign-in of a user into an app: the chain of refresh tokens that rotation walks along."""

    id: str
    client_id: str
    user_id: str
    scope: str
    created_at: float
    revoked: bool = False


@dataclass
class TokenRecord:
    token: str
    kind: str  # "access" | "refresh"
    grant_id: str
    expires_at: float
    revoked: bool = False
    rotated: bool = False  # refresh tokens: replaced by a newer one


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    user_id: str
    scope: str
    expires_at: float
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    used: bool = False
    grant_id: str | None = None


@dataclass
class State:
    settings: Settings = field(default_factory=Settings)
    apps: dict[str, App] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    businesses: dict[str, Business] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, TokenRecord] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    # client id -> "YYYY-MM-DD" -> requests counted toward the daily limit
    daily_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The whole state as plain JSON data."""
        out: dict[str, Any] = {
            "settings": asdict(self.settings),
            "apps": {k: asdict(v) for k, v in self.apps.items()},
            "users": {k: asdict(v) for k, v in self.users.items()},
            "businesses": {k: v.to_json() for k, v in self.businesses.items()},
            "grants": {k: asdict(v) for k, v in self.grants.items()},
            "tokens": {k: asdict(v) for k, v in self.tokens.items()},
            "codes": {k: asdict(v) for k, v in self.codes.items()},
            "daily_counts": copy.deepcopy(self.daily_counts),
        }
        return out

    def release(self) -> None:
        """End of a request: store the changed records compactly in every business."""
        for business in self.businesses.values():
            business.release()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        """The state saved by :meth:`to_json` (an emulator ``--state`` file); anything else is a
        ``ValueError`` saying what is wrong."""
        check_state_shape(data)
        try:
            return cls._build(data)
        except TypeError as exc:  # a record with unknown or missing fields
            raise ValueError(
                f"not an emulator state: a record does not have the expected fields ({exc})"
            ) from None

    @classmethod
    def _build(cls, data: dict[str, Any]) -> State:
        return cls(
            settings=Settings(**data.get("settings", {})),
            apps={k: App(**v) for k, v in data.get("apps", {}).items()},
            users={k: User(**v) for k, v in data.get("users", {}).items()},
            businesses={k: Business(**v) for k, v in data.get("businesses", {}).items()},
            grants={k: Grant(**v) for k, v in data.get("grants", {}).items()},
            tokens={k: TokenRecord(**v) for k, v in data.get("tokens", {}).items()},
            codes={k: AuthCode(**v) for k, v in data.get("codes", {}).items()},
            daily_counts=data.get("daily_counts", {}),
        )


STATE_SECTIONS = ("settings", "apps", "users", "businesses", "grants", "tokens", "codes", "daily_counts")
_REQUIRED_SECTIONS = ("apps", "users", "businesses")


def check_state_shape(data: Any) -> None:
    """Raise ``ValueError`` unless ``data`` has the shape of a saved emulator state."""
    if not isinstance(data, dict):
        raise ValueError(f"not an emulator state: expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(STATE_SECTIONS) - {"clock_offset"})
    if unknown:
        raise ValueError(f"not an emulator state: unknown key(s) {', '.join(map(repr, unknown))}")
    missing = [key for key in _REQUIRED_SECTIONS if key not in data]
    if missing:
        raise ValueError(f"not an emulator state: missing {', '.join(missing)}")
    for key in STATE_SECTIONS:
        section = data.get(key, {})
        if not isinstance(section, dict):
            raise ValueError(f"not an emulator state: {key} must be an object")
        if key not in ("settings", "daily_counts") and not all(isinstance(v, dict) for v in section.values()):
            raise ValueError(f"not an emulator state: every entry of {key} must be an object")
    offset = data.get("clock_offset", 0.0)
    if isinstance(offset, bool) or not isinstance(offset, int | float):
        raise ValueError("not an emulator state: clock_offset must be a number")
